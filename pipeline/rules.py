"""Pure rules of `analytics.md` shared by the pipeline and its model.

Hours, dispositions, channel matching, queue-log times and arguments, and the queue-call state
machine. Plain values in, plain values out: no database here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from qfon.schema.analytics import QUEUE_FIGURES, USER_QUEUE_FIGURES

HOUR = timedelta(hours=1)

OUTCOMES = {
    "CONNECT": "answered",
    "ABANDON": "abandoned",
    "EXITWITHTIMEOUT": "timeout",
    "EXITWITHKEY": "exit_key",
    "EXITEMPTY": "exit_empty",
}
# Event -> (1-based position of its calltime argument, is a transfer).
ENDS = {
    "COMPLETECALLER": (2, False),
    "COMPLETEAGENT": (2, False),
    "TRANSFER": (4, True),
    "BLINDTRANSFER": (4, True),
    "ATTENDEDTRANSFER": (4, True),
}
# Event -> 1-based position of the argument the figures use.
USED_ARG = {"CONNECT": 1, "ABANDON": 3, "RINGNOANSWER": 1} | {e: p for e, (p, _) in ENDS.items()}
QUEUE_EVENTS = ("ENTERQUEUE", *OUTCOMES, *ENDS, "RINGNOANSWER")

_NUMBER = re.compile(r"^-?\d+$")
_EPOCH = re.compile(r"^\d+(\.\d+)?$")


def hour_of(value: datetime) -> datetime:
    """The start of the hour holding `value`."""
    return value.replace(minute=0, second=0, microsecond=0)


def disposition(value: object) -> str:
    """A CDR disposition as one letter: A answered, B busy, F failed/congestion, N no answer."""
    text = "" if value is None else str(value).strip(" ").upper()
    if text in ("ANSWERED", "8"):
        return "A"
    if text in ("BUSY", "4"):
        return "B"
    if text in ("FAILED", "CONGESTION", "2"):
        return "F"
    return "N"


def channel_peer(channel: str | None, names: Iterable[str]) -> str | None:
    """The longest name whose `SIP/<name>-` starts the channel (case-sensitive), else None."""
    if not channel or not channel.startswith("SIP/"):
        return None
    best: str | None = None
    for name in names:
        if channel.startswith(f"SIP/{name}-") and (best is None or len(name) > len(best)):
            best = name
    return best


def parse_time(value: object, zone: ZoneInfo) -> datetime | None:
    """A queue-log time as naive local time: DATETIME, datetime text or a Unix epoch; else None."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _EPOCH.match(text):
        try:
            return datetime.fromtimestamp(float(text), zone).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=None) if parsed.year >= 1000 else None


def arg_int(args: tuple[str, ...], position: int) -> tuple[int, bool]:
    """The 1-based argument as an int (missing or non-numeric = 0) and whether it was malformed."""
    if position > len(args):
        return 0, False
    text = (args[position - 1] or "").strip()
    if not text:
        return 0, False
    if _NUMBER.match(text):
        return int(text), False
    return 0, True


def split_data(data: str | None) -> tuple[str, ...]:
    """Asterisk 1.6 realtime arguments: one `data` column joined by `|`."""
    return tuple((data or "").split("|"))


@dataclass(frozen=True)
class QueueEvent:
    """One queue-log row as the rules need it; `ident` is the row minus its id (for duplicates)."""

    id: int
    time: datetime
    callid: str
    queue: str
    agent: str
    event: str
    args: tuple[str, ...]
    ident: tuple


@dataclass
class QueueCall:
    """One ENTERQUEUE of (callid, queue) and what belongs to it."""

    callid: str
    queue: str
    hour: datetime
    outcome: str | None = None
    holdtime: int = 0
    agent: str | None = None
    abandon_wait: int = 0
    ended: bool = False
    talk: int = 0
    transferred: bool = False
    rna_agents: list[str] = field(default_factory=list)


def dedupe(events: Iterable[QueueEvent]) -> list[QueueEvent]:
    """Identical rows count once: the one with the smallest id stays."""
    seen: dict[tuple, QueueEvent] = {}
    for ev in sorted(events, key=lambda e: e.id):
        seen.setdefault(ev.ident, ev)
    return list(seen.values())


def queue_calls(events: Iterable[QueueEvent]) -> list[QueueCall]:
    """The queue calls of a set of events holding *every* relevant event of their callids."""
    by_call: dict[tuple[str, str], list[QueueEvent]] = {}
    for ev in dedupe(events):
        by_call.setdefault((ev.callid, ev.queue), []).append(ev)
    calls: list[QueueCall] = []
    for (callid, queue), evs in by_call.items():
        current: QueueCall | None = None
        for ev in sorted(evs, key=lambda e: (e.time, e.id)):
            if ev.event == "ENTERQUEUE":
                current = QueueCall(callid, queue, hour_of(ev.time))
                calls.append(current)
            elif current is not None:
                _apply(current, ev)
    return calls


def _apply(call: QueueCall, ev: QueueEvent) -> None:
    if ev.event == "RINGNOANSWER":
        if arg_int(ev.args, 1)[0] > 0:
            call.rna_agents.append(ev.agent)
    elif ev.event in OUTCOMES:
        if call.outcome is None:
            call.outcome = OUTCOMES[ev.event]
            if ev.event == "CONNECT":
                call.holdtime = arg_int(ev.args, 1)[0]
                call.agent = ev.agent
            elif ev.event == "ABANDON":
                call.abandon_wait = arg_int(ev.args, 3)[0]
    elif ev.event in ENDS and call.outcome == "answered" and not call.ended:
        position, transfer = ENDS[ev.event]
        call.ended = True
        call.talk = arg_int(ev.args, position)[0]
        call.transferred = transfer


def malformed_args(event: str, args: tuple[str, ...]) -> bool:
    """Whether the argument a figure uses is present but not a number."""
    position = USED_ARG.get(event)
    return position is not None and arg_int(args, position)[1]


def member_of(agent: str | None, logins: Mapping[str, int], names: Mapping[str, int]) -> int | None:
    """The user id an event's agent names: SIP/, PJSIP/, Local/<login>@..., or the user's name."""
    if not agent:
        return None
    for prefix in ("SIP/", "PJSIP/"):
        if agent.startswith(prefix) and agent[len(prefix) :] in logins:
            return logins[agent[len(prefix) :]]
    if agent.startswith("Local/") and "@" in agent:
        login = agent[len("Local/") :].split("@", 1)[0]
        if login in logins:
            return logins[login]
    return names.get(agent)


QUEUE_ZERO = dict.fromkeys(QUEUE_FIGURES, 0)
USER_QUEUE_ZERO = dict.fromkeys(USER_QUEUE_FIGURES, 0)


def queue_figures(
    calls: Iterable[QueueCall],
    sla: Mapping[str, int],
    logins: Mapping[str, int],
    names: Mapping[str, int],
) -> tuple[dict[tuple[datetime, str], dict], dict[tuple[datetime, int], dict]]:
    """queue_calls_stats and the queue figures of user_stats, keyed by (hour, queue|user)."""
    queues: dict[tuple[datetime, str], dict] = {}
    users: dict[tuple[datetime, int], dict] = {}
    for call in calls:
        row = queues.setdefault((call.hour, call.queue), dict(QUEUE_ZERO))
        row["offered"] += 1
        if call.outcome is not None:
            row[call.outcome] += 1
        if call.outcome == "answered":
            row["answered_in_sla"] += call.holdtime <= sla.get(call.queue, 20)
            row["wait_answered_total"] += call.holdtime
            row["wait_answered_max"] = max(row["wait_answered_max"], call.holdtime)
            row["talk_total"] += call.talk
            row["transferred"] += call.transferred
            user = member_of(call.agent, logins, names)
            if user is not None:
                urow = users.setdefault((call.hour, user), dict(USER_QUEUE_ZERO))
                urow["queue_answered"] += 1
                urow["queue_talk_seconds"] += call.talk
        elif call.outcome == "abandoned":
            row["wait_abandoned_total"] += call.abandon_wait
        for agent in call.rna_agents:
            user = member_of(agent, logins, names)
            if user is not None:
                urow = users.setdefault((call.hour, user), dict(USER_QUEUE_ZERO))
                urow["queue_ringnoanswer"] += 1
    return queues, users

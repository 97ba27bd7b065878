"""Queue calls from `ast_queue_log` (both layouts): rows of the affected calls go to Python.

Tables made by `qfon tenant create` index `callid`; on older tables without that index a callid
lookup is one scan of the log. The state machine itself is `pipeline.rules.queue_calls`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pymysql.constants import FIELD_TYPE
from sqlalchemy import Connection, text
from sqlalchemy.exc import ProgrammingError

from pipeline.platform import Platform
from pipeline.rules import (
    QUEUE_EVENTS,
    QueueEvent,
    hour_of,
    malformed_args,
    parse_time,
    queue_calls,
    queue_figures,
    split_data,
)

log = logging.getLogger(__name__)
EVENTS_SQL = ", ".join(f"'{e}'" for e in QUEUE_EVENTS)
CHUNK = 2000  # callids per IN list; more than SCAN_ALL of them: one scan of the whole log
SCAN_ALL = 20000
PLAIN = re.compile(r"[A-Za-z0-9_ ]*")


@dataclass(frozen=True)
class Layout:
    """How a tenant's queue log is laid out: `data` or `data1..5`; `time` DATETIME or text."""

    split: bool
    time_is_datetime: bool

    @property
    def columns(self) -> str:
        data = "data" if self.split else "data1, data2, data3, data4, data5"
        return f"id, time, callid, queuename, agent, event, {data}"


def detect_layout(conn: Connection) -> Layout:
    """Read the layout from the table's columns (Asterisk 1.6 realtime or >= 1.8).

    A `LIMIT 0` select: the result's column types, without a slow information_schema query.
    """
    try:
        result = conn.execute(text("SELECT * FROM ast_queue_log LIMIT 0"))
    except ProgrammingError:
        raise LookupError("table ast_queue_log is missing") from None
    types = {d[0].lower(): d[1] for d in result.cursor.description}
    result.close()
    split = "data1" not in types
    if split and "data" not in types:
        raise LookupError("ast_queue_log has neither data nor data1..data5")
    return Layout(split, types.get("time") in (FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP))


def to_event(row: tuple, layout: Layout, zone: ZoneInfo) -> QueueEvent | None:
    """A row as a QueueEvent, or None when its time cannot be read."""
    rid, raw_time, callid, queue, agent, event, *data = row
    when = parse_time(raw_time, zone)
    if when is None:
        return None
    args = split_data(data[0]) if layout.split else tuple(d or "" for d in data)
    ident = (str(raw_time), callid, queue, agent, event, *data)
    return QueueEvent(
        int(rid), when, callid or "", queue or "", agent or "", event or "", args, ident
    )


@dataclass
class Kept:
    """The queue events a first pass's `new_rows` read, if they are exactly SQL's selection."""

    events: list[QueueEvent] = field(default_factory=list)
    exact: bool = True


def _plainly_other(event: str) -> bool:
    """Whether an event name differs from every queue event under any collation (plain ASCII,
    not a case or trailing-space variant of one): then SQL's `event IN (...)` skips it too."""
    return PLAIN.fullmatch(event) is not None and event.rstrip(" ").upper() not in QUEUE_EVENTS


def new_rows(
    conn: Connection,
    low: int,
    high: int,
    layout: Layout,
    zone: ZoneInfo,
    keep: Kept | None = None,
) -> tuple[int, list[int], set[str]]:
    """Rows in (low, high]: how many, the malformed ids, the callids of their queue events.

    With `keep`, the queue events read are kept (what `events_of(None)` would read: a first
    pass saves two more scans of the log), unless an event name is a variant whose match
    depends on the collation (`keep.exact` false: the caller then asks SQL)."""
    if high <= low:
        return 0, [], set()
    where = "id <= :hi" if keep is not None else "id > :lo AND id <= :hi"
    result = conn.execute(
        text(f"SELECT {layout.columns} FROM ast_queue_log WHERE {where}"),
        {"lo": low, "hi": high},
    )
    count, bad, callids = 0, [], set()
    for row in result:
        ev = to_event(tuple(row), layout, zone)
        if keep is not None and keep.exact and ev is not None:
            if ev.event in QUEUE_EVENTS:
                keep.events.append(ev)
            elif not _plainly_other(ev.event):
                keep.exact, keep.events = False, []
        if int(row[0]) <= low:
            continue
        count += 1
        if ev is None:
            bad.append(int(row[0]))
            continue
        if ev.event in QUEUE_EVENTS:
            callids.add(ev.callid)
            if malformed_args(ev.event, ev.args):
                bad.append(ev.id)
    return count, sorted(bad), callids


def events_of(
    conn: Connection, callids: Iterable[str] | None, layout: Layout, zone: ZoneInfo
) -> list[QueueEvent]:
    """Every queue event (readable time) of the callids; None means of every callid."""
    base = f"SELECT {layout.columns} FROM ast_queue_log WHERE event IN ({EVENTS_SQL})"
    wanted = None if callids is None else sorted(set(callids))
    chunks: list[list[str] | None]
    if wanted is None or len(wanted) > SCAN_ALL:
        chunks = [None]
    else:
        chunks = [wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)]
    keep = None if wanted is None else set(wanted)
    events = []
    for chunk in chunks:
        if chunk is None:
            rows = conn.execute(text(base))
        else:
            marks = ", ".join(f":c{i}" for i in range(len(chunk)))
            rows = conn.execute(
                text(f"{base} AND callid IN ({marks})"), {f"c{i}": c for i, c in enumerate(chunk)}
            )
        for row in rows:
            ev = to_event(tuple(row), layout, zone)
            if ev is not None and (keep is None or ev.callid in keep):
                events.append(ev)
    return events


def touched_hours(
    conn: Connection, callids: set[str], layout: Layout, zone: ZoneInfo
) -> set[datetime]:
    """Hours of every ENTERQUEUE of the callids (old and new calls alike)."""
    if not callids:
        return set()
    return {
        hour_of(e.time) for e in events_of(conn, callids, layout, zone) if e.event == "ENTERQUEUE"
    }


def all_hours(conn: Connection, layout: Layout, zone: ZoneInfo) -> set[datetime]:
    """Every hour holding an ENTERQUEUE (for a first pass)."""
    rows = conn.execute(
        text(f"SELECT {layout.columns} FROM ast_queue_log WHERE event = 'ENTERQUEUE'")
    )
    return {hour_of(e.time) for r in rows if (e := to_event(tuple(r), layout, zone)) is not None}


def _enter_callids(
    conn: Connection, hours: set[datetime], layout: Layout, zone: ZoneInfo
) -> set[str]:
    lo, hi = min(hours) - timedelta(days=1), max(hours) + timedelta(days=1, hours=1)
    params: dict[str, object]
    if layout.time_is_datetime:
        cond, params = "time >= :lo AND time < :hi", {"lo": lo, "hi": hi}
    else:  # epochs and datetime text compare as text within their own kind
        cond = "((time >= :elo AND time < :ehi) OR (time >= :slo AND time < :shi))"
        params = {
            "elo": str(int(lo.replace(tzinfo=zone).timestamp())),
            "ehi": str(int(hi.replace(tzinfo=zone).timestamp())),
            "slo": lo.isoformat(sep=" "),
            "shi": hi.isoformat(sep=" "),
        }
    rows = conn.execute(
        text(f"SELECT {layout.columns} FROM ast_queue_log WHERE event = 'ENTERQUEUE' AND {cond}"),
        params,
    )
    found = set()
    for row in rows:
        ev = to_event(tuple(row), layout, zone)
        if ev is not None and hour_of(ev.time) in hours:
            found.add(ev.callid)
    return found


def queue_figures_for(
    conn: Connection,
    hours: set[datetime],
    platform: Platform,
    layout: Layout,
    zone: ZoneInfo,
    full: bool = False,
    events: list[QueueEvent] | None = None,
) -> tuple[dict[tuple, dict], dict[tuple, dict]]:
    """queue_calls_stats and the queue figures of user_stats for the queue calls in `hours`.

    `events`: with `full`, every queue event of the log, already read (see `new_rows`)."""
    if not hours:
        return {}, {}
    callids = None if full else _enter_callids(conn, hours, layout, zone)
    if callids is not None and not callids:
        return {}, {}
    if events is None or not full:
        events = events_of(conn, callids, layout, zone)
    calls = [c for c in queue_calls(events) if c.hour in hours]
    return queue_figures(calls, platform.sla, platform.logins, platform.user_names)

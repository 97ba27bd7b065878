"""A small pure-Python model of `analytics.md`: the three tables from plain source rows.

Slow and obvious on purpose: the property test holds the SQL path to it. Rows are dicts with the
source columns; times are naive local datetimes (None for zero dates).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pipeline.platform import Platform
from pipeline.rules import HOUR, QueueEvent, channel_peer, disposition, hour_of, queue_figures
from pipeline.rules import queue_calls as build_queue_calls
from qfon.schema.analytics import USER_CDR_FIGURES

CALL_ZERO = dict.fromkeys(
    ("calls", "answered", "no_answer", "busy", "failed", "billsec_total", "duration_total"), 0
)
USER_CDR_ZERO = dict.fromkeys(USER_CDR_FIGURES, 0)
Tables = dict[str, dict[tuple, dict]]


def _pos(value: int | None) -> int:
    return value if value is not None and value > 0 else 0


def call_key(row: dict) -> str:
    """linkedid where set, else uniqueid."""
    return row["linkedid"] if row.get("linkedid") else row["uniqueid"]


def calls_and_users(rows: Iterable[dict], platform: Platform) -> tuple[dict, dict]:
    """CDR figures of call_stats (without max_concurrent) and of user_stats."""
    calls: dict[str, list[dict]] = {}
    for row in rows:
        if row["calldate"] is not None:
            calls.setdefault(call_key(row), []).append(row)
    trunks, logins = platform.trunk_names, platform.logins

    def trunk(ch: str | None) -> str | None:
        return channel_peer(ch, trunks)

    def user(ch: str | None) -> int | None:
        if trunk(ch) is not None:
            return None
        login = channel_peer(ch, logins)
        return None if login is None else logins[login]

    stats: dict[tuple, dict] = {}
    users: dict[tuple, dict] = {}
    for legs in calls.values():
        legs.sort(key=lambda r: (r["calldate"], r["id"]))
        start = legs[0]["calldate"]
        hour = hour_of(start)
        in_legs = [r for r in legs if trunk(r["channel"]) is not None]
        out_legs = [r for r in legs if trunk(r["dstchannel"]) is not None]
        if in_legs:
            direction, number = "in", trunks[trunk(in_legs[0]["channel"])]  # type: ignore[index]
        elif out_legs:
            direction, number = "out", trunks[trunk(out_legs[0]["dstchannel"])]  # type: ignore[index]
        else:
            direction, number = "internal", None
        disps = [disposition(r["disposition"]) for r in legs]
        answered = "A" in disps
        if direction != "internal":
            row = stats.setdefault((hour, number, direction), dict(CALL_ZERO))
            row["calls"] += 1
            last = disps[-1]
            outcome = (
                "answered" if answered else {"B": "busy", "F": "failed"}.get(last, "no_answer")
            )
            row[outcome] += 1
            paid = [_pos(r["billsec"]) for r, d in zip(legs, disps, strict=True) if d == "A"]
            row["billsec_total"] += sum(paid)
            end = max((r["calldate"] - start).total_seconds() + _pos(r["duration"]) for r in legs)
            row["duration_total"] += int(end)
        for uid in {user(r["channel"]) for r in legs} | {user(r["dstchannel"]) for r in legs}:
            if uid is None:
                continue
            as_ch = any(user(r["channel"]) == uid for r in legs)
            as_dst = [d for r, d in zip(legs, disps, strict=True) if user(r["dstchannel"]) == uid]
            u = users.setdefault((hour, uid), dict(USER_CDR_ZERO))
            if direction == "out" and as_ch:
                u["calls_out"] += 1
                u["calls_out_answered"] += answered
            if direction == "in" and as_dst:
                u["calls_in"] += 1
                u["calls_in_answered"] += "A" in as_dst
                u["calls_in_missed"] += "A" not in as_dst
            if direction == "internal":
                u["calls_internal"] += 1
            u["talk_seconds"] += sum(
                _pos(r["billsec"])
                for r, d in zip(legs, disps, strict=True)
                if d == "A" and uid in (user(r["channel"]), user(r["dstchannel"]))
            )
    return stats, users


def concurrency(samples: list[tuple[int, datetime, int, int]], platform: Platform) -> dict:
    """max_concurrent by (hour, number) over every hour from the first sample to the latest."""
    latest = max((s[1] for s in samples), default=None)
    samples = sorted(
        (s for s in samples if s[2] in platform.trunk_number), key=lambda s: (s[1], s[0])
    )
    if not samples:
        return {}
    result: dict[tuple, int | None] = {}
    hour = hour_of(samples[0][1])
    last = hour_of(latest)  # type: ignore[arg-type]
    numbers = set(platform.trunk_number.values())
    while hour <= last:
        instants = [hour] + [s[1] for s in samples if hour <= s[1] < hour + HOUR]
        for number in numbers:
            trunks = {t for t, n in platform.trunk_number.items() if n == number}
            if not any(s[2] in trunks and s[1] < hour + HOUR for s in samples):
                continue
            peak = 0
            for t in instants:
                level = 0
                for trunk in trunks:
                    seen = [s for s in samples if s[2] == trunk and s[1] <= t]
                    level += seen[-1][3] if seen else 0
                peak = max(peak, level)
            result[(hour, number)] = peak
        hour += HOUR
    return result


def compute(
    cdr_rows: Iterable[dict],
    queue_events: Iterable[QueueEvent],
    inuse: list[tuple[int, datetime, int, int]],
    platform: Platform,
) -> Tables:
    """call_stats, user_stats and queue_calls_stats by key, figures as dicts (no updated_at)."""
    stats, users = calls_and_users(cdr_rows, platform)
    peaks = concurrency(inuse, platform)
    last_hour = hour_of(max(s[1] for s in inuse)) if inuse else None
    keys = {(h, n) for h, n, _ in stats}
    keys |= {k for k, v in peaks.items() if v and last_hour is not None and k[0] <= last_hour}
    call_stats: dict[tuple, dict] = {}
    for hour, number in keys:
        for direction in ("in", "out"):
            row = dict(stats.get((hour, number, direction), CALL_ZERO))
            peak = peaks.get((hour, number))
            if peak is None and last_hour is not None and hour > last_hour:
                peak = _carried(inuse, platform, number)
            row["max_concurrent"] = peak
            call_stats[(hour, number, direction)] = row
    qstats, quser = queue_figures(
        build_queue_calls(queue_events), platform.sla, platform.logins, platform.user_names
    )
    user_stats: dict[tuple, dict] = {}
    for key in set(users) | set(quser):
        row = {**USER_CDR_ZERO, **users.get(key, {})}
        row.update({"queue_answered": 0, "queue_talk_seconds": 0, "queue_ringnoanswer": 0})
        row.update(quser.get(key, {}))
        if any(row.values()):
            user_stats[key] = row
    return {"call_stats": call_stats, "user_stats": user_stats, "queue_calls_stats": qstats}


def _carried(
    inuse: list[tuple[int, datetime, int, int]], platform: Platform, number: int
) -> int | None:
    """The number's level after its last sample (for hours after the tenant's latest sample)."""
    trunks = {t for t, n in platform.trunk_number.items() if n == number}
    latest: dict[int, tuple] = {}
    for s in sorted(inuse, key=lambda s: (s[1], s[0])):
        if s[2] in trunks:
            latest[s[2]] = s
    return sum(s[3] for s in latest.values()) if latest else None

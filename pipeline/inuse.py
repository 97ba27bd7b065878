"""max_concurrent from `inuse` trunk samples: a sweep over the samples of the hours asked for.

A sample holds its trunk's value until the next one, so a new sample can change every later hour
of its number: the touched range runs to the latest sample (and to the latest stored hour).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, text

from pipeline.platform import Platform
from pipeline.rules import HOUR, hour_of

VALID = "ts >= '1000-01-01'"


def span(first: datetime, last: datetime) -> set[datetime]:
    """Every hour from the hour of `first` to the hour of `last`."""
    hours, hour = set(), hour_of(first)
    while hour <= last:
        hours.add(hour)
        hour += HOUR
    return hours


def latest_hour(conn: Connection) -> datetime | None:
    """Hour of the tenant's latest sample (concurrency makes rows only up to it)."""
    latest = conn.execute(text(f"SELECT MAX(ts) FROM inuse WHERE {VALID}")).scalar()
    return hour_of(latest) if latest else None


def new_rows(conn: Connection, low: int, high: int) -> tuple[int, list[int], datetime | None]:
    """Rows in (low, high]: how many, the malformed ids, the earliest valid ts among them."""
    if high <= low:
        return 0, [], None
    where = "id > :lo AND id <= :hi"
    params = {"lo": low, "hi": high}
    count, earliest, n_bad = conn.execute(
        text(
            f"SELECT COUNT(*), MIN(IF({VALID}, ts, NULL)), "
            f"COALESCE(SUM(NOT COALESCE({VALID}, FALSE)), 0) FROM inuse WHERE {where}"
        ),
        params,
    ).one()
    if not n_bad:
        return int(count), [], earliest
    bad = conn.execute(
        text(f"SELECT id FROM inuse WHERE {where} AND NOT COALESCE({VALID}, FALSE) ORDER BY id"),
        params,
    ).scalars()
    return int(count), [int(i) for i in bad], earliest


def touched_hours(conn: Connection, low: int, earliest: datetime | None) -> set[datetime]:
    """Hours whose max_concurrent or row existence new samples (ts >= `earliest`) can change."""
    if earliest is None:
        return set()
    old_latest, latest, stored = conn.execute(
        text(
            f"SELECT (SELECT ts FROM inuse WHERE id <= :lo AND {VALID} ORDER BY ts DESC LIMIT 1), "
            f"(SELECT MAX(ts) FROM inuse WHERE {VALID}), (SELECT MAX(period_start) FROM call_stats)"
        ),
        {"lo": low},
    ).one()
    start = min(earliest, old_latest) if old_latest else earliest
    end = (hour_of(latest) if latest else None) or hour_of(earliest)
    return span(start, max(end, stored) if stored else end)


def all_hours(conn: Connection) -> set[datetime]:
    """Every hour from the first sample to the latest (for a first pass)."""
    first, last = conn.execute(text(f"SELECT MIN(ts), MAX(ts) FROM inuse WHERE {VALID}")).one()
    return span(first, last) if first else set()


def peaks(conn: Connection, hours: set[datetime], platform: Platform) -> dict[tuple, int | None]:
    """max_concurrent by (hour, number) for the hours; None where no trunk had a sample yet."""
    if not hours:
        return {}
    ordered = sorted(hours)
    lo, hi = ordered[0], ordered[-1] + HOUR
    rows = conn.execute(  # one round trip: the value before `lo` (part 0), then the samples
        text(
            "(SELECT 0 AS part, i.id, i.ts, i.sip_trunk_id, i.calls FROM inuse i JOIN (SELECT "
            f"sip_trunk_id, MAX(ts) AS ts FROM inuse WHERE ts < :lo AND {VALID} GROUP BY "
            "sip_trunk_id) m ON m.sip_trunk_id = i.sip_trunk_id AND m.ts = i.ts) UNION ALL "
            "(SELECT 1, id, ts, sip_trunk_id, calls FROM inuse WHERE ts >= :lo AND ts < :hi) "
            "ORDER BY part, ts, id"
        ),
        {"lo": lo, "hi": hi},
    ).all()
    base = [tuple(r[1:]) for r in rows if r[0] == 0]
    samples = [tuple(r[1:]) for r in rows if r[0] == 1]
    return sweep(base, samples, ordered, platform)


def sweep(
    base: list[tuple], samples: list[tuple], hours: list[datetime], platform: Platform
) -> dict[tuple, int | None]:
    """Peaks per (hour, number) from the value before the first hour and the samples after."""
    numbers = set(platform.trunk_number.values())
    value: dict[int, int] = {}
    level: dict[int, int] = defaultdict(int)
    seen: set[int] = set()

    def apply(trunk: int, calls: int | None) -> None:
        number = platform.trunk_number.get(trunk)
        if number is None:
            return
        new = calls or 0
        level[number] += new - value.get(trunk, 0)
        value[trunk] = new
        seen.add(number)

    for _, _, trunk, calls in base:
        apply(trunk, calls)
    result: dict[tuple, int | None] = {}
    i = 0
    for hour in hours:
        while i < len(samples) and samples[i][1] <= hour:
            apply(samples[i][2], samples[i][3])
            i += 1
        peak = dict(level)
        end = hour + HOUR
        while i < len(samples) and samples[i][1] < end:
            ts = samples[i][1]
            while i < len(samples) and samples[i][1] == ts:
                apply(samples[i][2], samples[i][3])
                i += 1
            for number, current in level.items():
                peak[number] = max(peak.get(number, 0), current)
        for number in numbers:
            result[(hour, number)] = peak.get(number, 0) if number in seen else None
    return result


def peaks_all(
    conn: Connection, hours: set[datetime], platform: Platform
) -> dict[tuple, int | None]:
    """Like `peaks` but for a first pass: levels computed in MariaDB with window functions, only
    one row per (number, hour with samples) travels; hours between samples carry the level."""
    conn.execute(text("DROP TEMPORARY TABLE IF EXISTS qp_trunknum"))
    conn.execute(
        text("CREATE TEMPORARY TABLE qp_trunknum (trunk INT PRIMARY KEY, num INT NOT NULL)")
    )
    if platform.trunk_number:
        conn.execute(
            text("INSERT INTO qp_trunknum VALUES (:t, :n)"),
            [{"t": t, "n": n} for t, n in platform.trunk_number.items()],
        )
    hour = "TIMESTAMP(DATE(ts), MAKETIME(HOUR(ts), 0, 0))"
    rows = conn.execute(
        text(
            "WITH s AS (SELECT m.num, i.ts, i.id, i.calls - COALESCE(LAG(i.calls, 1) OVER "
            "(PARTITION BY i.sip_trunk_id ORDER BY i.ts, i.id), 0) AS delta FROM inuse i "
            f"JOIN qp_trunknum m ON m.trunk = i.sip_trunk_id WHERE i.{VALID}), "
            "l AS (SELECT num, ts, SUM(delta) OVER (PARTITION BY num ORDER BY ts) AS level, "
            f"ROW_NUMBER() OVER (PARTITION BY num, {hour} ORDER BY ts DESC, id DESC) AS rn FROM s) "
            f"SELECT num, {hour} AS h, MAX(level), MAX(IF(rn = 1, level, NULL)), "
            f"MAX(ts = {hour}) FROM l GROUP BY num, h ORDER BY h"
        )
    ).all()
    conn.execute(text("DROP TEMPORARY TABLE qp_trunknum"))
    by_hour: dict[datetime, list[tuple]] = defaultdict(list)
    for num, h, top, last, at_start in rows:
        by_hour[h].append((int(num), int(top), int(last), bool(at_start)))
    carry: dict[int, int] = {}
    result: dict[tuple, int | None] = {}
    numbers = set(platform.trunk_number.values())
    pending = sorted(by_hour)
    i = 0
    for h in sorted(hours):
        while i < len(pending) and pending[i] < h:
            for num, _, last, _ in by_hour[pending[i]]:
                carry[num] = last
            i += 1
        inside = {num: (top, last, at) for num, top, last, at in by_hour.get(h, [])}
        for number in numbers:
            if number in inside:
                top, _, at_start = inside[number]
                before = carry.get(number, 0)
                result[(h, number)] = top if at_start else max(top, before)
            else:
                result[(h, number)] = carry.get(number)
    return result

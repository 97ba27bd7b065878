"""Reading the analytics tables: hourly sums for a period, rolled up to groups in Python.

Counts and seconds are summed, maxima take the maximum; every ratio is derived from the summed
parts (`derived.py`), never averaged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal_column, select

from qfon.schema import (
    call_stats,
    dial_numbers,
    pipeline_state,
    queue_calls_stats,
    sip_trunks,
    user_stats,
    users,
)
from qfon.schema.analytics import QUEUE_FIGURES, USER_CDR_FIGURES, USER_QUEUE_FIGURES
from reports.db import TenantDB
from reports.period import Period

CALL_FIGURES = (
    "calls",
    "answered",
    "no_answer",
    "busy",
    "failed",
    "billsec_total",
    "duration_total",
)
MAX_FIGURES = {"max_concurrent", "wait_answered_max"}


def _in_period(table: Any, period: Period) -> Any:
    return (table.c.period_start >= period.start) & (table.c.period_start < period.end)


def _sums(table: Any, names: tuple[str, ...]) -> list[Any]:
    return [(func.max if n in MAX_FIGURES else func.sum)(table.c[n]).label(n) for n in names]


def _plain(row: Any) -> dict[str, Any]:
    """A result row with SUM()'s Decimals as ints."""
    return {k: int(v) if isinstance(v, Decimal) else v for k, v in dict(row).items()}


def add_into(target: dict[str, Any], row: dict[str, Any], names: tuple[str, ...]) -> None:
    """Roll a row into a total: sums for counts, max for maxima (None stays absent)."""
    for name in names:
        value = row.get(name)
        if value is None:
            target.setdefault(name, None)
            continue
        value = int(value)
        if name in MAX_FIGURES:
            current = target.get(name)
            target[name] = value if current is None else max(current, value)
        else:
            target[name] = (target.get(name) or 0) + value


def bucket_expr(grouping: str) -> Any:
    """SQL of the group start of `period_start`: the hour, the day, the week's Monday, the month."""
    return literal_column(
        {
            "hour": "period_start",
            "day": "DATE(period_start)",
            "week": "DATE(period_start) - INTERVAL WEEKDAY(period_start) DAY",
            "month": "DATE(period_start) - INTERVAL (DAYOFMONTH(period_start) - 1) DAY",
            "hour_of_day": "HOUR(period_start)",
        }[grouping]
    ).label("bucket")


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())


def _split(column: Any, direction: str) -> Any:
    return func.sum(case((call_stats.c.direction == direction, column), else_=0))


def call_groups(db: TenantDB, period: Period, grouping: str) -> list[dict[str, Any]]:
    """Per group (oldest first): calls in and out, answered and talk, over every number."""
    c = call_stats.c
    bucket = bucket_expr(grouping)
    stmt = (
        select(
            bucket,
            _split(c.calls, "in").label("calls_in"),
            _split(c.calls, "out").label("calls_out"),
            func.sum(c.answered).label("answered"),
            func.sum(c.billsec_total).label("billsec_total"),
        )
        .where(_in_period(call_stats, period))
        .group_by(bucket)
        .order_by(bucket)
    )
    rows = [_plain(r) for r in db.execute(stmt).mappings()]
    for row in rows:
        row["bucket"] = _as_datetime(row["bucket"])
    return rows


def call_heat(db: TenantDB, period: Period) -> list[tuple[int, int, int]]:
    """(weekday 0=Monday, hour, calls) over the period."""
    c = call_stats.c
    weekday = func.weekday(c.period_start).label("weekday")
    hour = func.hour(c.period_start).label("hour")
    stmt = (
        select(weekday, hour, func.sum(c.calls))
        .where(_in_period(call_stats, period))
        .group_by(weekday, hour)
    )
    return [(int(w), int(h), int(n or 0)) for w, h, n in db.execute(stmt)]


def per_number(db: TenantDB, period: Period) -> list[dict]:
    """call_stats per (dial number, direction) over the period."""
    c = call_stats.c
    stmt = (
        select(c.dial_number_id, c.direction, *_sums(call_stats, (*CALL_FIGURES, "max_concurrent")))
        .where(_in_period(call_stats, period))
        .group_by(c.dial_number_id, c.direction)
        .order_by(c.dial_number_id, c.direction)
    )
    return [_plain(r) for r in db.execute(stmt).mappings()]


def numbers_info(db: TenantDB) -> tuple[dict[int, dict], dict[int, int]]:
    """The dial numbers by id, and the summed calllimit of each number's trunks (0 = unmapped)."""
    numbers = {
        int(r.id): {"number": r.number, "comment": r.comment}
        for r in db.execute(
            select(dial_numbers.c.id, dial_numbers.c.number, dial_numbers.c.comment)
        )
    }
    limits: dict[int, int] = defaultdict(int)
    for number_id, limit in db.execute(select(sip_trunks.c.dial_number_id, sip_trunks.c.calllimit)):
        key = int(number_id) if number_id and int(number_id) in numbers else 0
        limits[key] += int(limit or 0)
    return numbers, dict(limits)


def per_user(db: TenantDB, period: Period) -> tuple[list[dict], dict[int, dict]]:
    """user_stats summed per user over the period, and the users by id."""
    u = user_stats.c
    names = USER_CDR_FIGURES + USER_QUEUE_FIGURES
    stmt = (
        select(u.user_id, *_sums(user_stats, names))
        .where(_in_period(user_stats, period))
        .group_by(u.user_id)
    )
    rows = [_plain(r) for r in db.execute(stmt).mappings()]
    people = {
        int(r.id): {"name": r.name, "login": r.login}
        for r in db.execute(select(users.c.id, users.c.name, users.c.login))
    }
    return rows, people


def per_queue(db: TenantDB, period: Period) -> list[dict[str, Any]]:
    """queue_calls_stats per queue over the period."""
    q = queue_calls_stats.c
    stmt = (
        select(q.queue_name, *_sums(queue_calls_stats, QUEUE_FIGURES))
        .where(_in_period(queue_calls_stats, period))
        .group_by(q.queue_name)
        .order_by(q.queue_name)
    )
    return [_plain(r) for r in db.execute(stmt).mappings()]


def queue_groups(db: TenantDB, period: Period, grouping: str) -> list[dict[str, Any]]:
    """queue_calls_stats per group over all queues, oldest first."""
    bucket = bucket_expr(grouping)
    stmt = (
        select(bucket, *_sums(queue_calls_stats, QUEUE_FIGURES))
        .where(_in_period(queue_calls_stats, period))
        .group_by(bucket)
        .order_by(bucket)
    )
    rows = [_plain(r) for r in db.execute(stmt).mappings()]
    if grouping != "hour_of_day":
        for row in rows:
            row["bucket"] = _as_datetime(row["bucket"])
    return rows


def freshness(db: TenantDB) -> dict[str, datetime | None]:
    """The pipeline's last success per source table (empty if it never ran)."""
    p = pipeline_state.c
    try:
        rows = db.execute(select(p.source, p.last_success)).all()
    except Exception:  # noqa: BLE001 - an old tenant without the table just has no freshness
        db.conn.rollback()
        return {}
    return {str(source): last for source, last in rows}

"""Replace hours in place: empty them, then write call_stats, queue_calls_stats and the queue
figures of user_stats (its CDR figures are inserted by `pipeline.cdr` straight from SQL).

The caller owns the transaction: the DELETE and INSERTs commit together with the watermark.
"""

from __future__ import annotations

from datetime import datetime

from pymysql.converters import escape_string
from sqlalchemy import Connection, text

from pipeline.hours import range_sql
from qfon.schema.analytics import QUEUE_FIGURES, USER_QUEUE_FIGURES

BATCH = 2000
CALL_COLUMNS = (
    "period_start", "dial_number_id", "direction", "calls", "answered", "no_answer", "busy",
    "failed", "billsec_total", "duration_total", "max_concurrent",
)  # fmt: skip
QUEUE_COLUMNS = ("period_start", "queue_name", *QUEUE_FIGURES)

ZERO_CALL = dict.fromkeys(
    ("calls", "answered", "no_answer", "busy", "failed", "billsec_total", "duration_total"), 0
)


def call_rows(
    hours: set[datetime],
    calls: dict[tuple, dict],
    peaks: dict[tuple, int | None],
    latest: datetime | None,
) -> dict[tuple, dict]:
    """call_stats rows: both directions for every (hour, number) with a call or a peak above 0."""
    keys = {(h, n) for h, n, _ in calls}
    keys |= {(h, n) for (h, n), p in peaks.items() if p and latest is not None and h <= latest}
    rows = {}
    for hour, number in keys:
        if hour not in hours:
            continue
        for direction in ("in", "out"):
            row = dict(calls.get((hour, number, direction), ZERO_CALL))
            row["max_concurrent"] = peaks.get((hour, number))
            rows[(hour, number, direction)] = row
    return rows


def delete_hours(conn: Connection, hours: set[datetime]) -> None:
    """Empty the hours in the three tables (first step of replacing them)."""
    cond, params = range_sql("period_start", hours)
    for table in ("call_stats", "user_stats", "queue_calls_stats"):
        conn.execute(text(f"DELETE FROM {table} WHERE {cond}"), params)


def add_queue_users(conn: Connection, users: dict[tuple, dict], now: datetime) -> None:
    """Add the queue figures of user_stats to the rows the CDR figures made, or new rows."""
    columns = ("period_start", "user_id", *USER_QUEUE_FIGURES, "updated_at")
    rows = [(h, u, *_ordered(v, USER_QUEUE_FIGURES), now) for (h, u), v in users.items()]
    update = ", ".join(f"{c} = VALUES({c})" for c in USER_QUEUE_FIGURES)
    for i in range(0, len(rows), BATCH):
        values = ", ".join(_literal_row(r) for r in rows[i : i + BATCH])
        conn.exec_driver_sql(
            f"INSERT INTO user_stats ({', '.join(columns)}) VALUES {values} "
            f"ON DUPLICATE KEY UPDATE {update}"
        )


def insert_rows(
    conn: Connection, calls: dict[tuple, dict], queues: dict[tuple, dict], now: datetime
) -> int:
    """Insert call_stats and queue_calls_stats rows of emptied hours; returns rows written."""
    written = 0
    for table, columns, rows in (
        ("call_stats", CALL_COLUMNS, _call_values(calls, now)),
        (
            "queue_calls_stats",
            QUEUE_COLUMNS,
            [
                _literal_row((h, q, *_ordered(v, QUEUE_COLUMNS[2:]), now))
                for (h, q), v in queues.items()
            ],
        ),
    ):
        names = ", ".join((*columns, "updated_at"))
        for i in range(0, len(rows), BATCH):
            values = ", ".join(rows[i : i + BATCH])
            conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES {values}")
        written += len(rows)
    return written


def _call_values(calls: dict[tuple, dict], now: datetime) -> list[str]:
    """VALUES tuples of call_stats rows, formatted directly (the hot path of a backfill):
    hour texts are made once per hour, every figure is an int, the direction in/out."""
    stamp = _literal(now)
    hour_texts: dict[datetime, str] = {}
    values = []
    for (hour, number, direction), v in calls.items():
        h = hour_texts.get(hour)
        if h is None:
            h = hour_texts[hour] = _literal(hour)
        peak = v["max_concurrent"]
        values.append(
            f"({h}, {int(number)}, {_literal(direction)}, {int(v['calls'])}, "
            f"{int(v['answered'])}, {int(v['no_answer'])}, {int(v['busy'])}, "
            f"{int(v['failed'])}, {int(v['billsec_total'])}, {int(v['duration_total'])}, "
            f"{'NULL' if peak is None else int(peak)}, {stamp})"
        )
    return values


def _ordered(figures: dict, names: tuple[str, ...]) -> tuple:
    return tuple(figures[n] for n in names)


def _literal(value: object) -> str:
    """An SQL literal of the plain values these tables hold (ints, None, datetimes, text)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(int(value))
    if isinstance(value, datetime):
        return f"'{value:%Y-%m-%d %H:%M:%S}'"
    return "'" + escape_string(str(value)) + "'"


def _literal_row(row: tuple) -> str:
    """One VALUES tuple. Built here because PyMySQL's per-value escaping is the slow part."""
    return "(" + ", ".join(map(_literal, row)) + ")"

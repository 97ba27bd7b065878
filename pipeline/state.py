"""Watermarks and run records in the tenant's `qfon_pipeline_state` (one row per source table).

`last_success` and `last_attempt` are UTC (the session time zone is pinned to +00:00), so that
`pipeline status` and the host agent can compute the lag without knowing the tenant's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

SOURCES = ("ast_cdr_adaptive", "ast_queue_log", "inuse")


@dataclass
class SourceState:
    """The stored state of one source table."""

    source: str
    watermark: int = 0
    last_success: datetime | None = None
    last_error: str | None = None


def read_state(conn: Connection) -> dict[str, SourceState]:
    """Every source's state (missing rows read as never processed)."""
    rows = conn.execute(
        text("SELECT source, watermark, last_success, last_error FROM qfon_pipeline_state")
    ).all()
    found = {r[0]: SourceState(r[0], int(r[1]), r[2], r[3]) for r in rows}
    return {s: found.get(s, SourceState(s)) for s in SOURCES}


def write_success(
    conn: Connection,
    watermarks: dict[str, int],
    read: dict[str, int],
    malformed: dict[str, int],
    hours: int,
) -> None:
    """Record a successful pass (inside the transaction that wrote its hours), one statement."""
    rows: list[str] = []
    params: dict[str, object] = {"h": hours}
    for i, source in enumerate(SOURCES):
        rows.append(f"(:s{i}, :w{i}, UTC_TIMESTAMP(), UTC_TIMESTAMP(), NULL, :r{i}, :m{i}, :h)")
        params |= {
            f"s{i}": source,
            f"w{i}": watermarks[source],
            f"r{i}": read.get(source, 0),
            f"m{i}": malformed.get(source, 0),
        }
    conn.execute(
        text(
            "INSERT INTO qfon_pipeline_state (source, watermark, last_success, last_attempt, "
            f"last_error, rows_read, rows_malformed, hours_recomputed) VALUES {', '.join(rows)} "
            "ON DUPLICATE KEY UPDATE "
            "watermark = VALUES(watermark), last_success = VALUES(last_success), "
            "last_attempt = VALUES(last_attempt), last_error = NULL, "
            "rows_read = VALUES(rows_read), rows_malformed = VALUES(rows_malformed), "
            "hours_recomputed = VALUES(hours_recomputed)"
        ),
        params,
    )


def touch_success(conn: Connection) -> None:
    """A pass that found nothing new: only the times move (one cheap statement)."""
    rows = ", ".join(f"('{s}', UTC_TIMESTAMP(), UTC_TIMESTAMP())" for s in SOURCES)
    conn.execute(
        text(
            "INSERT INTO qfon_pipeline_state (source, last_success, last_attempt) "
            f"VALUES {rows} ON DUPLICATE KEY UPDATE last_success = VALUES(last_success), "
            "last_attempt = VALUES(last_attempt), last_error = NULL, rows_read = 0, "
            "rows_malformed = 0, hours_recomputed = 0"
        )
    )


def write_error(conn: Connection, message: str) -> None:
    """Record a failed pass; watermarks stay where they were."""
    for source in SOURCES:
        conn.execute(
            text(
                "INSERT INTO qfon_pipeline_state (source, last_attempt, last_error) "
                "VALUES (:s, UTC_TIMESTAMP(), :e) ON DUPLICATE KEY UPDATE "
                "last_attempt = VALUES(last_attempt), last_error = VALUES(last_error)"
            ),
            {"s": source, "e": message[:2000]},
        )


def reset(conn: Connection) -> None:
    """Forget every watermark (a full rebuild starts from scratch)."""
    conn.execute(text("UPDATE qfon_pipeline_state SET watermark = 0"))

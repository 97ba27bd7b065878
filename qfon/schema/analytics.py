"""Tables the pipeline writes and the reports read (shared/spec/analytics.md), and its state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Enum,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()
_opts: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def _count(name: str) -> Column:
    return Column(name, BigInteger, nullable=False, server_default="0")


call_stats = Table(
    "call_stats",
    metadata,
    Column("period_start", DateTime, nullable=False),
    Column("dial_number_id", Integer, nullable=False),
    Column("direction", Enum("in", "out", name="call_direction"), nullable=False),
    _count("calls"),
    _count("answered"),
    _count("no_answer"),
    _count("busy"),
    _count("failed"),
    _count("billsec_total"),
    _count("duration_total"),
    Column("max_concurrent", Integer, nullable=True),
    Column("updated_at", DateTime, nullable=False),
    PrimaryKeyConstraint("period_start", "dial_number_id", "direction"),
    **_opts,
)

USER_CDR_FIGURES = (
    "calls_out",
    "calls_out_answered",
    "calls_in",
    "calls_in_answered",
    "calls_in_missed",
    "calls_internal",
    "talk_seconds",
)
USER_QUEUE_FIGURES = ("queue_answered", "queue_talk_seconds", "queue_ringnoanswer")

user_stats = Table(
    "user_stats",
    metadata,
    Column("period_start", DateTime, nullable=False),
    Column("user_id", Integer, nullable=False),
    *[_count(name) for name in USER_CDR_FIGURES + USER_QUEUE_FIGURES],
    Column("updated_at", DateTime, nullable=False),
    PrimaryKeyConstraint("period_start", "user_id"),
    **_opts,
)

QUEUE_FIGURES = (
    "offered",
    "answered",
    "abandoned",
    "timeout",
    "exit_key",
    "exit_empty",
    "answered_in_sla",
    "wait_answered_total",
    "wait_answered_max",
    "wait_abandoned_total",
    "talk_total",
    "transferred",
)

queue_calls_stats = Table(
    "queue_calls_stats",
    metadata,
    Column("period_start", DateTime, nullable=False),
    Column("queue_name", String(32), nullable=False),
    *[_count(name) for name in QUEUE_FIGURES],
    Column("updated_at", DateTime, nullable=False),
    PrimaryKeyConstraint("period_start", "queue_name"),
    **_opts,
)

# One row per source table the pipeline reads (`ast_cdr_adaptive`, `ast_queue_log`, `inuse`).
pipeline_state = Table(
    "qfon_pipeline_state",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("watermark", BigInteger, nullable=False, server_default="0"),
    Column("last_success", DateTime, nullable=True),
    Column("last_attempt", DateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("rows_read", BigInteger, nullable=False, server_default="0"),
    Column("rows_malformed", BigInteger, nullable=False, server_default="0"),
    Column("hours_recomputed", Integer, nullable=False, server_default="0"),
    **_opts,
)

ANALYTICS_TABLES = (call_stats, user_stats, queue_calls_stats, pipeline_state)

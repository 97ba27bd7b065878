"""Queues: offered, outcomes, service level over offered and over answered, ASA, talk, waits."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from qfon.schema.analytics import QUEUE_FIGURES
from reports import i18n
from reports.db import TenantDB
from reports.derived import queue_figures
from reports.period import Period
from reports.stats import add_into, per_queue, queue_groups
from reports.tables import Col, Table
from reports.views.common import Report, ReportData, chart, register

bp = Blueprint("queues", __name__)
FIGURE_COLUMNS = [
    Col("offered", "offered"),
    Col("answered", "answered"),
    Col("abandoned", "abandoned"),
    Col("timeout", "timeout"),
    Col("sl_offered", "sl_offered", "pct"),
    Col("sl_answered", "sl_answered", "pct"),
    Col("asa", "asa", "seconds"),
    Col("avg_talk", "avg_talk", "seconds"),
    Col("abandon_rate", "abandon_rate", "pct"),
    Col("longest_wait", "longest_wait", "seconds"),
]


def build(db: TenantDB, period: Period, args: Any, lang: str) -> ReportData:
    sums = per_queue(db, period)
    rows, total = [], {"queue": i18n.text("total", lang)}
    for row in sums:
        rows.append({"queue": row["queue_name"], **row, **queue_figures(row)})
        add_into(total, row, QUEUE_FIGURES)
    total.update(queue_figures(total))
    table = Table(
        "queues",
        "queues",
        [Col("queue", "queue", "text"), *FIGURE_COLUMNS],
        rows,
        total if rows else None,
    )
    groups = queue_groups(db, period, period.grouping)
    trend = Table(
        "trend",
        "trend",
        [Col("bucket", "bucket", "bucket"), *FIGURE_COLUMNS],
        [{**g, **queue_figures(g)} for g in groups],
        grouping=period.grouping,
    )
    by_hour = {g["bucket"]: g for g in queue_groups(db, period, "hour_of_day")}
    hours = Table(
        "hours",
        "by_hour",
        [Col("hour", "hour_of_day", "text"), *FIGURE_COLUMNS],
        [
            {"hour": f"{h:02d}:00", **figures, **queue_figures(figures)}
            for h in range(24)
            for figures in [{**dict.fromkeys(QUEUE_FIGURES, 0), **by_hour.get(h, {})}]
        ],
    )
    series = ["offered", "answered", "abandoned"]
    return ReportData(
        [table, hours, trend],
        [chart("queues-hours", "bar", hours, "hour", series, lang)],
    )


register(bp, Report("queues", build, "day"))

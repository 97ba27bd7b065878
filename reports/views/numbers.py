"""Numbers: per dial number and direction, outcomes, talk, average call, peak against the trunks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from reports import i18n
from reports.db import TenantDB
from reports.derived import call_figures
from reports.period import Period
from reports.stats import CALL_FIGURES, add_into, call_groups, numbers_info, per_number
from reports.tables import Col, Table
from reports.views.common import Report, ReportData, call_trend, chart, register

bp = Blueprint("numbers", __name__)
COLUMNS = [
    Col("number", "number", "text"),
    Col("comment", "comment", "text"),
    Col("direction", "direction", "label"),
    Col("calls", "calls"),
    Col("answered", "answered"),
    Col("no_answer", "no_answer"),
    Col("busy", "busy"),
    Col("failed", "failed"),
    Col("billsec_total", "talk", "seconds"),
    Col("duration_total", "duration", "seconds"),
    Col("avg_call", "avg_call", "seconds"),
    Col("max_concurrent", "peak"),
    Col("calllimit", "calllimit"),
]


def build(db: TenantDB, period: Period, args: Any, lang: str) -> ReportData:
    numbers, limits = numbers_info(db)
    rows: list[dict[str, Any]] = []
    total: dict[str, Any] = {"number": i18n.text("total", lang)}
    for row in per_number(db, period):
        number_id = int(row["dial_number_id"])
        info = numbers.get(number_id, {"number": i18n.text("unmapped", lang), "comment": ""})
        line = {**row, **info, **call_figures(row)}
        line["direction"] = row["direction"]
        line["calllimit"] = limits.get(number_id)
        rows.append(line)
        add_into(total, row, (*CALL_FIGURES, "max_concurrent"))
    total.update(call_figures(total))
    total["max_concurrent"] = None  # peaks of different numbers do not add up
    table = Table("numbers", "numbers", COLUMNS, rows, total if rows else None)
    trend = call_trend(call_groups(db, period, period.grouping), period.grouping, talk=False)
    return ReportData(
        [table, trend],
        [chart("numbers-trend", "bar", trend, "bucket", ["calls_in", "calls_out"], lang)],
    )


register(bp, Report("numbers", build, "day"))

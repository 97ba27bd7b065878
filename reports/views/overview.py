"""Overview: calls in/out, answered share, talk time, trend, weekday × hour heat map, freshness."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, g

from reports import i18n
from reports.db import TenantDB, settings
from reports.derived import ratio
from reports.period import Period
from reports.stats import call_groups, call_heat, freshness
from reports.tables import Col, Table
from reports.views.common import Report, ReportData, call_trend, chart, register

bp = Blueprint("overview", __name__)
HOUR_FIGURES = ("calls_in", "calls_out", "answered", "billsec_total")


def heat_cells(table: Table) -> list[tuple[str, list[tuple[int, int]]]]:
    """Per weekday: (calls, level 0..5) of each hour; the level picks the cell's CSS class."""
    peak = max((r[f"h{h}"] for r in table.rows for h in range(24)), default=0)
    return [
        (
            row["weekday"],
            [
                (v, 0 if not v or not peak else 1 + (4 * v) // peak)
                for v in (row[f"h{h}"] for h in range(24))
            ],
        )
        for row in table.rows
    ]


def local_freshness(states: dict[str, datetime | None]) -> list[tuple[str, datetime | None, int]]:
    """(source, last success in the tenant's local time, minutes ago) from the UTC state."""
    zone = settings().mysql.zone_for(g.tenant.name)
    now = datetime.now(UTC)
    out: list[tuple[str, datetime | None, int]] = []
    for source, last in sorted(states.items()):
        if last is None:
            out.append((source, None, -1))
            continue
        moment = last.replace(tzinfo=UTC)
        local = moment.astimezone(zone).replace(tzinfo=None)
        out.append((source, local, max(0, int((now - moment).total_seconds() // 60))))
    return out


def build(db: TenantDB, period: Period, args: Any, lang: str) -> ReportData:
    groups = call_groups(db, period, period.grouping)
    total: dict[str, Any] = {name: 0 for name in HOUR_FIGURES}
    for figures in groups:
        for name in HOUR_FIGURES:
            total[name] += figures[name]
    total["calls"] = total["calls_in"] + total["calls_out"]
    total["answered_share"] = ratio(total["answered"], total["calls"])
    summary = Table(
        "summary",
        "overview",
        [
            Col("calls_in", "calls_in"),
            Col("calls_out", "calls_out"),
            Col("calls", "calls"),
            Col("answered", "answered"),
            Col("answered_share", "answered_share", "pct"),
            Col("billsec_total", "talk", "seconds"),
        ],
        [total],
    )
    trend = call_trend(groups, period.grouping, talk=True)
    grid: list[dict[str, Any]] = [
        {"weekday": day, **{f"h{h}": 0 for h in range(24)}} for day in i18n.WEEKDAYS[lang]
    ]
    for weekday, hour, calls in call_heat(db, period):
        grid[weekday][f"h{hour}"] += calls
    heatmap = Table(
        "heatmap",
        "heatmap",
        [Col("weekday", "weekday", "text"), *[Col(f"h{h}", f"{h:02d}") for h in range(24)]],
        grid,
    )
    return ReportData(
        [summary, trend, heatmap],
        [chart("trend", "line", trend, "bucket", ["calls_in", "calls_out", "answered"], lang)],
        {"freshness": local_freshness(freshness(db)), "heat": heat_cells(heatmap)},
    )


register(bp, Report("overview", build, "day", "overview.html"))

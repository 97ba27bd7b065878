"""What every report page shares: the period, the rendering, the exports and the registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, request

from reports import i18n
from reports.access import tenant_now, tenant_view
from reports.cache import ReportCache, pipeline_marker
from reports.db import TenantDB
from reports.exporting import MIMETYPES, export_response
from reports.period import GROUPINGS, PRESETS, Period, parse_period
from reports.tables import Col, Table


@dataclass
class ReportData:
    """A built report: its tables, the charts drawn from them, and page-only extras."""

    tables: list[Table]
    charts: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str | None) -> Table:
        for table in self.tables:
            if name in (None, "", table.name):
                return table
        abort(404)


Builder = Callable[[TenantDB, Period, Any, str], ReportData]


@dataclass(frozen=True)
class Report:
    name: str
    build: Builder
    default_group: str = "day"
    template: str = "report.html"


REPORTS: dict[str, Report] = {}


def current_period(default_group: str) -> Period:
    return parse_period(request.args, tenant_now().date(), default_group=default_group)


def chart(
    chart_id: str, kind: str, table: Table, label_key: str, series: list[str], lang: str
) -> dict[str, Any]:
    """A chart of some columns of a table; the table itself is what shows without JavaScript."""
    cols = {c.key: c for c in table.columns}
    return {
        "id": chart_id,
        "type": kind,
        "labels": [table.display(cols[label_key], r.get(label_key), lang) for r in table.rows],
        "datasets": [
            {"label": i18n.text(cols[k].label, lang), "data": [r.get(k) or 0 for r in table.rows]}
            for k in series
        ],
    }


def call_trend(groups: list[dict[str, Any]], grouping: str, *, talk: bool) -> Table:
    """The calls-over-time table of the overview and numbers reports (talk time optional)."""
    columns = [
        Col("bucket", "bucket", "bucket"),
        Col("calls_in", "calls_in"),
        Col("calls_out", "calls_out"),
        Col("answered", "answered"),
    ]
    if talk:
        columns.append(Col("billsec_total", "talk", "seconds"))
    return Table("trend", "trend", columns, groups, grouping=grouping)


def build_report(report: Report, period: Period) -> ReportData:
    """The report's figures for the request's tenant, reused while the pipeline has not written."""
    cache: ReportCache = current_app.extensions["qfon_report_cache"]
    args = request.args
    key = (g.tenant, report.name, period, args.get("sort"), args.get("dir"), g.lang)
    marker = pipeline_marker(g.db) if cache.seconds else None
    return cache.get_or_build(key, marker, lambda: report.build(g.db, period, args, g.lang))


def register(bp: Blueprint, report: Report) -> None:
    """The report's page and its exports, on its area's blueprint."""
    REPORTS[report.name] = report

    @tenant_view(analytics=True)
    def page(domain: str) -> Any:
        period = current_period(report.default_group)
        data = build_report(report, period)
        return render_template(
            report.template,
            report=report.name,
            data=data,
            period=period,
            presets=PRESETS,
            groupings=GROUPINGS,
        )

    @tenant_view(analytics=True)
    def export(domain: str, fmt: str) -> Any:
        if fmt not in MIMETYPES:
            abort(404)
        period = current_period(report.default_group)
        table = build_report(report, period).table(request.args.get("table"))
        name = f"{domain}-{report.name}-{table.name}-{period.first_day}-{period.last_day}"
        return export_response(table, fmt, name, g.lang)

    bp.add_url_rule(f"/t/<domain>/{report.name}", "page", page)
    bp.add_url_rule(f"/t/<domain>/{report.name}/export.<fmt>", "export", export)

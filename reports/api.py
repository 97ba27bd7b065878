"""The JSON API under /api/v1: the same tables as the pages, described by /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, jsonify, request, session

from reports.access import admin_required, is_admin, language, login_required, tenant_view
from reports.cdr_search import make_cursor
from reports.db import directory
from reports.openapi import document
from reports.tables import json_value
from reports.views.cdr import COLUMNS as CDR_COLUMNS
from reports.views.cdr import recordings_allowed, run_search
from reports.views.common import REPORTS, build_report, current_period
from reports.views.platform import _period, platform_table

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _period_json(period: Any) -> dict[str, Any]:
    return {
        "preset": period.preset,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "group": period.grouping,
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(document())


@bp.get("/tenants")
@login_required
def tenants() -> Any:
    names = [t.name for t in directory().all()] if is_admin() else [session["domain"]]
    return jsonify(tenants=names)


@bp.get("/tenants/<domain>/<report>")
@tenant_view(analytics=True)
def report(domain: str, report: str) -> Any:
    spec = REPORTS.get(report)
    if spec is None:
        abort(404)
    period = current_period(spec.default_group)
    data = build_report(spec, period)
    return jsonify(
        tenant=domain,
        report=report,
        period=_period_json(period),
        tables={t.name: t.to_json(g.lang) for t in data.tables},
    )


@bp.get("/tenants/<domain>/cdr")
@tenant_view()
def cdr(domain: str) -> Any:
    try:
        limit = max(1, min(int(request.args.get("limit", 100)), 1000))
    except ValueError:
        limit = 100
    filters, rows, total, cursor = run_search(limit)
    allowed = recordings_allowed(g.db)
    out = []
    for row in rows:
        item = {c.key: json_value(row.get(c.key)) for c in CDR_COLUMNS}
        item["id"] = row["id"]
        item["cursor"] = make_cursor(row)
        item["recording"] = bool(allowed and row.get("recordingfile"))
        out.append(item)
    return jsonify(
        tenant=domain, period=_period_json(filters.period), total=total, next=cursor, rows=out
    )


@bp.get("/platform")
@admin_required
def platform() -> Any:
    g.lang = language()
    period = _period()
    table = platform_table(period)
    return jsonify(period=_period_json(period), tables={"platform": table.to_json(g.lang)})

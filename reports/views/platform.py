"""Platform overview (admins): per tenant calls, answered share, pipeline freshness, last backup."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, g, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from qfon.tenants import Tenant, quoted
from reports.access import admin_required, language
from reports.db import directory, settings, tenant_db
from reports.derived import ratio
from reports.exporting import MIMETYPES, export_response
from reports.period import GROUPINGS, PRESETS, Period, parse_period
from reports.tables import Col, Table

log = logging.getLogger(__name__)
bp = Blueprint("platform", __name__)
COLUMNS = [
    Col("tenant", "tenant", "text"),
    Col("calls", "calls"),
    Col("answered", "answered"),
    Col("answered_share", "answered_share", "pct"),
    Col("pipeline", "freshness_utc", "datetime"),
    Col("last_backup", "last_backup", "text"),
]


def backup_status() -> dict[str, Any]:
    """The backups' `status.json` (a remote target's local copy), when there is one."""
    try:
        data = json.loads(settings().backup.status_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    tenants = data.get("tenants") if isinstance(data, dict) else None
    return tenants if isinstance(tenants, dict) else {}


def _tenant_select(domain: str, index: int) -> str:
    """One tenant's row of the platform query (the name is validated, then quoted)."""
    q = quoted(domain)
    return (
        f"SELECT :d{index} AS tenant, c.calls, c.answered, p.fresh FROM "
        f"(SELECT SUM(calls) AS calls, SUM(answered) AS answered FROM {q}.call_stats "
        "WHERE period_start >= :s AND period_start < :e) AS c, "
        f"(SELECT MIN(last_success) AS fresh FROM {q}.qfon_pipeline_state) AS p"
    )


def _figures(tenants: list[Tenant], period: Period) -> dict[str, tuple]:
    """(calls, answered, oldest last success) per tenant: one query per server."""
    out: dict[str, tuple] = {}
    by_server: dict[int, list[Tenant]] = {}
    for tenant in tenants:
        by_server.setdefault(tenant.server, []).append(tenant)
    for group in by_server.values():
        db = tenant_db(group[0])
        params: dict[str, Any] = {"s": period.start, "e": period.end}
        params.update({f"d{i}": t.name for i, t in enumerate(group)})
        union = " UNION ALL ".join(_tenant_select(t.name, i) for i, t in enumerate(group))
        try:
            for row in db.conn.execute(text(union), params):
                out[row.tenant] = (row.calls or 0, row.answered or 0, row.fresh)
            continue
        except SQLAlchemyError:
            db.conn.rollback()  # a tenant lacks a table: ask one by one
        for i, tenant in enumerate(group):
            try:
                row = db.conn.execute(text(_tenant_select(tenant.name, i)), params).one()
                out[tenant.name] = (row.calls or 0, row.answered or 0, row.fresh)
            except SQLAlchemyError as exc:
                log.warning(
                    "platform overview: %s unreadable (%s)", tenant.name, type(exc).__name__
                )
                db.conn.rollback()
    return out


def platform_table(period: Period) -> Table:
    """One row per tenant the admin can pick."""
    backups = backup_status()
    tenants = directory().all()
    figures = _figures(tenants, period)
    rows = []
    for tenant in tenants:
        calls, answered, fresh = figures.get(tenant.name, (None, None, None))
        backup = backups.get(tenant.name) or {}
        rows.append(
            {
                "tenant": tenant.name,
                "calls": None if calls is None else int(calls),
                "answered": None if answered is None else int(answered),
                "answered_share": ratio(answered, calls),
                "pipeline": fresh if isinstance(fresh, datetime) else None,
                "last_backup": backup.get("last_good") if isinstance(backup, dict) else None,
            }
        )
    return Table("platform", "platform", COLUMNS, rows)


def _period() -> Period:
    return parse_period(request.args, datetime.now().date(), default_preset="last7")


@bp.get("/platform")
@admin_required
def overview() -> Any:
    g.lang = language()
    period = _period()
    return render_template(
        "platform.html",
        report="platform",
        table=platform_table(period),
        period=period,
        presets=PRESETS,
        groupings=GROUPINGS,
    )


@bp.get("/platform/export.<fmt>")
@admin_required
def export(fmt: str) -> Any:
    if fmt not in MIMETYPES:
        abort(404)
    g.lang = language()
    period = _period()
    name = f"platform-{period.first_day}-{period.last_day}"
    return export_response(platform_table(period), fmt, name, g.lang)

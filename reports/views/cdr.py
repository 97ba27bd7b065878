"""CDR search page, its exports, and recordings streamed from the tenant's own folder only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, g, render_template, request, send_file
from sqlalchemy import select

from qfon.schema import cdr
from reports.access import tenant_view
from reports.cdr_search import DIRECTIONS, DISPOSITIONS, Filters, parse_cursor, search
from reports.db import TenantDB, settings
from reports.exporting import MIMETYPES, export_response
from reports.period import GROUPINGS, PRESETS
from reports.tables import Col, Table
from reports.views.common import current_period

bp = Blueprint("cdr", __name__)
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
COLUMNS = [
    Col("calldate", "calldate", "datetime"),
    Col("src", "src", "text"),
    Col("dst", "dst", "text"),
    Col("clid", "clid", "text"),
    Col("disposition", "disposition", "text"),
    Col("duration", "duration", "seconds"),
    Col("billsec", "billsec", "seconds"),
]


def recordings_allowed(db: TenantDB) -> bool:
    return db.option_on("record_enabled") and db.option_on("allow_rec_download")


def recording_path(domain: str, name: str | None) -> Path | None:
    """The recording's file inside `paths.recordings/<domain>`, or None (absent or outside)."""
    if not name or "\x00" in name:
        return None
    base = (settings().paths.recordings / domain).resolve()
    candidate = Path(name)
    candidate = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate


def run_search(limit: int) -> tuple[Filters, list[dict[str, Any]], int, str | None]:
    filters = Filters.from_args(current_period("day"), request.args)
    rows, total, cursor = search(g.db, filters, parse_cursor(request.args.get("after")), limit)
    return filters, rows, total, cursor


@bp.get("/t/<domain>/cdr")
@tenant_view()
def page(domain: str) -> Any:
    filters, rows, total, cursor = run_search(PAGE_SIZE)
    return render_template(
        "cdr.html",
        report="cdr",
        filters=filters,
        period=filters.period,
        table=Table("cdr", "cdr", COLUMNS, rows),
        total=total,
        cursor=cursor,
        recordings=recordings_allowed(g.db),
        presets=PRESETS,
        groupings=GROUPINGS,
        directions=DIRECTIONS,
        dispositions=list(DISPOSITIONS),
    )


@bp.get("/t/<domain>/cdr/export.<fmt>")
@tenant_view()
def export(domain: str, fmt: str) -> Any:
    if fmt not in MIMETYPES:
        abort(404)
    filters, rows, _total, _cursor = run_search(EXPORT_LIMIT)
    name = f"{domain}-cdr-{filters.period.first_day}-{filters.period.last_day}"
    return export_response(Table("cdr", "cdr", COLUMNS, rows), fmt, name, g.lang)


@bp.get("/t/<domain>/cdr/<int:cdr_id>/recording")
@tenant_view()
def recording(domain: str, cdr_id: int) -> Any:
    if not recordings_allowed(g.db):
        abort(404)
    name = g.db.execute(select(cdr.c.recordingfile).where(cdr.c.id == cdr_id)).scalar()
    path = recording_path(domain, name)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name, conditional=True)

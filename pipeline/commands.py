"""`qfon pipeline run|rebuild|serve|status`: the analytics pipeline's commands."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pipeline import runner
from pipeline.state import SOURCES, read_state
from qfon.cli import AppContext, pass_app
from qfon.db import describe_db_error
from qfon.discovery import discover, tenant_engine
from qfon.errors import QfonError


@click.group()
def pipeline() -> None:
    """Keep call_stats, user_stats and queue_calls_stats exact and fresh."""


@pipeline.command("run")
@click.option("--tenant", "tenants", multiple=True, help="only this tenant (repeatable)")
@pass_app
def run(app: AppContext, tenants: tuple[str, ...]) -> int:
    """One incremental pass over every tenant (or the named ones); exit 1 if any failed."""
    results = runner.run_pass(app.settings, tenants, click.echo)
    failed = [r.tenant for r in results if r.status == "failed"]
    if failed:
        click.echo(f"qfon: {len(failed)} tenant(s) failed: {', '.join(failed)}", err=True)
    return 1 if failed else 0


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day (YYYY-MM-DD)", param_hint=name) from None


@pipeline.command("rebuild")
@click.option("--tenant", "tenant_name", required=True, help="tenant to recompute")
@click.option("--from", "first", help="first day (YYYY-MM-DD); default: the first with data")
@click.option("--to", "last", help="last day (YYYY-MM-DD); default: the last with data")
@pass_app
def rebuild(app: AppContext, tenant_name: str, first: str | None, last: str | None) -> int:
    """Recompute a tenant's hours from scratch with today's configuration.

    Without --from/--to everything is rebuilt (tables and watermarks start again from zero).
    """
    first_day, last_day = _day(first, "--from"), _day(last, "--to")
    if first_day and last_day and first_day > last_day:
        raise click.BadParameter("--from is after --to")
    (tenant,) = discover(app.settings, [tenant_name])
    bar = click.progressbar(length=1, label=f"rebuilding {tenant.name}", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.length = total
        bar.update(done - bar.pos)

    with bar:
        result = runner.rebuild(app.settings, tenant, first_day, last_day, progress)
    click.echo(runner.report_line(result))
    if result.status != "ok":
        raise QfonError(f"rebuild of {tenant.name} {result.status}: {result.error}")
    return 0


@pipeline.command("serve")
@pass_app
def serve(app: AppContext) -> int:
    """Run the scheduler: passes every [pipeline] interval, nightly reconciliation."""
    from pipeline.scheduler import serve as serve_forever

    serve_forever(app.settings, app.config_path)
    return 0


def _age(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = int((now - moment).total_seconds())
    return f"{seconds}s" if seconds < 120 else f"{seconds // 60}m"


@pipeline.command("status")
@click.option("--tenant", "tenants", multiple=True, help="only this tenant (repeatable)")
@pass_app
def status(app: AppContext, tenants: tuple[str, ...]) -> int:
    """Per tenant: last success (UTC), lag, watermarks and the last error."""
    failed = 0
    click.echo(
        f"{'tenant':<24} {'last success (UTC)':<20} {'lag':>6}  watermarks cdr/queue/inuse  error"
    )
    for tenant in discover(app.settings, tenants):
        try:
            with tenant_engine(app.settings, tenant).connect() as conn:
                conn.exec_driver_sql(f"USE `{tenant.name}`")
                now = conn.execute(text("SELECT UTC_TIMESTAMP()")).scalar_one()
                states = read_state(conn)
        except SQLAlchemyError as exc:
            failed += 1
            click.echo(f"{tenant.name:<24} cannot read state: {describe_db_error(exc)}")
            continue
        success = min((s.last_success for s in states.values() if s.last_success), default=None)
        if any(s.last_success is None for s in states.values()):
            success = None
        marks = "/".join(str(states[s].watermark) for s in SOURCES)
        error = next((s.last_error for s in states.values() if s.last_error), "") or ""
        shown = success.strftime("%Y-%m-%d %H:%M:%S") if success else "never"
        click.echo(f"{tenant.name:<24} {shown:<20} {_age(success, now):>6}  {marks:<28} {error}")
    return 1 if failed else 0

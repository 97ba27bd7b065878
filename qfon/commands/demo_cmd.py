"""`qfon demo` (the whole demo) and `qfon demo seed` (realistic data in tenant databases)."""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

import click
from sqlalchemy.exc import SQLAlchemyError

from qfon.cli import AppContext, pass_app
from qfon.db import describe_db_error
from qfon.errors import QfonError

if TYPE_CHECKING:
    from qfon.demo.load import SeedReport


@click.group(invoke_without_command=True)
@click.option(
    "--use-configured-server",
    is_flag=True,
    help="seed the [mysql] server of the settings instead of a private throwaway MariaDB",
)
@click.option(
    "--tenants", "tenant_count", type=click.IntRange(1, 100), default=5, show_default=True
)
@click.option("--days", "demo_days", type=click.IntRange(1, 366), default=30, show_default=True)
@click.option(
    "--bind", default="127.0.0.1:8080", show_default=True, help="where the reports listen"
)
@click.pass_context
def demo(
    ctx: click.Context, use_configured_server: bool, tenant_count: int, demo_days: int, bind: str
) -> int | None:
    """Run the demo (no sub-command), or seed tenants with realistic data (`seed`).

    The demo starts a private MariaDB, seeds tenants, runs the pipeline, the agent and a backup,
    then serves the reports until Ctrl-C.
    """
    if ctx.invoked_subcommand is not None:
        return None
    from qfon.demo.runner import run_demo

    app = ctx.find_object(AppContext)
    assert app is not None
    return run_demo(
        app.settings,
        use_configured=use_configured_server,
        tenants=tenant_count,
        days=demo_days,
        bind=bind,
    )


@demo.command("seed")
@click.option("--tenant", "names", multiple=True, metavar="DOMAIN", help="tenant to (re)seed")
@click.option("--tenants", "count", type=click.IntRange(1, 1000), help="seed N new tenants")
@click.option(
    "--days", type=click.IntRange(1, 3660), default=30, show_default=True, help="days of activity"
)
@click.option("--seed", "seed_", type=int, default=0, show_default=True, help="random seed")
@click.option(
    "--end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="last day of activity (default: today)",
)
@click.option("--replace", is_flag=True, help="replace --tenant databases that already exist")
@pass_app
def seed(
    app: AppContext,
    names: tuple[str, ...],
    count: int | None,
    days: int,
    seed_: int,
    end: datetime | None,
    replace: bool,
) -> int:
    """Fill tenant databases with DAYS days of realistic calls and queue activity.

    Named tenants are created when missing (existing ones only with --replace); without
    --tenant, N new tenants (default 5) are named like the platform's: demo, telvio, ...
    """
    from qfon.demo.load import new_tenant_names, seed_tenants
    from qfon.discovery import server_engine
    from qfon.tenant_admin import is_tenant
    from qfon.tenants import validate_domain

    if names and count is not None:
        raise click.UsageError("give either --tenant or --tenants, not both")
    engine = server_engine(app.settings, 0)
    try:
        if names:
            domains = [validate_domain(n) for n in names]
            with engine.connect() as conn:
                existing = [d for d in domains if is_tenant(conn, d)]
            if existing and not replace:
                raise QfonError(
                    f"tenant(s) {', '.join(existing)} already exist; add --replace to reseed them"
                )
        else:
            domains = new_tenant_names(engine, count or 5)
        started = time.perf_counter()
        with _progress(len(domains)) as advance:
            reports = seed_tenants(
                app.settings, domains, None, days, seed_, _day(end), progress=advance
            )
        seconds = time.perf_counter() - started
    except SQLAlchemyError as exc:
        raise QfonError(f"seeding failed: {describe_db_error(exc)}") from None
    _summary(reports, seconds)
    return 0


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@contextmanager
def _progress(total: int) -> Iterator[Callable[[SeedReport], None]]:
    """A progress bar on a terminal, one line per tenant elsewhere; yields the callback."""
    if not sys.stderr.isatty():
        done = itertools.count(1)
        yield lambda r: click.echo(f"[{next(done)}/{total}] {_line(r)}", err=True)
        return
    with click.progressbar(length=total, label="seeding", file=sys.stderr, show_pos=True) as bar:

        def advance(report: SeedReport) -> None:
            bar.label = f"seeded {report.domain}"
            bar.update(1)

        yield advance


def _line(r: SeedReport) -> str:
    rows = r.rows
    return (
        f"{r.domain:<20} {r.layout:>4} {rows.get('ast_cdr_adaptive', 0):>10,} "
        f"{rows.get('ast_queue_log', 0):>10,} {rows.get('inuse', 0):>10,} {r.seconds:>7.1f}"
    )


def _summary(reports: list[SeedReport], seconds: float) -> None:
    click.echo(f"{'tenant':<20} {'ql':>4} {'cdr':>10} {'queue log':>10} {'inuse':>10} {'s':>7}")
    totals: dict[str, int] = {}
    for r in reports:
        click.echo(_line(r))
        for table, n in r.rows.items():
            totals[table] = totals.get(table, 0) + n
    rows = sum(totals.values())
    click.echo("rows per table: " + ", ".join(f"{t} {n:,}" for t, n in sorted(totals.items())))
    rate = rows / seconds if seconds > 0 else 0.0
    click.echo(f"{len(reports)} tenants, {rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)")

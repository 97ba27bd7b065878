"""`qfon tenant create|upgrade|list|drop`: manage tenant databases."""

from __future__ import annotations

import click

from qfon.cli import AppContext, pass_app
from qfon.discovery import discover, server_engine, tenant_engine
from qfon.errors import QfonError
from qfon.tenant_admin import create_tenant, drop_tenant, tenant_counts, upgrade_tenant
from qfon.tenants import validate_domain


@click.group()
def tenant() -> None:
    """Create, upgrade, list and drop tenant databases."""


@tenant.command("create")
@click.argument("domain")
@click.option("--server", type=int, default=0, show_default=True, help="index in [mysql] urls")
@click.option(
    "--queue-log-layout",
    type=click.Choice(["1.6", "1.8"]),
    default="1.6",
    show_default=True,
    help="Asterisk version whose ast_queue_log layout to create",
)
@pass_app
def create(app: AppContext, domain: str, server: int, queue_log_layout: str) -> None:
    """Create a new tenant database DOMAIN with all tables."""
    validate_domain(domain)
    create_tenant(server_engine(app.settings, server), domain, queue_log_layout)  # type: ignore[arg-type]
    click.echo(f"created tenant {domain}")


@tenant.command("upgrade")
@click.argument("domains", nargs=-1)
@pass_app
def upgrade(app: AppContext, domains: tuple[str, ...]) -> int:
    """Add missing analytics tables to DOMAINS (default: every tenant)."""
    failed = 0
    for t in discover(app.settings, domains):
        try:
            made = upgrade_tenant(tenant_engine(app.settings, t), t.name)
        except QfonError as exc:
            failed += 1
            click.echo(f"{t.name}: failed: {exc}", err=True)
            continue
        click.echo(f"{t.name}: " + (f"added {', '.join(made)}" if made else "up to date"))
    return 1 if failed else 0


@tenant.command("list")
@pass_app
def list_(app: AppContext) -> None:
    """List discovered tenants with their CDR and queue-log row counts."""
    tenants = discover(app.settings)
    click.echo(f"{'tenant':<24} {'server':>6} {'cdr rows':>12} {'queue log rows':>15}")
    for t in tenants:
        counts = tenant_counts(tenant_engine(app.settings, t), t.name)
        cdr = "-" if counts.cdr_rows is None else str(counts.cdr_rows)
        qlog = "-" if counts.queue_log_rows is None else str(counts.queue_log_rows)
        click.echo(f"{t.name:<24} {t.server:>6} {cdr:>12} {qlog:>15}")
    click.echo(f"{len(tenants)} tenants", err=True)


@tenant.command("drop")
@click.argument("domain")
@click.option("--yes", is_flag=True, help="really drop it (nothing is dropped without it)")
@pass_app
def drop(app: AppContext, domain: str, yes: bool) -> int:
    """Drop the tenant database DOMAIN (its files are left alone)."""
    validate_domain(domain)
    (found,) = discover(app.settings, [domain])
    if not yes:
        click.echo(f"would drop database {domain}; add --yes to do it", err=True)
        return 1
    drop_tenant(tenant_engine(app.settings, found), domain)
    click.echo(f"dropped tenant {domain}")
    return 0

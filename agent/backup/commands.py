"""`qfon backup run|list|verify|prune` and `qfon restore DOMAIN`: argv → settings → actions."""

from __future__ import annotations

import os

import click

from agent.backup.lock import exclusive
from agent.backup.prune import prune, prune_plan
from agent.backup.restore import restore_tenant
from agent.backup.run import run_backup
from agent.backup.target import load_manifests, open_target
from agent.backup.verify import verify_backup
from qfon.cli import AppContext, pass_app
from qfon.errors import QfonError


@click.group()
def backup() -> None:
    """Per-tenant backups: run, list, verify, prune."""


@backup.command("run")
@click.option("--tenant", "tenants", multiple=True, help="only this tenant (repeatable)")
@click.option("--dry-run", is_flag=True, help="say what would be done, change nothing")
@pass_app
def run_cmd(app: AppContext, tenants: tuple[str, ...], dry_run: bool) -> int:
    """Back up databases and files now (the nightly run)."""
    return run_backup(app.settings, tenants, dry_run)


@backup.command("list")
@pass_app
def list_cmd(app: AppContext) -> int:
    """Backups in the target: id, kind, status, tenants, size, duration."""
    manifests = load_manifests(open_target(app.settings))
    header = f"{'id':17} {'kind':7} {'status':8} {'tenants':>7} {'size MB':>9} {'duration s':>10}"
    click.echo(header)
    for m in manifests:
        click.echo(
            f"{m.id:17} {m.kind:7} {m.status:8} {len(m.tenants):7d} "
            f"{m.size_bytes / 1e6:9.1f} {m.duration_s:10.1f}"
        )
    return 0


@backup.command("verify")
@click.argument("backup_id", required=False)
@pass_app
def verify_cmd(app: AppContext, backup_id: str | None) -> int:
    """Check a backup (default: the newest): checksums, archive test, test restore."""
    settings = app.settings
    target = open_target(settings)
    manifests = load_manifests(target)
    chosen = [m for m in manifests if m.id == backup_id] if backup_id else manifests[-1:]
    if not chosen:
        raise QfonError(f"no backup {backup_id}" if backup_id else "no backup to verify")
    problems = verify_backup(settings, target, chosen[0])
    for problem in problems:
        click.echo(f"FAILED {problem}")
    dumps = sum(1 for t in chosen[0].tenants.values() if t.db)
    click.echo(f"backup {chosen[0].id}: {dumps - len(problems)}/{dumps} dumps verified")
    return 1 if problems else 0


@backup.command("prune")
@click.option("--dry-run", is_flag=True, help="list what would be removed, remove nothing")
@pass_app
def prune_cmd(app: AppContext, dry_run: bool) -> int:
    """Apply the retention rule (keep_daily/weekly/monthly) now."""
    os.umask(0o077)
    target = open_target(app.settings)
    with exclusive(target.lock_path()):
        decision, stale = prune_plan(app.settings, target)
        verb = "would remove" if dry_run else "remove"
        for backup_id, why in sorted(decision.items()):
            click.echo(
                f"{verb:12} {backup_id}" if why == "prune" else f"{'keep':12} {backup_id}  ({why})"
            )
        for name in stale:
            click.echo(f"{verb:12} {name}  (abandoned)")
        prune(app.settings, target, dry_run=dry_run)
    return 0


@click.command()
@click.argument("domain")
@click.option("--backup", "backup_id", help="backup id (default: the newest good one)")
@click.option("--db-only", is_flag=True, help="restore the database only")
@click.option("--files-only", is_flag=True, help="restore the files only")
@click.option("--into", help="restore the database into this new database instead")
@click.option("--dry-run", is_flag=True, help="print every step, change nothing")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@pass_app
def restore(
    app: AppContext,
    domain: str,
    backup_id: str | None,
    db_only: bool,
    files_only: bool,
    into: str | None,
    dry_run: bool,
    yes: bool,
) -> int:
    """Restore one tenant's database and files from a backup."""
    if db_only and files_only:
        raise click.UsageError("--db-only and --files-only exclude each other")
    if into and files_only:
        raise click.UsageError("--into restores a database; it cannot go with --files-only")
    if not (dry_run or yes or into):
        what = "database" if db_only else "files" if files_only else "database and files"
        click.confirm(f"Replace the live {what} of {domain} from a backup?", abort=True)
    restored = restore_tenant(
        app.settings,
        domain,
        backup_id=backup_id,
        db=not files_only,
        files=not db_only,
        into=into,
        dry_run=dry_run,
        report=lambda step, text: click.echo(text),
    )
    if not dry_run:
        click.echo(f"restore of {domain} from {restored} complete")
    return 0

"""One backup run: dumps (N at a time), file snapshots, manifest, rename, status, prune.

`run_backup(settings)` is what the agent's scheduler calls for the nightly run.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import nullcontext, suppress
from datetime import UTC, datetime
from pathlib import Path

import click

from agent.backup.dump import dump_database
from agent.backup.files import snapshot_files
from agent.backup.lock import exclusive
from agent.backup.manifest import (
    MANIFEST,
    TMP_SUFFIX,
    DumpEntry,
    Manifest,
    TenantEntry,
    iso,
    new_id,
    next_id,
)
from agent.backup.prune import prune
from agent.backup.status import write_status
from agent.backup.target import Target, load_manifests, open_target
from qfon.discovery import discover
from qfon.errors import QfonError
from qfon.settings import Settings
from qfon.tenants import Tenant

log = logging.getLogger(__name__)
NO_SPACE = os.strerror(errno.ENOSPC)


class Abandoned(QfonError):
    """The backup could not be completed and was removed; `manifest` says why (for status)."""

    def __init__(self, message: str, manifest: Manifest) -> None:
        super().__init__(message)
        manifest.status, manifest.failures = "failed", [message]
        manifest.finished = iso(datetime.now(UTC))
        self.manifest = manifest


def run_backup(settings: Settings, tenants: Sequence[str] = (), dry_run: bool = False) -> int:
    """Back up the selected tenants (all by default); 0 when everything worked, else 1."""
    os.umask(0o077)
    target = open_target(settings)
    if not dry_run:
        try:
            target.ensure()
        except OSError as exc:
            raise QfonError(f"cannot create the backup target {target.label}: {exc}") from None
    with exclusive(target.lock_path()) if not dry_run else nullcontext():
        try:
            chosen = discover(settings, tenants)
        except QfonError as exc:
            if not dry_run:  # e.g. the server is down: Zabbix must see a failed run
                failed = Abandoned(str(exc), Manifest(id=new_id(), started=iso(datetime.now(UTC))))
                with suppress(OSError, QfonError):
                    write_status(target, failed.manifest)
            raise
        history = load_manifests(target)
        previous = next((m.id for m in reversed(history) if m.good), None)
        backup_id = new_id()
        while target.exists(backup_id) or target.exists(backup_id + TMP_SUFFIX):
            backup_id = next_id(backup_id)
        if dry_run:
            _describe(settings, target, backup_id, previous, chosen)
            return 0
        try:
            manifest = _build(settings, target, backup_id, previous, chosen)
        except Abandoned as exc:
            with suppress(OSError, QfonError):
                write_status(target, exc.manifest)
            raise
        write_status(target, manifest)
        prune(settings, target)
    _summary(manifest)
    return 0 if manifest.status == "ok" else 1


def _dump_all(settings: Settings, folder: Path, chosen: list[Tenant]) -> dict[str, DumpEntry | str]:
    """Dump every tenant, `backup.parallel` at a time; entry or error text per tenant."""
    urls = settings.mysql.server_urls()
    results: dict[str, DumpEntry | str] = {}
    bar = click.progressbar(length=len(chosen), label="dumping", file=sys.stderr)
    show = sys.stderr.isatty()
    with ThreadPoolExecutor(max_workers=settings.backup.parallel) as pool:
        futures = {
            pool.submit(
                dump_database, urls[t.server], t.name, folder, settings.backup.compression
            ): t.name
            for t in chosen
        }
        for future in as_completed(futures):
            domain = futures[future]
            try:
                results[domain] = future.result()
            except QfonError as exc:
                results[domain] = str(exc)
                log.error("%s", exc)
            if show:
                bar.update(1)
    if show:
        bar.render_finish()
    return results


def _build(
    settings: Settings, target: Target, backup_id: str, previous: str | None, chosen: list[Tenant]
) -> Manifest:
    started = time.monotonic()
    manifest = Manifest(id=backup_id, started=iso(datetime.now(UTC)))
    manifest.compression = settings.backup.compression
    name = backup_id + TMP_SUFFIX
    try:
        target.mkdir(name)
        folder = target.staging(name)
        dumps = _dump_all(settings, folder, chosen)
        target.upload_staging(name)
        files = snapshot_files(settings, target, name, previous, [t.name for t in chosen])
        for tenant in chosen:
            entry = TenantEntry(trees=files.trees.get(tenant.name, {}))
            dump = dumps.get(tenant.name)
            if isinstance(dump, DumpEntry):
                entry.db = dump
            else:
                entry.errors.append(dump or "not dumped")
            entry.errors += files.errors.get(tenant.name, [])
            entry.status = "failed" if entry.errors else "ok"
            manifest.tenants[tenant.name] = entry
            manifest.failures += [f"{tenant.name}: {e}" for e in entry.errors]
        manifest.host_files = files.host_files
        if files.host_error:
            manifest.failures.append(files.host_error)
        manifest.bytes_copied = files.bytes_copied
        manifest.size_bytes = files.bytes_copied + sum(
            e.db.size for e in manifest.tenants.values() if e.db
        )
        failed = sum(e.status == "failed" for e in manifest.tenants.values())
        if failed and failed == len(manifest.tenants):
            manifest.status = "failed"
        elif manifest.failures:
            manifest.status = "partial"
        if any(NO_SPACE in f for f in manifest.failures):
            raise OSError(errno.ENOSPC, NO_SPACE)
        manifest.finished = iso(datetime.now(UTC))
        manifest.duration_s = round(time.monotonic() - started, 3)
        target.write_text(f"{name}/{MANIFEST}", manifest.to_json())
        target.rename(name, backup_id)
    except OSError as exc:
        target.remove(name)
        if exc.errno == errno.ENOSPC:
            raise Abandoned(
                f"no space left on the backup target {target.label}: backup {backup_id} was "
                "abandoned and removed; earlier backups are intact",
                manifest,
            ) from None
        raise Abandoned(f"backup {backup_id} abandoned: {exc}", manifest) from None
    except BaseException:
        target.remove(name)
        raise
    return manifest


def _describe(
    settings: Settings, target: Target, backup_id: str, previous: str | None, chosen: list[Tenant]
) -> None:
    where = target.label
    click.echo(f"would build backup {backup_id} in {where}/{backup_id}{TMP_SUFFIX}, then rename it")
    for tenant in chosen:
        click.echo(f"would dump {tenant.name} into {backup_id}/db/{tenant.name}.sql.*")
    link = f" with --link-dest={target.abs_path(previous)}/files/<tree>" if previous else ""
    click.echo(f"would rsync the trees of {len(chosen)} tenant(s) and the host files{link}")
    click.echo(f"would update {where}/status.json and prune old backups")


def _summary(manifest: Manifest) -> None:
    size = manifest.size_bytes / 1e6
    click.echo(
        f"backup {manifest.id}: {manifest.status}, {len(manifest.tenants)} tenant(s), "
        f"{size:.1f} MB, {manifest.duration_s:.1f} s"
    )
    for failure in manifest.failures:
        click.echo(f"  failed: {failure}")

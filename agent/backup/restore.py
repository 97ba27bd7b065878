"""Restore one tenant from a backup, never touching other tenants.

Database: checksum → load into a scratch database and compare row counts → safety dump of the
live database (listed like a backup) → hold rows Asterisk wrote since → drop/create the live
database and load the verified dump (ops-facts §2: RENAME across schemas fails with triggers and
views) → carry the held rows over. Files: rsync back with --delete confined to the tenant's folders.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from agent.backup import dbops
from agent.backup.dump import dump_database, load_dump
from agent.backup.files import restore_steps, run_restore_step
from agent.backup.lock import exclusive
from agent.backup.manifest import (
    MANIFEST,
    TMP_SUFFIX,
    Manifest,
    TenantEntry,
    iso,
    new_id,
    next_id,
)
from agent.backup.target import Target, load_manifests, open_target
from agent.backup.verify import fetch_checked, load_checked, server_url
from qfon.db import engine_for
from qfon.errors import QfonError
from qfon.settings import Settings
from qfon.tenants import validate_domain

log = logging.getLogger(__name__)
Report = Callable[[str, str], None]


def choose_backup(
    manifests: list[Manifest], domain: str, backup_id: str | None, db: bool
) -> Manifest:
    """The backup to restore: the one named, else the newest good backup holding the tenant."""
    if backup_id:
        found = next((m for m in manifests if m.id == backup_id), None)
        if found is None:
            raise QfonError(f"no backup {backup_id}")
        entry = found.tenants.get(domain)
        if entry is None or entry.status != "ok":
            raise QfonError(f"backup {backup_id} holds no complete copy of {domain}")
        return found
    for manifest in reversed(manifests):
        if manifest.good and domain in manifest.tenants and (manifest.holds_db(domain) or not db):
            return manifest
    raise QfonError(f"no good backup holds {domain}")


def restore_tenant(
    settings: Settings,
    domain: str,
    backup_id: str | None = None,
    db: bool = True,
    files: bool = True,
    into: str | None = None,
    dry_run: bool = False,
    report: Report = lambda step, text: log.info("%s", text),
) -> str:
    """Restore `domain` (database and/or files); returns the backup id restored from."""
    os.umask(0o077)
    validate_domain(domain)
    if into is not None:
        validate_domain(into)
        files = False
    target = open_target(settings)
    lock = exclusive(target.lock_path()) if not dry_run else nullcontext()
    with lock:
        manifest = choose_backup(load_manifests(target), domain, backup_id, db)
        report("choose", f"restoring {domain} from backup {manifest.id} ({target.label})")
        if db:
            _restore_db(settings, target, manifest, domain, into, dry_run, report)
        if files:
            entry = manifest.tenants[domain]
            for text, args in restore_steps(settings, target, manifest.id, domain, entry.trees):
                report("files", ("would " if dry_run else "") + text)
                if not dry_run:
                    run_restore_step(args)
    return manifest.id


def _restore_db(
    settings: Settings,
    target: Target,
    manifest: Manifest,
    domain: str,
    into: str | None,
    dry_run: bool,
    report: Report,
) -> None:
    url = server_url(settings, domain)
    engine = engine_for(url)
    live = into or domain
    with engine.connect() as conn:
        exists = dbops.database_exists(conn, live)
    if into and exists:
        raise QfonError(f"database {into} already exists: --into needs a new name")
    entry = manifest.tenants[domain].db
    assert entry is not None
    if dry_run:
        say = lambda step, text: report(step, f"would {text}")  # noqa: E731
        say("check", f"check the sha256 and archive of {manifest.id}/db/{entry.file}")
        say("verify", f"load it into {into or 'a scratch database'} and compare row counts")
        if not into and exists:
            say("safety", f"dump the live database {domain} as a safety backup")
            say("replace", f"drop and re-create {domain}, then load the verified dump")
            say("carry", "carry over rows Asterisk wrote meanwhile (CDR, queue log, inuse)")
        elif not into:
            say("replace", f"create {domain} (it does not exist) and load the verified dump")
        return
    scratch = into or dbops.scratch_name(domain, "restore")
    work = target.work_dir / f"restore-{manifest.id}-{domain}"
    try:
        path = fetch_checked(target, manifest, domain, work)
        report("verify", f"checksum ok; loading into {scratch} to compare row counts")
        dbops.create_database(engine, scratch)
        try:
            load_checked(url, scratch, path, entry)
        except BaseException:
            dbops.drop_database(engine, scratch)
            raise
        if into:
            report("done", f"restored {domain} from {manifest.id} into {into}")
            return
        try:
            _replace_live(settings, target, engine, url, domain, exists, path, report)
        finally:
            dbops.drop_database(engine, scratch)
    finally:
        if target.remote:
            shutil.rmtree(work, ignore_errors=True)


def _replace_live(
    settings: Settings,
    target: Target,
    engine: Engine,
    url: str,
    domain: str,
    exists: bool,
    path: Path,
    report: Report,
) -> None:
    """Safety dump, hold new rows, drop/create + load the verified dump, carry the rows over."""
    marks: dict[str, int] = {}
    holding = dbops.scratch_name(domain, "carry")
    safety = "none (the database did not exist)"
    if exists:
        marks = dbops.max_ids(engine, domain)
        safety = safety_dump(settings, target, url, domain)
        report("safety", f"safety dump of the live {domain} kept as backup {safety}")
    report("replace", f"replacing the live database {domain}")
    try:
        if exists:
            held = dbops.hold_new_rows(engine, domain, holding, marks)
            dbops.replace_database(engine, domain)
        else:
            held = 0
            dbops.create_database(engine, domain)
        load_dump(url, domain, path)
        if held:
            moved = dbops.carry_rows(engine, holding, domain, list(marks))
            report("carry", f"carried over {moved} row(s) written during the restore")
    except QfonError as exc:
        raise QfonError(
            f"restore of {domain} failed while replacing it ({exc}); rows written meanwhile are "
            f"in the database {holding}, the previous content in safety backup {safety}"
        ) from None
    dbops.drop_database(engine, holding)


def safety_dump(settings: Settings, target: Target, url: str, domain: str) -> str:
    """Dump the live tenant database as a backup of kind 'safety'; its id."""
    backup_id = new_id()
    while target.exists(backup_id) or target.exists(backup_id + TMP_SUFFIX):
        backup_id = next_id(backup_id)
    name = backup_id + TMP_SUFFIX
    started = datetime.now(UTC)
    try:
        target.mkdir(name)
        entry = dump_database(url, domain, target.staging(name), settings.backup.compression)
        target.upload_staging(name)
        manifest = Manifest(
            id=backup_id,
            kind="safety",
            started=iso(started),
            finished=iso(datetime.now(UTC)),
            duration_s=round((datetime.now(UTC) - started).total_seconds(), 3),
            compression=settings.backup.compression,
            size_bytes=entry.size,
            tenants={domain: TenantEntry(db=entry)},
        )
        target.write_text(f"{name}/{MANIFEST}", manifest.to_json())
        target.rename(name, backup_id)
    except BaseException:
        target.remove(name)
        raise
    return backup_id

"""`backup verify`: checksums, `zstd -t`, and a test restore of every dump into a scratch database.

The scratch copy's row counts must equal the manifest's; the scratch database is always dropped.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from agent.backup import dbops
from agent.backup.dump import load_dump, test_archive
from agent.backup.manifest import DumpEntry, Manifest
from agent.backup.target import Target, sha256_of
from qfon.db import engine_for
from qfon.discovery import discover
from qfon.errors import QfonError
from qfon.settings import Settings

log = logging.getLogger(__name__)


class Corrupt(QfonError):
    """A dump that is missing, damaged, or does not restore to what its manifest says."""


def server_url(settings: Settings, domain: str) -> str:
    """The URL of the server holding a tenant (the first server when it is gone)."""
    urls = settings.mysql.server_urls()
    try:
        return urls[discover(settings, [domain])[0].server]
    except QfonError:
        return urls[0]


def fetch_checked(target: Target, manifest: Manifest, domain: str, scratch: Path) -> Path:
    """A local copy of a tenant's dump whose sha256 and archive test pass; Corrupt otherwise."""
    entry = manifest.tenants[domain].db
    if entry is None:
        raise Corrupt(f"backup {manifest.id} has no dump of {domain}")
    rel = f"{manifest.id}/db/{entry.file}"
    try:
        path = target.local_file(rel, scratch)
        digest = sha256_of(path)
    except (OSError, QfonError) as exc:
        raise Corrupt(f"{rel} cannot be read: {exc}") from None
    if digest != entry.sha256:
        raise Corrupt(f"{rel} is corrupt: sha256 {digest[:12]}… differs from the manifest's")
    test_archive(path)
    return path


def load_checked(url: str, database: str, path: Path, entry: DumpEntry) -> None:
    """Load a dump into an existing, empty database and compare its row counts with `entry`."""
    engine = engine_for(url)
    load_dump(url, database, path)
    dbops.disable_events(engine, database)
    problems = dbops.compare_counts(entry.tables, dbops.row_counts(engine, database))
    if problems:
        raise Corrupt(f"{path.name} restored different row counts: {'; '.join(problems[:5])}")


def test_restore(url: str, domain: str, path: Path, entry: DumpEntry) -> None:
    """Load a dump into a scratch database, check the counts, drop the scratch database."""
    engine = engine_for(url)
    scratch = dbops.scratch_name(domain, "verify")
    dbops.create_database(engine, scratch)
    try:
        load_checked(url, scratch, path, entry)
    finally:
        dbops.drop_database(engine, scratch)


def verify_backup(settings: Settings, target: Target, manifest: Manifest) -> list[str]:
    """Every problem of a backup's dumps, one line each (empty = verified)."""
    problems = []
    scratch = target.work_dir / f"verify-{manifest.id}"
    try:
        for domain, tenant in sorted(manifest.tenants.items()):
            if tenant.db is None:
                continue
            try:
                path = fetch_checked(target, manifest, domain, scratch)
                test_restore(server_url(settings, domain), domain, path, tenant.db)
                log.info("verified %s/%s", manifest.id, domain)
            except QfonError as exc:
                problems.append(f"{domain}: {exc}")
    finally:
        if target.remote:
            shutil.rmtree(scratch, ignore_errors=True)
    return problems

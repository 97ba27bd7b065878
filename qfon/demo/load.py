"""Seeding tenant databases with realistic activity, bulk-loaded: the public API of `qfon.demo`."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from qfon.demo.batch import (
    SeedJob,
    SeedReport,
    build,
    choose_layout,
    finish,
    prepare,
    seed_jobs,
)
from qfon.demo.names import tenant_names
from qfon.discovery import server_engine
from qfon.schema.source import QueueLogLayout
from qfon.settings import Settings
from qfon.tenants import validate_domain

__all__ = [
    "SeedJob",
    "SeedReport",
    "build",
    "choose_layout",
    "new_tenant_names",
    "seed_jobs",
    "seed_tenant",
    "seed_tenants",
]

log = logging.getLogger(__name__)


def seed_tenant(
    engine: Engine,
    domain: str,
    *,
    days: int = 30,
    seed: int = 0,
    end: date | None = None,
    calls_per_day: float | None = None,
    tz: ZoneInfo,
    queue_log_layout: QueueLogLayout | None = None,
    recordings_root: Path | None = None,
) -> SeedReport:
    """Replace tenant `domain` with `days` days of activity up to and including `end`.

    `end` defaults to today in `tz`; its whole day is generated (later hours included).

    Creates the database (dropping an existing tenant of that name), fills the platform tables,
    bulk-loads CDRs, the queue log and `inuse`, and writes a few recordings under
    `<recordings_root>/<domain>/` (none, and no `recordingfile`, without a root). The queue-log
    layout (and with it linkedid: NULL on 1.6) is chosen from the seed unless given.
    """
    job = SeedJob(
        validate_domain(domain), tz, days, seed, end, calls_per_day, queue_log_layout,
        recordings_root,
    )  # fmt: skip
    return finish(engine, prepare(job))


def seed_tenants(
    settings: Settings,
    names: list[str] | None,
    count: int | None,
    days: int,
    seed: int,
    end: date | None = None,
    *,
    progress: Callable[[SeedReport], None] | None = None,
) -> list[SeedReport]:
    """Seed the named tenants, or `count` new ones named like the platform's (`demo`, `telvio`, …).

    The server is the first of `[mysql]`; the time zone each tenant's; recordings go under
    `[paths] recordings` when that folder can be written. Layouts alternate so that both occur.
    """
    engine = server_engine(settings, 0)
    if names:
        domains = [validate_domain(n) for n in names]
    else:
        domains = new_tenant_names(engine, count if count is not None else 5)
    root = writable(settings.paths.recordings)
    jobs = (
        SeedJob(
            domain,
            settings.mysql.zone_for(domain),
            days=days,
            seed=seed,
            end=end,
            layout="1.8" if i % 3 == 1 else "1.6",
            recordings_root=root,
        )
        for i, domain in enumerate(domains)
    )
    return seed_jobs(engine, jobs, progress)


def new_tenant_names(engine: Engine, count: int) -> list[str]:
    """`count` platform-like names that are not yet databases on the server."""
    with engine.connect() as conn:
        taken = set(
            conn.execute(text("SELECT schema_name FROM information_schema.schemata")).scalars()
        )
    return tenant_names(count, taken)


def writable(root: Path) -> Path | None:
    """`root` if recordings can be written there (created when missing), else None."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        log.warning("recordings folder %s cannot be created: no recordings written", root)
        return None
    if not root.is_dir() or not os.access(root, os.W_OK):
        log.warning("recordings folder %s is not writable: no recordings written", root)
        return None
    return root

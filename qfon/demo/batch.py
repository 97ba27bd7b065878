"""Seeding as a two-stage pipeline: prepare (generate + write TSV, CPU) and finish (load, DB).

Many tenants are prepared in worker processes while the main process loads the previous ones,
so generation and MariaDB work overlap on separate cores.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from qfon.demo.bulk import TenantFiles, load_files, scratch_dir, write_table
from qfon.demo.calls import Activity, generate
from qfon.demo.config import TenantConfig, make_config, platform_rows
from qfon.demo.rand import fast_random
from qfon.demo.recordings import write_recordings
from qfon.demo.tsv import (
    CDR_COLUMNS,
    INUSE_COLUMNS,
    QUEUE_LOG_COLUMNS,
    cdr_text,
    inuse_text,
    queue_log_text,
)
from qfon.schema.source import QueueLogLayout
from qfon.tenant_admin import create_tenant, drop_tenant, is_tenant

log = logging.getLogger(__name__)
RECORDINGS_PER_TENANT = 8
PROCESS_MIN_JOBS = 6  # fewer tenants: a worker process would cost more than it saves


@dataclass
class SeedReport:
    """What seeding one tenant produced: rows per table, the layout, and the time it took."""

    domain: str
    layout: QueueLogLayout
    calls: int
    rows: dict[str, int] = field(default_factory=dict)
    recordings: int = 0
    seconds: float = 0.0
    generate_seconds: float = 0.0
    load_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        """Rows of every table together."""
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        """Rows per second of the whole seeding (generation included)."""
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class SeedJob:
    """One tenant to seed and how."""

    domain: str
    tz: ZoneInfo
    days: int = 30
    seed: int = 0
    end: date | None = None
    calls_per_day: float | None = None
    layout: QueueLogLayout | None = None
    recordings_root: Path | None = None


def tenant_rng(seed: int, domain: str) -> random.Random:
    """The tenant's own random stream: the same seed and domain give the same data."""
    return fast_random(f"qfon-demo:{seed}:{domain}")


def choose_layout(seed: int, domain: str) -> QueueLogLayout:
    """Most tenants run Asterisk 1.6; about a third run >= 1.8 (queue log data1..5, linkedid)."""
    return "1.8" if fast_random(f"qfon-layout:{seed}:{domain}").random() < 0.35 else "1.6"


def build(
    domain: str,
    *,
    days: int,
    seed: int,
    end: date,
    calls_per_day: float | None,
    tz: ZoneInfo,
    layout: QueueLogLayout,
    recordings: int,
) -> tuple[TenantConfig, Activity]:
    """The tenant's configuration and activity, without touching any database (pure)."""
    rng = tenant_rng(seed, domain)
    cfg = make_config(rng, domain, layout, calls_per_day)
    return cfg, generate(cfg, rng, tz, end, days, recordings)


def write_files(folder: Path, cfg: TenantConfig, act: Activity, tz: ZoneInfo) -> TenantFiles:
    """The tenant's TSV files in `folder` and its platform rows."""
    files = TenantFiles(platform_rows(cfg))
    peaks: dict[int, int] = {}
    for _ts, trunk, calls in act.inuse:
        peaks[trunk] = max(calls, peaks.get(trunk, 0))
    for row in files.platform["sip_trunks"]:
        row["calllimit"] = call_limit(peaks.get(row["id"], 0))
    files.tables.append(write_table(folder, "ast_cdr_adaptive", CDR_COLUMNS, cdr_text(act.cdr)))
    text = queue_log_text(act.queue_log, cfg.layout, tz)
    files.tables.append(write_table(folder, "ast_queue_log", QUEUE_LOG_COLUMNS[cfg.layout], text))
    files.tables.append(write_table(folder, "inuse", INUSE_COLUMNS, inuse_text(act.inuse)))
    return files


def call_limit(peak: int) -> int:
    """A plausible `calllimit` above a trunk's busiest moment (operators sell 10, 20, 30 ...)."""
    for limit in (10, 20, 30, 60, 100, 200, 500):
        if limit >= peak + 2:
            return limit
    return 1000


@dataclass
class Prepared:
    """A tenant generated and written to TSV files in `folder`, waiting to be loaded."""

    job: SeedJob
    report: SeedReport
    files: TenantFiles
    recordings: list[str]
    folder: str


def prepare(job: SeedJob) -> Prepared:
    """Generate a tenant's data and write its TSV files (CPU only, no database)."""
    started = time.perf_counter()
    layout = layout_of(job)
    cfg, act = build(
        job.domain,
        days=job.days,
        seed=job.seed,
        end=job.end or datetime.now(job.tz).date(),
        calls_per_day=job.calls_per_day,
        tz=job.tz,
        layout=layout,
        recordings=RECORDINGS_PER_TENANT if job.recordings_root is not None else 0,
    )
    folder = tempfile.mkdtemp(prefix="qfon-seed-", dir=scratch_dir())
    try:
        files = write_files(Path(folder), cfg, act, job.tz)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    report = SeedReport(job.domain, layout, act.calls)
    report.generate_seconds = time.perf_counter() - started
    return Prepared(job, report, files, act.recordings, folder)


def fresh_tenant(engine: Engine, domain: str, layout: QueueLogLayout) -> None:
    """Create the tenant database; an existing tenant of that name is dropped first."""
    with engine.connect() as conn:
        exists = is_tenant(conn, domain)
    if exists:
        drop_tenant(engine, domain)
    create_tenant(engine, domain, layout)


def layout_of(job: SeedJob) -> QueueLogLayout:
    """The job's queue-log layout: as given, else chosen from the seed."""
    return job.layout or choose_layout(job.seed, job.domain)


def finish(engine: Engine, prep: Prepared, *, create: bool = True) -> SeedReport:
    """(Re)create the tenant unless done, load its files, write its recordings; removes files."""
    started = time.perf_counter()
    report = prep.report
    try:
        if create:
            fresh_tenant(engine, prep.job.domain, report.layout)
        report.rows = load_files(engine, prep.job.domain, prep.files)
    finally:
        shutil.rmtree(prep.folder, ignore_errors=True)
    root = prep.job.recordings_root
    if root is not None:
        report.recordings = write_recordings(root, report.domain, prep.recordings)
    report.load_seconds = time.perf_counter() - started
    report.seconds = report.generate_seconds + report.load_seconds
    log.info("seeded %s: %d rows in %.1f s", report.domain, report.total_rows, report.seconds)
    return report


def default_workers(jobs: int) -> int:
    """Worker processes for `jobs` tenants: 0 (a thread instead) for a few, else cores - 1."""
    if jobs < PROCESS_MIN_JOBS or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def seed_jobs(
    engine: Engine,
    jobs: Iterable[SeedJob],
    progress: Callable[[SeedReport], None] | None = None,
    workers: int | None = None,
) -> list[SeedReport]:
    """Seed tenants in order, overlapping three stages: the next tenants are generated (in a
    thread, or in `workers` processes) and their databases created (in a thread) while the
    current one loads."""
    todo = list(jobs)
    workers = default_workers(len(todo)) if workers is None else workers
    reports: list[SeedReport] = []
    for report in _pipeline(engine, todo, workers):
        reports.append(report)
        if progress is not None:
            progress(report)
    return reports


def _executor(workers: int) -> Executor:
    if workers <= 0:
        return ThreadPoolExecutor(1, thread_name_prefix="qfon-seed-gen")
    # Forked workers only generate; they never touch the parent's database connections.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


def _pipeline(engine: Engine, jobs: list[SeedJob], workers: int) -> Iterator[SeedReport]:
    upcoming = iter(jobs)
    preps: deque[Future[Prepared]] = deque()
    creates: deque[Future[None]] = deque()
    with _executor(workers) as pool, ThreadPoolExecutor(1, thread_name_prefix="qfon-ddl") as ddl:

        def submit_next() -> None:
            job = next(upcoming, None)
            if job is not None:
                preps.append(pool.submit(prepare, job))
                creates.append(ddl.submit(fresh_tenant, engine, job.domain, layout_of(job)))

        for _ in range(max(1, workers) + 1):
            submit_next()
        try:
            while preps:
                prep = preps.popleft().result()
                creates.popleft().result()
                submit_next()
                yield finish(engine, prep, create=False)
        finally:
            for future in preps:
                if not future.cancel() and future.exception() is None:
                    shutil.rmtree(future.result().folder, ignore_errors=True)
            for created in creates:
                created.cancel()

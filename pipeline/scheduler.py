"""`qfon pipeline serve`: APScheduler 3.x, one process, two jobs.

An incremental pass every `pipeline.interval` seconds and a nightly reconciliation of the last
`pipeline.reconcile_days` days at `pipeline.reconcile_time` (host local time). Jobs are
module-level functions taking the config path, so they load fresh settings each run; SIGTERM and
SIGINT stop the scheduler after the tenant in progress (each tenant's pass is one transaction).
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.runner import rebuild, report_line, run_pass
from qfon.discovery import discover
from qfon.errors import QfonError
from qfon.settings import Settings, load_settings
from qfon.timezone import host_zone

log = logging.getLogger(__name__)
STOP = threading.Event()
PASS_JOB, RECONCILE_JOB = "qfon-pipeline-pass", "qfon-pipeline-reconcile"


def pass_job(config_path: str | None) -> None:
    """One incremental pass over every tenant."""
    try:
        results = run_pass(load_settings(config_path), (), log.info, STOP.is_set)
    except QfonError as exc:
        log.error("pipeline pass failed: %s", exc)
        return
    failed = [r.tenant for r in results if r.status == "failed"]
    if failed:
        log.error("pipeline pass: %d tenant(s) failed: %s", len(failed), ", ".join(failed))


def reconcile_job(config_path: str | None) -> None:
    """Recompute the last `reconcile_days` days of every tenant from scratch."""
    try:
        settings = load_settings(config_path)
        tenants = discover(settings)
    except QfonError as exc:
        log.error("reconciliation failed: %s", exc)
        return
    for tenant in tenants:
        if STOP.is_set():
            return
        today = datetime.now(settings.mysql.zone_for(tenant.name)).date()
        first = today - timedelta(days=settings.pipeline.reconcile_days)
        log.info(report_line(rebuild(settings, tenant, first, today, only_enabled=True)))


def build_scheduler(settings: Settings, config_path: str | None) -> BlockingScheduler:
    """The scheduler with its two jobs (fixed ids, replaced on restart, never overlapping)."""
    scheduler = BlockingScheduler(timezone=host_zone())
    common = {"replace_existing": True, "coalesce": True, "max_instances": 1, "args": [config_path]}
    scheduler.add_job(
        pass_job,
        IntervalTrigger(seconds=settings.pipeline.interval, timezone=host_zone()),
        id=PASS_JOB,
        name="incremental pass",
        misfire_grace_time=settings.pipeline.interval,
        next_run_time=datetime.now(host_zone()),
        **common,
    )
    hour, minute = (int(p) for p in settings.pipeline.reconcile_time.split(":"))
    scheduler.add_job(
        reconcile_job,
        CronTrigger(hour=hour, minute=minute, timezone=host_zone()),
        id=RECONCILE_JOB,
        name="nightly reconciliation",
        misfire_grace_time=3600,
        **common,
    )
    return scheduler


def serve(settings: Settings, config_path: str | None) -> None:
    """Run the scheduler until SIGTERM or SIGINT."""
    scheduler = build_scheduler(settings, config_path)

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %d: stopping after the tenant in progress", signum)
        STOP.set()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(
        "pipeline scheduler: pass every %d s, reconciliation of %d days at %s",
        settings.pipeline.interval,
        settings.pipeline.reconcile_days,
        settings.pipeline.reconcile_time,
    )
    scheduler.start()
    log.info("pipeline scheduler stopped")

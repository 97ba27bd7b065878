"""`agent serve`: a round every `agent.interval` seconds, the nightly backup on `backup.schedule`.

SIGTERM or SIGINT ends the loop after the current round. The backup runs in a thread so that
metrics keep flowing; it is imported only when due, so a host without it logs and carries on.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from types import FrameType

from apscheduler.triggers.cron import CronTrigger

from agent.runner import Agent
from qfon.settings import Settings
from qfon.timezone import host_zone

log = logging.getLogger(__name__)

BACKUP_STOP_WAIT = 30.0


def run_backup_job(settings: Settings) -> None:
    """Run the nightly backup; any failure is logged, never raised into the agent."""
    try:
        from agent.backup.run import run_backup  # optional: loaded when due
    except ImportError as exc:
        log.error("cannot run the backup: %s", exc)
        return
    try:
        status = run_backup(settings)
    except Exception as exc:  # noqa: BLE001 - the agent outlives a failing backup
        log.error("backup failed: %s: %s", type(exc).__name__, exc)
        return
    (log.info if status == 0 else log.warning)("backup finished with status %s", status)


class BackupSchedule:
    """When the next backup is due, and the thread of a running one."""

    def __init__(self, expression: str) -> None:
        self.trigger = CronTrigger.from_crontab(expression, timezone=host_zone())
        self.thread: threading.Thread | None = None
        self.due = self._next(dt.datetime.now(dt.UTC))

    def _next(self, after: dt.datetime) -> dt.datetime | None:
        moment = self.trigger.get_next_fire_time(None, after)
        return moment.astimezone(dt.UTC) if moment else None

    def tick(self, settings: Settings) -> None:
        """Start the backup if it is due and none is running."""
        now = dt.datetime.now(dt.UTC)
        if self.due is None or now < self.due:
            return
        self.due = self._next(now + dt.timedelta(seconds=1))
        if self.thread is not None and self.thread.is_alive():
            log.warning("the previous backup still runs: skipping this one")
            return
        self.thread = threading.Thread(
            target=run_backup_job, args=(settings,), name="backup", daemon=True
        )
        self.thread.start()

    def seconds_left(self) -> float:
        """Seconds until the backup is due (a large number when never)."""
        if self.due is None:
            return 86_400.0
        return max(0.0, (self.due - dt.datetime.now(dt.UTC)).total_seconds())


def serve(settings: Settings) -> int:
    """Run rounds until SIGTERM/SIGINT; returns the exit status."""
    stop = threading.Event()

    def on_signal(number: int, _frame: FrameType | None) -> None:
        log.info("%s received: stopping after this round", signal.Signals(number).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    agent = Agent.from_settings(settings, background=True)
    backup = BackupSchedule(settings.backup.schedule)
    interval = settings.agent.interval
    log.info(
        "agent serving: a round every %d s, backups at '%s'", interval, settings.backup.schedule
    )
    next_round = time.monotonic()
    while not stop.is_set():
        if time.monotonic() >= next_round:
            try:
                agent.round()
            except Exception as exc:  # noqa: BLE001 - a bad round never ends the service
                log.error("round failed: %s: %s", type(exc).__name__, exc)
            next_round += interval
            if next_round < time.monotonic():  # a slow round: skip, never bunch up
                next_round = time.monotonic() + interval
        backup.tick(settings)
        wait = min(next_round - time.monotonic(), backup.seconds_left())
        stop.wait(max(0.05, wait))
    if backup.thread is not None and backup.thread.is_alive():
        log.warning("a backup is running: waiting up to %.0f s for it", BACKUP_STOP_WAIT)
        backup.thread.join(BACKUP_STOP_WAIT)
    log.info("agent stopped")
    return 0

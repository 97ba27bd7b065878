"""One agent round: collect, add the agent's own health, ship (for `run --once` and `serve`)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from agent.metrics import Collector
from agent.sender import Shipper, ShipReport
from agent.spool import Spool
from agent.values import Round
from qfon.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Agent:
    """The long-lived parts: collector, spool and shipper."""

    collector: Collector
    spool: Spool
    shipper: Shipper

    @classmethod
    def from_settings(cls, settings: Settings, background: bool) -> Agent:
        """Build the parts from the settings (`background`: measure folders in a thread)."""
        spool = Spool(settings.agent.spool_dir, settings.agent.spool_max_values)
        return cls(Collector(settings, background), spool, Shipper(settings.zabbix, spool))

    def round(self) -> tuple[Round, ShipReport]:
        """Collect and send one round; Zabbix being away is reported, never raised."""
        started = time.monotonic()
        collected = self.collector.collect()
        add_agent_health(collected, self.spool, time.monotonic() - started)
        report = self.shipper.ship(collected)
        log.info(
            "round: %d values sent, %d refused, %d re-sent from the spool, %d spooled%s",
            report.sent,
            report.refused,
            report.resent,
            report.spooled,
            "" if report.reachable else " (Zabbix unreachable)",
        )
        return collected, report


def add_agent_health(collected: Round, spool: Spool, seconds: float) -> None:
    """The agent's own values: round duration, failed families, spool size and drops."""
    batch = collected.batch("agent")
    batch.add("pbx.agent.round.seconds", seconds)
    batch.add("pbx.agent.errors", len(collected.errors))
    batch.add("pbx.agent.spool.values", spool.size())
    batch.add("pbx.agent.spool.dropped", spool.dropped())


def succeeded(collected: Round, report: ShipReport) -> bool:
    """Whether a round went through without any problem (the exit status of `run --once`)."""
    return report.reachable and not report.refused and not collected.errors

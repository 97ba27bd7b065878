"""Deliver a round to Zabbix with zabbix-utils' Sender, spooling what does not get through.

Order: the round's discovery values, then the spool oldest first (original clocks), then the
round's batches. Zabbix's answer only counts failures, so batches follow metric families: a batch
refused as a whole names exactly the refused keys (typically items that LLD has just created and
the server's configuration cache does not hold yet); such a batch is spooled and tried again, at
most `REFUSED_TRIES` times. A partly refused batch is logged with its keys, never re-sent (the
accepted part would be stored twice).
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from zabbix_utils import ItemValue, Sender
from zabbix_utils.exceptions import ProcessingError

from agent.spool import Spool
from agent.values import Round, Value
from qfon.settings.model import ZabbixSettings

log = logging.getLogger(__name__)

REFUSED_TRIES = 3
SHOWN_KEYS = 20


class QuietSender(Sender):
    """zabbix-utils' Sender, building each packet without its eager debug formatting.

    zabbix-utils 2.0.4 formats every request for a debug message (`textwrap.shorten` over the
    whole JSON, `str()` of the packet) even with debug logging off: about 70 % of the time of
    sending 10,000 values. The packet is the same (ops-facts §3); the connection, answer and
    cluster handling stay zabbix-utils' own.
    """

    def _Sender__chunk_send(self, items: list[ItemValue]) -> dict:  # overrides the private hook
        body = json.dumps(
            {"request": "sender data", "data": [i.to_json() for i in items]}, ensure_ascii=False
        ).encode("utf-8")
        packet = struct.pack("<4sBII", b"ZBXD", 0x01, len(body), 0) + body
        responses = {}
        for cluster in self.clusters:
            node, response = self._Sender__send_to_cluster(cluster, packet)
            responses[node] = response
        return responses


class Unreachable(Exception):
    """Zabbix could not be reached or did not answer."""


@dataclass
class ShipReport:
    """What happened to a round's values."""

    sent: int = 0
    refused: int = 0
    spooled: int = 0
    resent: int = 0
    reachable: bool = True
    refused_keys: list[str] = field(default_factory=list)


def chunks(values: list[Value], size: int) -> Iterator[list[Value]]:
    """Consecutive slices of at most `size` values."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Shipper:
    """Sends rounds and the spool to one Zabbix server or proxy."""

    def __init__(self, settings: ZabbixSettings, spool: Spool) -> None:
        self.host = settings.host
        self.batch_size = settings.batch_size
        self.spool = spool
        self.sender = QuietSender(
            server=settings.server,
            port=settings.port,
            timeout=int(max(1, settings.timeout)),
            chunk_size=settings.batch_size,
        )

    def _send(self, values: list[Value]) -> tuple[int, int]:
        """One request; (processed, failed), or Unreachable."""
        items = [ItemValue(self.host, v.key, v.value, v.clock, v.ns) for v in values]
        try:
            response = self.sender.send(items)
        except (ProcessingError, OSError, ValueError) as exc:
            raise Unreachable(str(exc) or type(exc).__name__) from None
        return response.processed, response.failed

    def _deliver(self, values: list[Value], label: str, tries: int, report: ShipReport) -> None:
        """Send one batch; spool it if refused as a whole; log refused keys."""
        processed, failed = self._send(values)
        report.sent += processed
        if not failed:
            return
        report.refused += failed
        keys = [v.key for v in values]
        if failed >= len(values):
            report.refused_keys.extend(keys)
            if tries < REFUSED_TRIES:
                self.spool.put(values, tries + 1)
                report.spooled += len(values)
            log.warning(
                "Zabbix refused all %d values of %s (try %d of %d): %s",
                failed,
                label,
                tries + 1,
                REFUSED_TRIES,
                _shown(keys),
            )
        else:
            log.warning(
                "Zabbix refused %d of %d values of %s; among: %s",
                failed,
                len(values),
                label,
                _shown(keys),
            )

    def ship(self, round_: Round) -> ShipReport:
        """Deliver a round (see the module doc); never raises for an unreachable Zabbix."""
        report = ShipReport()
        pending = [
            (b.family, chunk) for b in round_.batches for chunk in chunks(b.values, self.batch_size)
        ]
        with self.spool.locked():
            try:
                if round_.discovery:
                    self._deliver(round_.discovery, "discovery", REFUSED_TRIES, report)
                self._flush(report)
                while pending:
                    family, values = pending[0]
                    self._deliver(values, family, 0, report)
                    pending.pop(0)
            except Unreachable as exc:
                report.reachable = False
                left = [v for _, values in pending for v in values]
                self.spool.put(left)
                report.spooled += len(left)
                log.warning(
                    "Zabbix at %s unreachable (%s): %d values spooled",
                    self._where(),
                    exc,
                    len(left),
                )
        return report

    def _flush(self, report: ShipReport) -> None:
        """Re-send the spool, oldest first, removing each file once Zabbix answered for it."""
        for spooled in self.spool.files():
            values = self.spool.read(spooled)
            done = 0
            try:
                for part in chunks(values, self.batch_size):
                    self._deliver(part, f"spool {spooled.path.name}", spooled.tries, report)
                    done += len(part)
                    report.resent += len(part)
            except Unreachable:
                if done:
                    self.spool.rewrite(spooled, values[done:])
                raise
            self.spool.remove(spooled)

    def _where(self) -> str:
        return ", ".join(str(n) for c in self.sender.clusters for n in c.nodes)


def _shown(keys: list[str]) -> str:
    more = len(keys) - SHOWN_KEYS
    return ", ".join(keys[:SHOWN_KEYS]) + (f" and {more} more" if more > 0 else "")

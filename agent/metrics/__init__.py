"""One collection round: every metric family, each measured in its own batch.

A family that fails (MySQL unreachable, a tool erroring) is logged and left out of the round;
it never stops the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from agent.metrics import backups, filesystems, network, pipeline, services, system, xen
from agent.metrics.recordings import RecordingsSizer
from agent.values import Round
from qfon.discovery import discover
from qfon.settings import Settings
from qfon.tenants import Tenant

log = logging.getLogger(__name__)

PRIME_SECONDS = 1.0  # a one-shot round waits this long after priming the CPU counters


class Collector:
    """Holds what lasts between rounds: primed CPU counters, compiled services, Xen, sizes."""

    def __init__(self, settings: Settings, background: bool = True) -> None:
        self.settings = settings
        self.background = background
        system.prime_cpu()
        self.primed = time.monotonic()
        self.services = services.matchers(settings.agent.services)
        self.xen_tool = xen.find_tool()
        self.xen_reported: str | None = None
        self.sizer = RecordingsSizer(
            settings.paths.recordings,
            settings.agent.recordings_size_interval,
            settings.agent.spool_dir / "recordings-sizes.json",
        )

    def collect(self) -> Round:
        """Measure every family now."""
        wait = PRIME_SECONDS - (time.monotonic() - self.primed)
        if wait > 0:
            time.sleep(wait)
        result = Round()
        self._guard(result, "system", lambda: self._system(result))
        self._guard(result, "filesystems", lambda: self._filesystems(result))
        self._guard(result, "network", lambda: self._network(result))
        self._guard(result, "services", lambda: self._services(result))
        tenants: list[Tenant] = []

        def find() -> None:
            tenants.extend(discover(self.settings))

        if self._guard(result, "tenants", find):
            names = [t.name for t in tenants]
            result.discover("pbx.tenant.discovery", [{"{#TENANT}": n} for n in names])
            self._guard(result, "xen", lambda: self._xen(result, names))
            self._guard(result, "recordings", lambda: self._recordings(result, names))
            self._guard(result, "pipeline", lambda: self._pipeline(result, tenants))
            self._guard(result, "backup", lambda: self._backup(result, names))
        return result

    def _guard(self, result: Round, family: str, job: Callable[[], None]) -> bool:
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - one family failing never stops the others
            self._failed(result, family, exc)
            return False
        return True

    @staticmethod
    def _failed(result: Round, family: str, exc: BaseException) -> None:
        message = f"{family}: {exc}" if str(exc) else f"{family}: {type(exc).__name__}"
        log.warning("cannot collect %s", message)
        result.errors.append(message)

    def _system(self, result: Round) -> None:
        batch = result.batch("system")
        system.collect_cpu(batch)
        system.collect_memory(batch)

    def _filesystems(self, result: Round) -> None:
        rows = filesystems.discover()
        result.discover("vfs.fs.discovery", rows)
        filesystems.collect(result.batch("filesystems"), rows)

    def _network(self, result: Round) -> None:
        rows: list[dict[str, str]] = []
        batch = result.batch("network")
        network.collect(rows, batch)
        result.discover("net.if.discovery", rows)

    def _services(self, result: Round) -> None:
        counts, total = services.count(self.services)
        result.discover("pbx.service.discovery", [{"{#SERVICE}": n} for n in counts])
        batch = result.batch("services")
        batch.add("proc.num", total)
        for name, number in counts.items():
            batch.add(f"pbx.service.procs[{name}]", number)
            batch.add(f"pbx.service.up[{name}]", int(number > 0))

    def _xen(self, result: Round, names: list[str]) -> None:
        state = xen.tool_name(self.xen_tool)
        if state != self.xen_reported:
            if self.xen_tool is None:
                log.warning("no xl or xm on this host: tenant VM state is unsupported here")
            result.batch("xen").add("pbx.xen.toolstack", state)
            self.xen_reported = state
        if self.xen_tool is None:
            return
        vms = xen.list_vms(self.xen_tool)
        result.discover("pbx.tenant.vm.discovery", [{"{#TENANT}": n} for n in names])
        batch = result.batch("vms")
        for name in names:
            batch.add(f"pbx.tenant.vm.running[{name}]", int(xen.is_running(vms.get(name))))

    def _recordings(self, result: Round, names: list[str]) -> None:
        if self.sizer.due(names):
            if self.background:
                self.sizer.start(names)
            else:
                self.sizer.measure(names)
        batch = result.batch("recordings")
        for name, size in sorted(self.sizer.latest().items()):
            if name in names:
                batch.add(f"pbx.tenant.recordings.size[{name}]", size)

    def _pipeline(self, result: Round, tenants: list[Tenant]) -> None:
        health = pipeline.read(self.settings, tenants)
        now = dt.datetime.now(dt.UTC)
        batch = result.batch("pipeline")
        for name, item in sorted(health.items()):
            batch.add(f"pbx.tenant.pipeline.lag[{name}]", item.lag(now))
            last = item.last_success
            stamp = int(last.replace(tzinfo=dt.UTC).timestamp()) if last else None
            batch.add(f"pbx.tenant.pipeline.last_success[{name}]", stamp)
            batch.add(f"pbx.tenant.pipeline.malformed[{name}]", item.malformed)
            batch.add(f"pbx.tenant.pipeline.error[{name}]", int(item.has_error))

    def _backup(self, result: Round, names: list[str]) -> None:
        status = backups.read_status(self.settings.backup.status_file())
        if status is None:
            return
        batch = result.batch("backup")
        backups.run_values(batch, status)
        backups.tenant_values(batch, status, names, dt.datetime.now(dt.UTC))

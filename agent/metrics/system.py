"""CPU, load, memory, swap and uptime under the official "Linux by Zabbix agent" keys and units.

CPU utilisation is a difference of cumulative times: psutil compares each call with the previous
one, so the collector primes it once at start (the first call returns a meaningless 0.0).
"""

from __future__ import annotations

import os
import time

import psutil

from agent.values import Batch

# psutil field -> the mode name in `system.cpu.util[,<mode>]`
CPU_MODES = {
    "user": "user",
    "nice": "nice",
    "system": "system",
    "idle": "idle",
    "iowait": "iowait",
    "irq": "interrupt",
    "softirq": "softirq",
    "steal": "steal",
    "guest": "guest",
    "guest_nice": "guest_nice",
}
LOAD_KEYS = ("avg1", "avg5", "avg15")


def prime_cpu() -> None:
    """Start psutil's CPU-times reference point; the next call measures from here."""
    psutil.cpu_times_percent(interval=None)


def percent(part: float, whole: float) -> float | None:
    """100·part/whole, or None when the whole is zero (nothing to compare with)."""
    return 100.0 * part / whole if whole else None


def collect_cpu(batch: Batch) -> None:
    """Utilisation per mode and in total (100 − idle), CPU count and load averages."""
    times = psutil.cpu_times_percent(interval=None)
    for field, mode in CPU_MODES.items():
        batch.add(f"system.cpu.util[,{mode}]", getattr(times, field, None))
    batch.add("system.cpu.util", max(0.0, 100.0 - times.idle))
    batch.add("system.cpu.num", psutil.cpu_count() or 1)
    for name, load in zip(LOAD_KEYS, os.getloadavg(), strict=True):
        batch.add(f"system.cpu.load[all,{name}]", load)


def collect_memory(batch: Batch) -> None:
    """Memory total/available/pavailable/utilization, swap total/free/pfree, uptime."""
    memory = psutil.virtual_memory()
    batch.add("vm.memory.size[total]", memory.total)
    batch.add("vm.memory.size[available]", memory.available)
    pavailable = percent(memory.available, memory.total)
    batch.add("vm.memory.size[pavailable]", pavailable)
    batch.add("vm.memory.utilization", None if pavailable is None else 100.0 - pavailable)
    swap = psutil.swap_memory()
    batch.add("system.swap.size[,total]", swap.total)
    batch.add("system.swap.size[,free]", swap.free)
    batch.add("system.swap.size[,pfree]", percent(swap.free, swap.total))
    batch.add("system.uptime", int(time.time() - psutil.boot_time()))

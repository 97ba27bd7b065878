"""Network interfaces: discovery with the official filter, raw cumulative counters.

The template turns the byte counters into bits per second (CHANGE_PER_SECOND, then ×8) and the
error/drop counters into rates, as the official template does, so the agent stays stateless and
a value re-sent from the spool keeps its meaning.
"""

from __future__ import annotations

import re

import psutil

from agent.keys import quoted
from agent.values import Batch

IFNAME_NOT_MATCHES = re.compile(
    r"(^Software Loopback Interface|^NULL[0-9.]*$|^[Ll]o[0-9.]*$|^[Ss]ystem$|_nul$"
    r"|^veth[0-9a-z]+$|docker[0-9]+|br-[a-z0-9]{12})"
)
# psutil counter -> (direction, mode suffix of the key)
COUNTERS = {
    "bytes_recv": ("in", ""),
    "bytes_sent": ("out", ""),
    "errin": ("in", ",errors"),
    "errout": ("out", ",errors"),
    "dropin": ("in", ",dropped"),
    "dropout": ("out", ",dropped"),
}


def wanted(name: str) -> bool:
    """Whether the template's `{$NET.IF.IFNAME.NOT_MATCHES}` keeps an interface."""
    return not IFNAME_NOT_MATCHES.search(name)


def collect(round_discover: list[dict[str, str]], batch: Batch) -> None:
    """Fill the LLD rows `{#IFNAME}` and the counters of every wanted interface."""
    for name, io in sorted(psutil.net_io_counters(pernic=True).items()):
        if not wanted(name):
            continue
        round_discover.append({"{#IFNAME}": name})
        for field, (direction, mode) in COUNTERS.items():
            batch.add(f"net.if.{direction}[{quoted(name)}{mode}]", getattr(io, field))

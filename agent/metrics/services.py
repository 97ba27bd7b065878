"""Services from the settings: how many processes each has and whether it is up.

A process matches a service by its name (`comm`, cut by Linux at 15 characters, so a long name
is compared on its first 15) or, for `re:` patterns, by a regular expression searched in its
command line. One scan of the process table serves every service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psutil

from qfon.settings.model import ServiceSpec

COMM_LEN = 15


@dataclass(frozen=True)
class Matcher:
    """The compiled patterns of one service."""

    name: str
    names: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, comm: str, exe_name: str, cmdline: str | None) -> bool:
        """Whether a process (comm, executable base name, command line) belongs here."""
        if comm[:COMM_LEN] in self.names or exe_name in self.names:
            return True
        return cmdline is not None and any(p.search(cmdline) for p in self.patterns)


def matchers(specs: list[ServiceSpec]) -> list[Matcher]:
    """Compile the settings' service specs once."""
    made = []
    for spec in specs:
        names = {p[:COMM_LEN] for p in spec.processes if not p.startswith("re:")}
        patterns = tuple(re.compile(p[3:]) for p in spec.processes if p.startswith("re:"))
        made.append(Matcher(spec.name, frozenset(names), patterns))
    return made


def count(services: list[Matcher]) -> tuple[dict[str, int], int]:
    """Processes per service and the total number of processes, from one scan.

    Names are looked up in one index; only `re:` services look at command lines.
    """
    counts = dict.fromkeys((s.name for s in services), 0)
    by_name: dict[str, list[str]] = {}
    for service in services:
        for name in service.names:
            by_name.setdefault(name, []).append(service.name)
    with_patterns = [s for s in services if s.patterns]
    attrs = ["name", "cmdline"] if with_patterns else ["name"]
    total = 0
    for proc in psutil.process_iter(attrs):
        total += 1
        info = proc.info
        argv = info.get("cmdline") if with_patterns else None
        found = set(by_name.get((info.get("name") or "")[:COMM_LEN], ()))
        if argv:
            found.update(by_name.get(argv[0].rsplit("/", 1)[-1][:COMM_LEN], ()))
            cmdline = " ".join(argv)
            found.update(
                s.name for s in with_patterns if any(p.search(cmdline) for p in s.patterns)
            )
        for name in found:
            counts[name] += 1
    return counts, total

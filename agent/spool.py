"""On-disk spool of values that Zabbix has not taken yet, oldest first, bounded.

Each put is one file `<time_ns>-<count>-<tries>.jsonl` (one value a line, mode 0600, written to a
temporary name, synced, then renamed), so the count is known from the names and a crash never
leaves half a file. When more than `max_values` wait, the oldest are dropped and counted in
`state.json`. An exclusive `flock` on `.lock` keeps two agents on one host from sending a file
twice.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from agent.values import Value, value_to_dict

log = logging.getLogger(__name__)

NAME_RE = re.compile(r"^(\d{19,20})-(\d+)-(\d+)\.jsonl$")


@dataclass(frozen=True)
class SpoolFile:
    """One spooled chunk: its path, how many values it holds and how often Zabbix refused it."""

    path: Path
    count: int
    tries: int


class Spool:
    """Put, list, read, drop spooled values in `directory`, at most `max_values` of them."""

    def __init__(self, directory: Path, max_values: int) -> None:
        self.dir = directory
        self.max_values = max_values
        self._last_ns = 0

    def _ensure(self) -> None:
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the spool's exclusive lock (waits for another agent to finish)."""
        self._ensure()
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def files(self) -> list[SpoolFile]:
        """The spooled files, oldest first."""
        try:
            names = os.listdir(self.dir)
        except FileNotFoundError:
            return []
        found = []
        for name in names:
            match = NAME_RE.match(name)
            if match:
                found.append(
                    (int(match[1]), SpoolFile(self.dir / name, int(match[2]), int(match[3])))
                )
        return [f for _, f in sorted(found, key=lambda pair: pair[0])]

    def size(self) -> int:
        """How many values wait."""
        return sum(f.count for f in self.files())

    def _next_ns(self) -> int:
        now = max(time.time_ns(), self._last_ns + 1)
        self._last_ns = now
        return now

    def put(self, values: list[Value], tries: int = 0) -> None:
        """Keep values for later, then drop the oldest if the bound is passed."""
        if not values:
            return
        self._ensure()
        ns = self._next_ns()
        while True:
            name = f"{ns:019d}-{len(values)}-{tries}.jsonl"
            if not (self.dir / name).exists():
                break
            ns = self._next_ns()
        self._write(self.dir / name, values)
        self.enforce_bound()

    def _write(self, path: Path, values: list[Value]) -> None:
        tmp = path.with_name(f".{path.name}.tmp")
        data = "".join(json.dumps(value_to_dict(v), ensure_ascii=False) + "\n" for v in values)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)

    def read(self, spooled: SpoolFile) -> list[Value]:
        """The values of a file; a damaged file is dropped (and counted) instead."""
        try:
            lines = spooled.path.read_text().splitlines()
            return [Value(**json.loads(line)) for line in lines if line.strip()]
        except (OSError, ValueError, TypeError) as exc:
            log.warning("dropping damaged spool file %s: %s", spooled.path.name, exc)
            self.remove(spooled)
            self._add_dropped(spooled.count)
            return []

    def rewrite(self, spooled: SpoolFile, values: list[Value]) -> None:
        """Keep only `values` of a file (its first part was delivered), in its place in line."""
        prefix = spooled.path.name.split("-", 1)[0]
        self.remove(spooled)
        if values:
            self._write(self.dir / f"{prefix}-{len(values)}-{spooled.tries}.jsonl", values)

    def remove(self, spooled: SpoolFile) -> None:
        """Forget a file whose values Zabbix has taken."""
        spooled.path.unlink(missing_ok=True)

    def enforce_bound(self) -> int:
        """Drop the oldest values beyond `max_values`; how many were dropped."""
        files = self.files()
        excess = sum(f.count for f in files) - self.max_values
        dropped = 0
        for spooled in files:
            if excess <= 0:
                break
            if spooled.count <= excess:
                self.remove(spooled)
                dropped += spooled.count
                excess -= spooled.count
                continue
            self.rewrite(spooled, self.read(spooled)[excess:])
            dropped += excess
            excess = 0
        if dropped:
            log.warning("spool full (%d values): dropped the %d oldest", self.max_values, dropped)
            self._add_dropped(dropped)
        return dropped

    @property
    def _state(self) -> Path:
        return self.dir / "state.json"

    def dropped(self) -> int:
        """Values dropped since the spool was made (kept across restarts)."""
        try:
            return int(json.loads(self._state.read_text())["dropped"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def _add_dropped(self, count: int) -> None:
        total = self.dropped() + count
        tmp = self.dir / ".state.json.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps({"dropped": total}).encode())
        finally:
            os.close(fd)
        os.replace(tmp, self._state)

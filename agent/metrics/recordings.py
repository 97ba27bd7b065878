"""Size of each tenant's recordings folder, measured rarely and in the background.

The trees are huge, so a measurement runs in a low-priority thread at most every
`agent.recordings_size_interval` seconds; rounds send the latest result. Results are kept in a
small file next to the spool so that a restart (or a one-shot run) does not measure again early.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)


def tree_size(root: Path) -> int | None:
    """Apparent size in bytes of every file under `root` (like `du -sb`); None if it is absent."""
    if not root.is_dir():
        return None
    total = 0
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        else:
                            total += entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        continue
        except OSError:
            continue
    return total


class RecordingsSizer:
    """Latest measured sizes; `due()` says when to measure again, `start()` does it in a thread."""

    def __init__(self, root: Path, interval: float, cache: Path) -> None:
        self.root = root
        self.interval = interval
        self.cache = cache
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.sizes: dict[str, int | None] = {}
        self.measured = 0.0
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.cache.read_text())
            self.sizes = {str(k): None if v is None else int(v) for k, v in data["sizes"].items()}
            self.measured = float(data["measured"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass

    def _save(self) -> None:
        try:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache.with_suffix(".tmp")
            tmp.write_text(json.dumps({"measured": self.measured, "sizes": self.sizes}))
            tmp.chmod(0o600)
            tmp.replace(self.cache)
        except OSError as exc:
            log.warning("cannot keep recordings sizes in %s: %s", self.cache, exc.strerror)

    def due(self, tenants: list[str]) -> bool:
        """Whether a measurement is older than the interval or misses a tenant."""
        stale = time.time() - self.measured >= self.interval
        return stale or any(t not in self.sizes for t in tenants)

    def measure(self, tenants: list[str]) -> None:
        """Measure every tenant's folder now (in the calling thread)."""
        started = time.monotonic()
        sizes = {tenant: tree_size(self.root / tenant) for tenant in tenants}
        with self._lock:
            self.sizes = sizes
            self.measured = time.time()
            self._save()
        log.info("measured %d recordings folders in %.1f s", len(sizes), time.monotonic() - started)

    def _background(self, tenants: list[str]) -> None:
        with contextlib.suppress(OSError):  # a lower priority is a courtesy, not a need
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        self.measure(tenants)

    def start(self, tenants: list[str]) -> None:
        """Measure in a background thread unless one is already running."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(
            target=self._background, args=(list(tenants),), name="recordings-size", daemon=True
        )
        self._thread.start()

    def latest(self) -> dict[str, int]:
        """The sizes of the last finished measurement."""
        with self._lock:
            return {k: v for k, v in self.sizes.items() if v is not None}

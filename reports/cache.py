"""Report figures reused while the pipeline has not written: a small cache in each worker.

The analytics tables change only when the pipeline writes, and it records every write in
`qfon_pipeline_state` in the same transaction. A built report is kept with that state and reused,
for at most `reports.cache_seconds` (so renamed numbers or users show within that time), as long
as the state is unchanged.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from qfon.schema import pipeline_state
from reports.db import TenantDB

T = TypeVar("T")


def pipeline_marker(db: TenantDB) -> tuple | None:
    """Everything the pipeline's last writes left in its state table (None: cannot tell)."""
    p = pipeline_state.c
    try:
        rows = db.execute(
            select(p.source, p.watermark, p.last_success, p.last_attempt).order_by(p.source)
        ).all()
    except SQLAlchemyError:
        db.conn.rollback()
        return None
    return tuple(tuple(r) for r in rows)


class ReportCache:
    """At most `size` built reports, each valid for `seconds` and for one pipeline state."""

    def __init__(self, seconds: int, size: int = 256) -> None:
        self.seconds = seconds
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, tuple, Any]] = OrderedDict()
        self.hits = 0

    def get_or_build(self, key: Hashable, state: tuple | None, build: Callable[[], T]) -> T:
        if not self.seconds or state is None:
            return build()
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now and entry[1] == state:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[2]  # type: ignore[no-any-return]
        value = build()
        with self._lock:
            self._entries[key] = (now + self.seconds, state, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

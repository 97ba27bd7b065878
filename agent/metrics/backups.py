"""Backup health from `<backup.target>/status.json`, the file the nightly backup writes.

Format: {"last_run": {"id", "status": ok|partial|failed, "started", "finished", "duration_s",
"size_bytes", "failures": [...]}, "tenants": {"<domain>": {"last_good": iso|null,
"last_status": ok|failed, "size_bytes"}}}. Times without a zone are taken as UTC.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from agent.values import Batch

log = logging.getLogger(__name__)


def read_status(path: Path) -> dict[str, Any] | None:
    """The parsed status file, or None when there is none (no backup has run here)."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a JSON object")
    return data


def parse_time(text: str | None) -> dt.datetime | None:
    """An ISO time as an aware datetime (naive means UTC); None for null or garbage."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def run_values(batch: Batch, status: dict[str, Any]) -> None:
    """The last run's status, size, duration, end time and number of failures."""
    run = status.get("last_run") or {}
    if not isinstance(run, dict) or not run:
        return
    batch.add("pbx.backup.status", str(run.get("status", "unknown")))
    batch.add("pbx.backup.size", _int(run.get("size_bytes")))
    batch.add("pbx.backup.duration", _float(run.get("duration_s")))
    finished = parse_time(run.get("finished"))
    batch.add("pbx.backup.finished", int(finished.timestamp()) if finished else None)
    failures = run.get("failures")
    batch.add("pbx.backup.failures", len(failures) if isinstance(failures, list) else None)


def tenant_values(
    batch: Batch, status: dict[str, Any], tenants: list[str], now: dt.datetime
) -> None:
    """Per tenant: seconds since the last good backup, its last status and size."""
    known = status.get("tenants") or {}
    for tenant in tenants:
        entry = known.get(tenant) if isinstance(known, dict) else None
        if not isinstance(entry, dict):
            batch.add(f"pbx.tenant.backup.status[{tenant}]", "none")
            continue
        good = parse_time(entry.get("last_good"))
        if good is not None:
            batch.add(f"pbx.tenant.backup.age[{tenant}]", max(0, int((now - good).total_seconds())))
        batch.add(f"pbx.tenant.backup.status[{tenant}]", str(entry.get("last_status", "none")))
        batch.add(f"pbx.tenant.backup.size[{tenant}]", _int(entry.get("size_bytes")))


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

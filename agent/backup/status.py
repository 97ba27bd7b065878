"""`<target>/status.json`: the last run and each tenant's last good backup, read for Zabbix."""

from __future__ import annotations

import json
from typing import Any

from agent.backup.manifest import Manifest
from agent.backup.target import Target, private_dir, write_private

STATUS = "status.json"


def build_status(previous: dict[str, Any] | None, run: Manifest) -> dict[str, Any]:
    """The new status after a run, keeping tenants' earlier last-good times (PURE)."""
    tenants: dict[str, Any] = dict((previous or {}).get("tenants", {}))
    for domain, entry in run.tenants.items():
        before = tenants.get(domain, {})
        ok = entry.status == "ok"
        tenants[domain] = {
            "last_good": run.finished if ok else before.get("last_good"),
            "last_status": "ok" if ok else "failed",
            "size_bytes": entry.db.size if entry.db else 0,
        }
    return {
        "last_run": {
            "id": run.id,
            "status": run.status,
            "started": run.started,
            "finished": run.finished,
            "duration_s": run.duration_s,
            "size_bytes": run.size_bytes,
            "failures": list(run.failures),
        },
        "tenants": dict(sorted(tenants.items())),
    }


def read_status(target: Target) -> dict[str, Any] | None:
    text = target.read_text(STATUS)
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def write_status(target: Target, run: Manifest) -> None:
    """Update status.json atomically (0600); a remote target's also in `work_dir` for the agent."""
    status = build_status(read_status(target), run)
    text = json.dumps(status, indent=1) + "\n"
    target.write_text(STATUS, text)
    if target.remote:
        write_private(private_dir(target.work_dir) / STATUS, text.encode())

"""Backup ids and the manifest that describes one backup (what it holds, whether it is good)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

Status = Literal["ok", "partial", "failed"]
ID_RE = re.compile(r"^\d{8}T\d{6}Z$")
ID_FORMAT = "%Y%m%dT%H%M%SZ"
MANIFEST = "manifest.json"
TMP_SUFFIX = ".tmp"


def new_id(now: datetime | None = None) -> str:
    """A backup id: the UTC time, e.g. 20261127T023000Z."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime(ID_FORMAT)


def next_id(backup_id: str) -> str:
    """The id one second later (two backups started within the same second)."""
    return new_id(id_time(backup_id) + timedelta(seconds=1))


def id_time(backup_id: str) -> datetime:
    """The UTC time a backup id stands for."""
    return datetime.strptime(backup_id, ID_FORMAT).replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with seconds, as written to manifests and status.json."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class DumpEntry:
    """One tenant's database dump inside a backup."""

    file: str
    sha256: str
    size: int
    tables: dict[str, int]


@dataclass
class TenantEntry:
    """What a backup holds for one tenant, and what failed."""

    status: Literal["ok", "failed"] = "ok"
    db: DumpEntry | None = None
    trees: dict[str, str] = field(default_factory=dict)  # tree -> ok | missing | failed
    errors: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    """The description of a backup, stored as `<id>/manifest.json`."""

    id: str
    kind: Literal["nightly", "safety"] = "nightly"
    status: Status = "ok"
    started: str = ""
    finished: str = ""
    duration_s: float = 0.0
    compression: str = "zstd"
    size_bytes: int = 0
    bytes_copied: int = 0
    tenants: dict[str, TenantEntry] = field(default_factory=dict)
    host_files: str = "ok"
    failures: list[str] = field(default_factory=list)

    @property
    def good(self) -> bool:
        """A complete nightly backup: the only kind restore defaults to and retention counts."""
        return self.status == "ok" and self.kind == "nightly"

    def holds_db(self, domain: str) -> bool:
        """Whether the backup has a complete dump of that tenant."""
        entry = self.tenants.get(domain)
        return bool(entry and entry.db and entry.status == "ok")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data: dict[str, Any] = json.loads(text)
        tenants = {}
        for name, raw in data.pop("tenants", {}).items():
            db = raw.pop("db", None)
            tenants[name] = TenantEntry(db=DumpEntry(**db) if db else None, **raw)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(tenants=tenants, **known)

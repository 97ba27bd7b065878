"""Pipeline health per tenant, read from the tenant's `qfon_pipeline_state` table when it exists.

One row per source table; the tenant's health is its most lagging source: the oldest
`last_success` (naive UTC, as every qfon session runs at +00:00), malformed rows of the last passes
added up, and whether any source carries an error.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import text

from qfon.discovery import server_engine
from qfon.schema import pipeline_state
from qfon.settings import Settings
from qfon.tenants import Tenant, quoted, validate_domain


@dataclass(frozen=True)
class PipelineHealth:
    """The figures sent for one tenant."""

    last_success: dt.datetime | None
    malformed: int
    has_error: bool

    def lag(self, now: dt.datetime) -> float | None:
        """Seconds since the oldest source last succeeded (None if one never did)."""
        if self.last_success is None:
            return None
        return max(0.0, (now - self.last_success.replace(tzinfo=dt.UTC)).total_seconds())


def _tenants_with_state(settings: Settings, server: int) -> set[str]:
    with server_engine(settings, server).connect() as conn:
        rows = conn.execute(
            text("SELECT table_schema FROM information_schema.tables WHERE table_name = :name"),
            {"name": pipeline_state.name},
        )
        return {r[0] for r in rows}


def _union(names: list[str]) -> str:
    """One query over every tenant's state table (names validated and quoted, never raw)."""
    parts = [
        f"SELECT '{validate_domain(n)}' AS tenant, MIN(last_success),"
        " COALESCE(SUM(rows_malformed), 0),"
        " COALESCE(SUM(COALESCE(LENGTH(last_error), 0) > 0), 0),"
        " COALESCE(SUM(last_success IS NULL), 0), COUNT(*)"
        f" FROM {quoted(n)}.{pipeline_state.name}"
        for n in names
    ]
    return " UNION ALL ".join(parts)


def read(settings: Settings, tenants: list[Tenant]) -> dict[str, PipelineHealth]:
    """Health of every tenant that has a pipeline state table (others are left out).

    One query per server, whatever the number of tenants (a round runs every minute).
    """
    by_server: dict[int, list[str]] = defaultdict(list)
    for tenant in tenants:
        by_server[tenant.server].append(tenant.name)
    found: dict[str, PipelineHealth] = {}
    for server, names in by_server.items():
        having = _tenants_with_state(settings, server)
        wanted = [n for n in names if n in having]
        if not wanted:
            continue
        with server_engine(settings, server).connect() as conn:
            rows = conn.execute(text(_union(wanted))).all()
        for name, oldest, malformed, errors, never_ok, count in rows:
            if count:
                found[name] = PipelineHealth(
                    last_success=None if never_ok else oldest,
                    malformed=int(malformed),
                    has_error=bool(errors),
                )
    return found

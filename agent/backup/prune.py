"""Apply the retention plan to a target (under the lock): remove pruned and abandoned backups."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from agent.backup.manifest import ID_RE, TMP_SUFFIX
from agent.backup.retention import Item, plan
from agent.backup.target import Target, load_manifests
from qfon.settings import Settings

log = logging.getLogger(__name__)


def prune_plan(settings: Settings, target: Target) -> tuple[dict[str, str], list[str]]:
    """The retention decision of every backup, and abandoned `<id>.tmp` folders."""
    b = settings.backup
    items = [Item(m.id, m.good, m.kind) for m in load_manifests(target)]
    decision = plan(items, b.keep_daily, b.keep_weekly, b.keep_monthly, datetime.now(UTC))
    stale = [
        e for e in target.entries() if e.endswith(TMP_SUFFIX) and ID_RE.match(e[: -len(TMP_SUFFIX)])
    ]
    return decision, stale


def prune(settings: Settings, target: Target, dry_run: bool = False) -> list[str]:
    """Remove what retention lets go (the caller holds the lock); the removed names."""
    decision, stale = prune_plan(settings, target)
    doomed = [i for i, why in sorted(decision.items()) if why == "prune"] + stale
    for name in doomed:
        if not dry_run:
            target.remove(name)
        log.info("%s %s", "would remove" if dry_run else "removed", name)
    return doomed

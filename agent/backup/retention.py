"""Which backups to keep: borg's prune rule over good backups, plus the partial/safety policy.

PURE: takes manifests' plain facts and returns ids. Rule (borg `prune_split`): walk good backups
newest first; for each of daily, weekly (ISO), monthly in turn, keep the newest backup of each
period until N periods are kept; a backup kept by an earlier rule uses up its period without
counting. The newest good backup is always kept; partial/failed backups older than it go;
safety dumps (taken by restore) live for `keep_daily` days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from agent.backup.manifest import id_time


@dataclass(frozen=True)
class Item:
    """What retention needs to know of a backup."""

    id: str
    good: bool
    kind: str = "nightly"


PERIODS: dict[str, Callable[[datetime], tuple[int, ...]]] = {
    "daily": lambda t: (t.year, t.month, t.day),
    "weekly": lambda t: tuple(t.isocalendar())[:2],
    "monthly": lambda t: (t.year, t.month),
}


def _split(ids: list[str], rule: str, n: int, kept: dict[str, str]) -> None:
    last = None
    count = 0
    for backup_id in ids:  # newest first
        if count >= n:
            return
        period = PERIODS[rule](id_time(backup_id))
        if period != last:
            last = period
            if backup_id not in kept:
                kept[backup_id] = rule
                count += 1


def plan(
    items: Iterable[Item], daily: int, weekly: int, monthly: int, now: datetime
) -> dict[str, str]:
    """Every backup id mapped to the reason it is kept, or to 'prune'."""
    items = sorted(items, key=lambda i: i.id, reverse=True)
    good = [i.id for i in items if i.good and i.kind == "nightly"]
    kept: dict[str, str] = {}
    for rule, n in (("daily", daily), ("weekly", weekly), ("monthly", monthly)):
        _split(good, rule, n, kept)
    newest = good[0] if good else None
    if newest:
        kept.setdefault(newest, "newest good")
    decision = {}
    for item in items:
        if item.id in kept:
            decision[item.id] = kept[item.id]
        elif item.kind == "safety":
            young = now - id_time(item.id) < timedelta(days=daily)
            decision[item.id] = "safety dump" if young else "prune"
        elif not item.good and (newest is None or item.id > newest):
            decision[item.id] = "newer than the newest good backup"
        else:
            decision[item.id] = "prune"
    return decision

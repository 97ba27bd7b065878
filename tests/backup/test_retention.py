"""Retention is pure: a simulated month of daily backups keeps exactly borg's set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent.backup.retention import Item, plan


def _daily(first: datetime, days: int) -> list[str]:
    return [(first + timedelta(days=i)).strftime("%Y%m%dT%H%M%SZ") for i in range(days)]


def test_a_month_of_daily_backups_keeps_the_borg_set():
    ids = _daily(datetime(2026, 10, 1, 2, 30, tzinfo=UTC), 61)  # 1 Oct .. 30 Nov 2026
    decision = plan([Item(i, True) for i in ids], 7, 4, 6, datetime(2026, 11, 30, 3, tzinfo=UTC))
    kept = {i[:8]: why for i, why in decision.items() if why != "prune"}
    # daily: 24..30 Nov. weekly (ISO weeks start on Monday; 30 Nov 2026 is one): week 49 and
    # week 48 (23..29 Nov) are used up by daily keeps without counting, so 22, 15, 8 and 1 Nov.
    # monthly: November is used up by 30 Nov, so October's newest, 31 Oct; no older month exists.
    assert kept == {
        **{f"202611{d:02d}": "daily" for d in range(24, 31)},
        "20261122": "weekly",
        "20261115": "weekly",
        "20261108": "weekly",
        "20261101": "weekly",
        "20261031": "monthly",
    }


def test_newest_good_is_kept_and_older_partials_go():
    ids = _daily(datetime(2026, 11, 1, 2, 30, tzinfo=UTC), 5)
    items = [Item(ids[0], True), Item(ids[1], False), Item(ids[2], True), Item(ids[3], False)]
    items.append(Item(ids[4], False))
    decision = plan(items, 1, 0, 0, datetime(2026, 11, 6, tzinfo=UTC))
    assert decision[ids[2]] == "daily"  # the newest good one
    assert decision[ids[0]] == "prune"
    assert decision[ids[1]] == "prune"  # partial, older than the newest good
    assert decision[ids[3]] != "prune" and decision[ids[4]] != "prune"  # newer partials stay


def test_old_safety_dumps_expire_after_keep_daily_days():
    now = datetime(2026, 11, 30, tzinfo=UTC)
    old, young = "20261101T101010Z", "20261129T101010Z"
    decision = plan([Item(old, True, "safety"), Item(young, True, "safety")], 7, 0, 0, now)
    assert decision == {old: "prune", young: "safety dump"}

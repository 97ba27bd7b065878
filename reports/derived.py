"""The derived figures of the analytics spec, from summed parts only (pure functions)."""

from __future__ import annotations

from typing import Any


def ratio(part: Any, whole: Any) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    whole = int(whole or 0)
    return None if whole == 0 else int(part or 0) / whole


def queue_figures(row: dict[str, Any]) -> dict[str, Any]:
    """Service level (of offered and of answered), ASA, average talk, abandon rate, longest wait."""
    return {
        "sl_offered": ratio(row.get("answered_in_sla"), row.get("offered")),
        "sl_answered": ratio(row.get("answered_in_sla"), row.get("answered")),
        "asa": ratio(row.get("wait_answered_total"), row.get("answered")),
        "avg_talk": ratio(row.get("talk_total"), row.get("answered")),
        "abandon_rate": ratio(row.get("abandoned"), row.get("offered")),
        "longest_wait": int(row.get("wait_answered_max") or 0),
    }


def call_figures(row: dict[str, Any]) -> dict[str, Any]:
    """Answered share and average (answered) call length of call_stats sums."""
    return {
        "answered_share": ratio(row.get("answered"), row.get("calls")),
        "avg_call": ratio(row.get("billsec_total"), row.get("answered")),
    }

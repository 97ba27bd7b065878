"""`inuse` samples from the calls' trunk spans: one each time a trunk's count changes (pure)."""

from __future__ import annotations

from collections import defaultdict


def samples(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """(ts, trunk id, calls) rows from (start, end, trunk id) spans, in (ts, trunk) order.

    Changes at the same second are netted, so the count never dips below zero and a call that
    starts and ends within one second leaves no sample.
    """
    deltas: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for start, end, trunk in spans:
        if end > start:
            per = deltas[trunk]
            per[start] += 1
            per[end] -= 1
    out: list[tuple[int, int, int]] = []
    for trunk, per in deltas.items():
        count = 0
        for ts in sorted(per):
            change = per[ts]
            if change:
                count += change
                out.append((ts, trunk, count))
    out.sort()
    return out

"""Sets of hours as SQL: contiguous runs become `col >= a AND col < b` ranges."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pipeline.rules import HOUR


def runs(hours: Iterable[datetime]) -> list[tuple[datetime, datetime]]:
    """Contiguous runs [start, end) of a set of hour starts, in order."""
    result: list[tuple[datetime, datetime]] = []
    for hour in sorted(set(hours)):
        if result and result[-1][1] == hour:
            result[-1] = (result[-1][0], hour + HOUR)
        else:
            result.append((hour, hour + HOUR))
    return result


def range_sql(column: str, hours: Iterable[datetime], prefix: str = "r") -> tuple[str, dict]:
    """An SQL condition true for `column` values inside the hours, and its parameters."""
    parts, params = [], {}
    for i, (start, end) in enumerate(runs(hours)):
        parts.append(f"({column} >= :{prefix}a{i} AND {column} < :{prefix}b{i})")
        params[f"{prefix}a{i}"] = start
        params[f"{prefix}b{i}"] = end
    return ("(" + " OR ".join(parts) + ")") if parts else "FALSE", params


def hour_text(column: str) -> str:
    """SQL expression: the start of the hour of a DATETIME column."""
    return f"TIMESTAMP(DATE({column}), MAKETIME(HOUR({column}), 0, 0))"

"""Local wall-clock time as plain integers, and the office's arrival pattern.

The generator works in "local seconds": seconds since 1970-01-01 00:00 of the tenant's naive
wall-clock time (what Asterisk writes to DATETIME columns). Integers keep the hot loop fast;
formatting and the conversion to a real Unix epoch (queue log 1.6, uniqueids) happen here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

EPOCH_DAY = date(1970, 1, 1)
DAY = 86400

# Relative call volume per hour of a working day: busy mornings, a lunch dip at 13, a quiet night.
WEEKDAY_HOURS = (
    0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.3, 1.2, 4.0, 9.0, 11.0, 11.0,
    9.5, 5.0, 9.0, 10.0, 9.5, 8.0, 4.5, 2.2, 1.4, 0.9, 0.6, 0.35,
)  # fmt: skip
# Weekends: a few calls, spread over the day.
WEEKEND_HOURS = (
    0.1, 0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.3, 0.8, 1.5, 2.0, 2.2,
    2.2, 2.0, 2.0, 2.0, 1.8, 1.5, 1.2, 1.0, 0.8, 0.6, 0.4, 0.2,
)  # fmt: skip
# Monday .. Sunday; normalised so that `calls_per_day` is the mean over a week.
_WEEK = (1.12, 1.05, 1.02, 1.0, 0.92, 0.16, 0.08)
WEEK_FACTORS = tuple(f * 7 / sum(_WEEK) for f in _WEEK)


def day_seconds(day: date) -> int:
    """Local seconds at the midnight that starts `day`."""
    return (day - EPOCH_DAY).days * DAY


def cum(weights: tuple[float, ...]) -> list[float]:
    """Cumulative weights for `random.choices(cum_weights=...)`."""
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


@cache
def _tod() -> tuple[str, ...]:
    return tuple(f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY))


@cache
def _day_text(day_index: int) -> str:
    return (EPOCH_DAY + timedelta(days=day_index)).isoformat()


def fmt(ts: int) -> str:
    """`YYYY-MM-DD HH:MM:SS` of local seconds."""
    return _day_text(ts // DAY) + _tod()[ts % DAY]


def fmt_us(us: int) -> str:
    """`YYYY-MM-DD HH:MM:SS.ffffff` of local microseconds."""
    return f"{fmt(us // 1_000_000)}.{us % 1_000_000:06d}"


def to_datetime(ts: int) -> datetime:
    """Naive local datetime of local seconds."""
    return datetime(1970, 1, 1) + timedelta(seconds=ts)


class EpochConverter:
    """Local seconds -> Unix epoch in a time zone (offset cached per local hour)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._offsets: dict[int, int] = {}
        self._valid: dict[int, bool] = {}

    def __call__(self, ts: int) -> int:
        hour = ts // 3600
        offset = self._offsets.get(hour)
        if offset is None:
            local = to_datetime(hour * 3600).replace(tzinfo=self.tz)
            delta = local.utcoffset()
            offset = int(delta.total_seconds()) if delta is not None else 0
            self._offsets[hour] = offset
        return ts - offset

    def exists(self, ts: int) -> bool:
        """Whether the local time's hour exists (not skipped by a daylight-saving jump)."""
        hour = ts // 3600
        valid = self._valid.get(hour)
        if valid is None:
            utc = to_datetime(self(hour * 3600)).replace(tzinfo=UTC)
            valid = utc.astimezone(self.tz).replace(tzinfo=None) == to_datetime(hour * 3600)
            self._valid[hour] = valid
        return valid

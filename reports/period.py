"""The period picker: presets and custom ranges in the tenant's local time, and the grouping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PRESETS = ("today", "yesterday", "last7", "last30", "this_month", "last_month", "custom")
GROUPINGS = ("hour", "day", "week", "month")
MAX_DAYS = 400


@dataclass(frozen=True)
class Period:
    """Half-open range [start, end) of local wall-clock time, and how rows are grouped."""

    preset: str
    start: datetime
    end: datetime
    grouping: str

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(seconds=1)).date()

    def query(self) -> dict[str, str]:
        """The URL parameters that select this period again (for links and exports)."""
        params = {"preset": self.preset, "group": self.grouping}
        if self.preset == "custom":
            params["from"] = self.first_day.isoformat()
            params["to"] = self.last_day.isoformat()
        return params


def _month_start(day: date) -> date:
    return day.replace(day=1)


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """First and last day (inclusive) of a preset, seen from `today`."""
    if preset == "today":
        return today, today
    if preset == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    if preset == "last7":
        return today - timedelta(days=6), today
    if preset == "this_month":
        return _month_start(today), today
    if preset == "last_month":
        last = _month_start(today) - timedelta(days=1)
        return _month_start(last), last
    return today - timedelta(days=29), today  # last30, the default


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_period(
    args: Mapping[str, str], today: date, default_preset: str = "last7", default_group: str = "day"
) -> Period:
    """The period asked for by request arguments; anything invalid falls back to the default."""
    preset = args.get("preset") or default_preset
    if preset not in PRESETS:
        preset = default_preset
    grouping = args.get("group") or default_group
    if grouping not in GROUPINGS:
        grouping = default_group
    first = last = None
    if preset == "custom":
        first, last = _parse_day(args.get("from")), _parse_day(args.get("to"))
        if first is None or last is None:
            preset = default_preset
        elif last < first:
            first, last = last, first
    if first is None or last is None:
        first, last = preset_range(preset, today)
    if (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
    start = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    return Period(preset, start, end, grouping)


def bucket_of(moment: datetime, grouping: str) -> datetime:
    """The start of the group (hour, day, ISO week from Monday, month) holding a moment."""
    if grouping == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = datetime.combine(moment.date(), datetime.min.time())
    if grouping == "week":
        return day - timedelta(days=day.weekday())
    if grouping == "month":
        return day.replace(day=1)
    return day

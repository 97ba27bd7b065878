"""CDR search over `ast_cdr_adaptive`: filters, keyset pagination and a total."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, func, not_, or_, select

from qfon.schema import cdr, sip_trunks
from reports.db import TenantDB
from reports.period import Period

DISPOSITIONS = {
    "ANSWERED": ("ANSWERED", "8"),
    "NO ANSWER": ("NO ANSWER", "0", "1"),
    "BUSY": ("BUSY", "4"),
    "FAILED": ("FAILED", "CONGESTION", "2"),
}
DIRECTIONS = ("in", "out", "internal")
COLUMNS = (
    "id",
    "calldate",
    "src",
    "dst",
    "clid",
    "channel",
    "dstchannel",
    "disposition",
    "duration",
    "billsec",
    "recordingfile",
)


def like_escape(value: str) -> str:
    """A value taken literally inside LIKE (backslash is the escape character)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Filters:
    period: Period
    number: str = ""
    direction: str = ""
    disposition: str = ""
    min_duration: int = 0

    @classmethod
    def from_args(cls, period: Period, args: Any) -> Filters:
        number = (args.get("number") or "").strip()[:40]
        direction = args.get("direction") if args.get("direction") in DIRECTIONS else ""
        disposition = args.get("disposition") if args.get("disposition") in DISPOSITIONS else ""
        try:
            min_duration = max(0, min(int(args.get("min_duration") or 0), 10**7))
        except ValueError:
            min_duration = 0
        return cls(period, number, direction, disposition, min_duration)

    def query(self) -> dict[str, str]:
        params = self.period.query()
        for key in ("number", "direction", "disposition"):
            if getattr(self, key):
                params[key] = getattr(self, key)
        if self.min_duration:
            params["min_duration"] = str(self.min_duration)
        return params


def _trunk_match(column: Any, names: list[str]) -> Any:
    if not names:
        return false()
    return or_(*[column.like(f"SIP/{like_escape(n)}-%", escape="\\") for n in names])


def conditions(db: TenantDB, filters: Filters) -> list[Any]:
    """The WHERE clauses of the filters (the period always applies)."""
    c = cdr.c
    where = [c.calldate >= filters.period.start, c.calldate < filters.period.end]
    if filters.number:
        pattern = f"%{like_escape(filters.number)}%"
        where.append(or_(*[col.like(pattern, escape="\\") for col in (c.src, c.dst, c.clid)]))
    if filters.direction:
        names = [str(n) for n in db.execute(select(sip_trunks.c.name)).scalars() if n]
        inbound, outbound = _trunk_match(c.channel, names), _trunk_match(c.dstchannel, names)
        where.append(
            inbound
            if filters.direction == "in"
            else and_(not_(inbound), outbound)
            if filters.direction == "out"
            else and_(not_(inbound), not_(outbound))
        )
    if filters.disposition:
        where.append(c.disposition.in_(DISPOSITIONS[filters.disposition]))
    if filters.min_duration:
        where.append(c.duration >= filters.min_duration)
    return where


def parse_cursor(text: str | None) -> tuple[datetime, int] | None:
    """`<calldate ISO>~<id>` of the last row of the previous page."""
    try:
        when, _, ident = (text or "").rpartition("~")
        return (datetime.fromisoformat(when), int(ident)) if when else None
    except ValueError:
        return None


def make_cursor(row: dict[str, Any]) -> str:
    return f"{row['calldate'].isoformat()}~{row['id']}"


def search(
    db: TenantDB, filters: Filters, after: tuple[datetime, int] | None, limit: int
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of matching CDRs (newest first), the total, and the cursor of the next page."""
    c = cdr.c
    where = conditions(db, filters)
    total = int(db.execute(select(func.count()).select_from(cdr).where(*where)).scalar_one())
    page_where = list(where)
    if after is not None:
        page_where.append(or_(c.calldate < after[0], and_(c.calldate == after[0], c.id < after[1])))
    stmt = (
        select(*[c[name] for name in COLUMNS])
        .where(*page_where)
        .order_by(c.calldate.desc(), c.id.desc())
        .limit(limit + 1)
    )
    rows = [dict(r) for r in db.execute(stmt).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, total, make_cursor(rows[-1]) if more and rows else None

"""A tenant's pass: new rows by watermark -> touched hours -> recompute -> replace, atomically.

Also the range rebuild used by `rebuild` and the nightly reconciliation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, text

from pipeline import cdr, inuse, queue_log, state, store, worktables
from pipeline.lock import tenant_lock
from pipeline.platform import Platform, load_platform
from pipeline.queue_log import Layout
from pipeline.rules import QueueEvent, hour_of
from qfon.tenants import quoted

log = logging.getLogger(__name__)
MAX_LOGGED_IDS = 20


@dataclass
class PassResult:
    """What a pass did, for the JSON line and the exit status."""

    tenant: str
    status: str = "ok"  # ok | skipped | busy | failed
    rows_read: dict[str, int] = field(default_factory=dict)
    malformed: dict[str, int] = field(default_factory=dict)
    hours: int = 0
    seconds: float = 0.0
    error: str | None = None


@contextmanager
def tenant_session(engine: Engine, domain: str, lock_wait: int) -> Iterator[Connection]:
    """A connection using the tenant's database, under its named lock, with no open snapshot."""
    with engine.connect() as conn:
        conn.exec_driver_sql(f"USE {quoted(domain)}")
        conn.info.pop("qp_wide", None)  # per tenant: its key columns decide the work tables
        conn.info.pop("qp_index", None)  # and its key indexes the lookups
        with tenant_lock(conn, domain, lock_wait):
            conn.commit()  # the next statement opens a snapshot taken under the lock
            try:
                yield conn
            finally:
                conn.rollback()
                worktables.drop_if_used(conn)


def first_look(conn: Connection) -> tuple[bool, dict[str, int], dict[str, int]]:
    """In one query: whether analytics are enabled (option analytics_enabled, name
    case-insensitive, not 0), the stored watermarks and the greatest id of each source."""
    row = conn.execute(
        text(
            "SELECT (SELECT COUNT(*) FROM options WHERE LOWER(name) = 'analytics_enabled' "
            "AND TRIM(value) = '0'), "
            "(SELECT GROUP_CONCAT(CONCAT(source, '=', watermark)) FROM qfon_pipeline_state), "
            "(SELECT COALESCE(MAX(id), 0) FROM ast_cdr_adaptive), "
            "(SELECT COALESCE(MAX(id), 0) FROM ast_queue_log), "
            "(SELECT COALESCE(MAX(id), 0) FROM inuse)"
        )
    ).one()
    marks = dict.fromkeys(state.SOURCES, 0)
    for item in (row[1] or "").split(","):
        source, _, mark = item.rpartition("=")
        if source in marks:
            marks[source] = int(mark)
    high = dict(zip(state.SOURCES, (int(v) for v in row[2:]), strict=True))
    return int(row[0]) == 0, marks, high


def source_maxima(conn: Connection) -> dict[str, int]:
    """The greatest id of each source table (the upper end of this pass's new rows)."""
    row = conn.execute(
        text(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM ast_cdr_adaptive), "
            "(SELECT COALESCE(MAX(id), 0) FROM ast_queue_log), "
            "(SELECT COALESCE(MAX(id), 0) FROM inuse)"
        )
    ).one()
    return dict(zip(state.SOURCES, (int(v) for v in row), strict=True))


def recompute(
    conn: Connection,
    hours: set[datetime],
    platform: Platform,
    layout: Layout,
    zone: ZoneInfo,
    full_cdr: bool = False,
    full_queue: bool = False,
    full_inuse: bool = False,
    queue_events: list[QueueEvent] | None = None,
) -> int:
    """Recompute the hours from every source row and replace them (caller commits).

    `queue_events`: with `full_queue`, every queue event of the log, already read."""
    if not hours:
        return 0
    now = datetime.now(zone).replace(tzinfo=None)
    store.delete_hours(conn, hours)
    calls = cdr.cdr_figures(conn, hours, platform, now, full_cdr)
    queues, queue_users = queue_log.queue_figures_for(
        conn, hours, platform, layout, zone, full_queue, queue_events
    )
    store.add_queue_users(conn, queue_users, now)
    peaks = (inuse.peaks_all if full_inuse else inuse.peaks)(conn, hours, platform)
    rows = store.call_rows(hours, calls, peaks, inuse.latest_hour(conn))
    return store.insert_rows(conn, rows, queues, now)


def _log_malformed(domain: str, source: str, ids: list[int]) -> None:
    for rid in ids[:MAX_LOGGED_IDS]:
        log.warning("%s: malformed row in %s: id %d (skipped or read as 0)", domain, source, rid)
    if len(ids) > MAX_LOGGED_IDS:
        log.warning("%s: %d more malformed rows in %s", domain, len(ids) - MAX_LOGGED_IDS, source)


def incremental(conn: Connection, domain: str, zone: ZoneInfo, result: PassResult) -> None:
    """The body of a pass, on a locked tenant connection."""
    enabled, marks, high = first_look(conn)
    if not enabled:
        result.status = "skipped"
        return
    for source in state.SOURCES:
        if high[source] < marks[source]:  # the table was emptied or restored: read it all again
            log.warning(
                "%s: %s ids went back (%d < watermark %d); reading it again from the start "
                "(run `qfon pipeline rebuild --tenant %s` to drop figures of vanished rows)",
                domain, source, high[source], marks[source], domain,
            )  # fmt: skip
            marks[source] = 0
    if all(high[s] <= marks[s] for s in state.SOURCES):
        state.touch_success(conn)
        conn.commit()
        return
    platform = load_platform(conn)
    layout = queue_log.detect_layout(conn)
    c_src, q_src, i_src = state.SOURCES
    hours: set[datetime] = set()
    read, bad = {}, {}
    read[c_src], bad[c_src] = cdr.new_rows(conn, marks[c_src], high[c_src])
    if read[c_src]:
        full_cdr = marks[c_src] == 0
        hours |= (
            cdr.all_hours(conn) if full_cdr else cdr.touched_hours(conn, marks[c_src], high[c_src])
        )
    else:
        full_cdr = False
    kept = queue_log.Kept() if marks[q_src] == 0 else None
    read[q_src], bad[q_src], callids = queue_log.new_rows(
        conn, marks[q_src], high[q_src], layout, zone, kept
    )
    full_queue = marks[q_src] == 0 and read[q_src] > 0
    events = kept.events if full_queue and kept is not None and kept.exact else None
    if events is not None:
        hours |= {hour_of(e.time) for e in events if e.event == "ENTERQUEUE"}
    elif full_queue:
        hours |= queue_log.all_hours(conn, layout, zone)
    else:
        hours |= queue_log.touched_hours(conn, callids, layout, zone)
    read[i_src], bad[i_src], earliest = inuse.new_rows(conn, marks[i_src], high[i_src])
    full_inuse = marks[i_src] == 0 and read[i_src] > 0
    # From the earliest new sample to the latest sample or stored hour (a first read too: a
    # sample holds its value over the hours of calls stored after it).
    hours |= inuse.touched_hours(conn, marks[i_src], earliest)
    for source, ids in bad.items():
        _log_malformed(domain, source, ids)
    recompute(conn, hours, platform, layout, zone, full_cdr, full_queue, full_inuse, events)
    malformed = {s: len(ids) for s, ids in bad.items()}
    state.write_success(conn, high, read, malformed, len(hours))
    conn.commit()
    result.rows_read, result.malformed, result.hours = read, malformed, len(hours)


def day_hours(day: date) -> set[datetime]:
    """The 24 hour starts of a local day (wall-clock)."""
    start = datetime(day.year, day.month, day.day)
    return {start + timedelta(hours=h) for h in range(24)}


def source_days(conn: Connection, layout: Layout, zone: ZoneInfo) -> tuple[date, date] | None:
    """First and last day holding any source row (what a full rebuild covers)."""
    hours = cdr.all_hours(conn) | queue_log.all_hours(conn, layout, zone) | inuse.all_hours(conn)
    latest = conn.execute(
        text(
            "SELECT GREATEST(COALESCE((SELECT MAX(period_start) FROM call_stats), '1000-01-01'), "
            "COALESCE((SELECT MAX(period_start) FROM user_stats), '1000-01-01'), "
            "COALESCE((SELECT MAX(period_start) FROM queue_calls_stats), '1000-01-01'))"
        )
    ).scalar()
    if not hours:
        return None
    last = max(hours)
    if isinstance(latest, datetime) and latest > last:
        last = latest
    return min(hours).date(), last.date()


def rebuild_days(
    conn: Connection,
    domain: str,
    zone: ZoneInfo,
    first: date | None,
    last: date | None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute whole days, one transaction each; without bounds, everything from scratch.

    A full rebuild first empties the tables and the watermarks (committed), so that a rebuild
    killed half-way leaves a state the next pass completes; at the end it sets the watermarks.
    """
    layout = queue_log.detect_layout(conn)
    full = first is None and last is None
    if full:
        for table in ("call_stats", "user_stats", "queue_calls_stats"):
            conn.execute(text(f"DELETE FROM {table}"))
        state.reset(conn)
        conn.commit()
    high = source_maxima(conn)
    bounds = source_days(conn, layout, zone)
    if bounds is None and (first is None or last is None):
        conn.rollback()
        return 0
    lo = first or bounds[0]  # type: ignore[index]
    hi = last or bounds[1]  # type: ignore[index]
    days = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
    platform = load_platform(conn)
    hours_done = 0
    for i, day in enumerate(days, 1):
        recompute(conn, day_hours(day), platform, layout, zone)
        conn.commit()
        hours_done += 24
        if progress is not None:
            progress(i, len(days))
    if full:
        state.write_success(conn, high, {}, {}, hours_done)
        conn.commit()
    return hours_done

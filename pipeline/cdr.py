"""Calls from `ast_cdr_adaptive`, aggregated inside MariaDB (only hourly figures travel).

Rows are classified (trunk / user channels, disposition), grouped into calls by key and calls
into hours, in work tables of the pass's connection (`pipeline.worktables`; a temporary table
may appear once per statement, hence the separate INSERTs). Lookups by call key drive from
the small key table (`STRAIGHT_JOIN`, the key index forced): with a fresh MEMORY table or stale
statistics the optimizer would otherwise scan every CDR of the tenant.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, text

from pipeline.hours import hour_text, range_sql
from pipeline.platform import Platform
from pipeline.worktables import create as _create
from pipeline.worktables import drop_all as drop_temp
from pipeline.worktables import force_index
from pipeline.worktables import name_table as _name_table
from qfon.schema.analytics import USER_CDR_FIGURES

log = logging.getLogger(__name__)

VALID = "c.calldate >= '1000-01-01'"  # zero and NULL dates are malformed
KEY = "IF(c.linkedid IS NULL OR c.linkedid = '', c.uniqueid, c.linkedid)"
DISP = (
    "CASE UPPER(TRIM(c.disposition)) WHEN 'ANSWERED' THEN 'A' WHEN '8' THEN 'A' "
    "WHEN 'BUSY' THEN 'B' WHEN '4' THEN 'B' WHEN 'FAILED' THEN 'F' WHEN 'CONGESTION' THEN 'F' "
    "WHEN '2' THEN 'F' ELSE 'N' END"
)
ROWS_DDL = (
    "CREATE TEMPORARY TABLE qp_rows (k VARCHAR(64) NOT NULL, id BIGINT NOT NULL, "
    "calldate DATETIME NOT NULL, ch_trunk TINYINT NOT NULL, ch_num INT NULL, "
    "dst_trunk TINYINT NOT NULL, dst_num INT NULL, ch_user INT NULL, dst_user INT NULL, "
    "disp CHAR(1) NOT NULL, billsec BIGINT NOT NULL, end_ts DATETIME NOT NULL) "
    "ENGINE=MEMORY CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
)


def _candidate(column: str, n: int) -> str:
    rest = f"SUBSTRING({column}, 5)"
    cand = f"SUBSTRING_INDEX({rest}, '-', {n})"
    return (
        f"IF(LEFT({column}, 4) = BINARY 'SIP/' AND CHAR_LENGTH({cand}) < CHAR_LENGTH({rest}), "
        f"CAST({cand} AS BINARY), NULL)"
    )


def _dashes(names: Iterable[str]) -> int:
    return max((n.count("-") for n in names), default=0)


def _peer(column: str) -> str:
    """`column` up to and with its last '-', as bytes: the part every candidate name comes from
    (a candidate is shorter than the text after 'SIP/', so never holds the last piece)."""
    return (
        f"CAST(LEFT({column}, CHAR_LENGTH({column}) - "
        f"CHAR_LENGTH(SUBSTRING_INDEX({column}, '-', -1))) AS BINARY)"
    )


def _classify(conn: Connection, platform: Platform, side: str, column: str) -> tuple[str, ...]:
    """LEFT JOINs of the name tables on `column`; the columns (trunk?, number) and the user."""
    joins = []
    trunks = [f"t{side}{n}" for n in range(1, _dashes(platform.trunk_names) + 2)]
    users = [f"u{side}{n}" for n in range(1, _dashes(platform.logins) + 2)]
    for n, alias in enumerate(trunks, 1):
        table = _name_table(conn, "trunks", platform.trunk_names)
        joins.append(f"LEFT JOIN {table} {alias} ON {alias}.bname = {_candidate(column, n)}")
    for n, alias in enumerate(users, 1):
        table = _name_table(conn, "logins", platform.logins)
        joins.append(f"LEFT JOIN {table} {alias} ON {alias}.bname = {_candidate(column, n)}")
    is_trunk = " OR ".join(f"{a}.bname IS NOT NULL" for a in trunks)
    longest_t = ", ".join(f"{a}.v" for a in reversed(trunks))
    longest_u = ", ".join(f"{a}.v" for a in reversed(users))
    return (
        " ".join(joins),
        f"({is_trunk}), COALESCE({longest_t}, NULL)",
        f"IF({is_trunk}, NULL, COALESCE({longest_u}, NULL))",
    )


def _peer_select(conn: Connection, platform: Platform) -> str:
    """SELECT of classified rows from `c`, channels classified once per distinct peer: two
    work tables (one per column) map the peer part of a channel to trunk?, number, user."""
    for side, column in (("ch", "channel"), ("dst", "dstchannel")):
        _create(
            conn,
            f"CREATE TEMPORARY TABLE qp_p{side} (p VARBINARY(1020) NOT NULL PRIMARY KEY, "
            "t TINYINT NOT NULL, num INT NULL, u INT NULL) ENGINE=MEMORY",
        )
        joins, trunk, user = _classify(conn, platform, side, "x.p")
        conn.execute(
            text(
                f"INSERT INTO qp_p{side} SELECT x.p, {trunk}, {user} FROM (SELECT DISTINCT "
                f"{_peer('c.' + column)} AS p FROM ast_cdr_adaptive c WHERE {VALID}) x {joins}"
            )
        )
    return (
        f"SELECT {KEY}, c.id, c.calldate, COALESCE(pc.t, 0), pc.num, COALESCE(pd.t, 0), pd.num, "
        f"pc.u, pd.u, {DISP}, IF(({DISP}) = 'A', GREATEST(COALESCE(c.billsec, 0), 0), 0), "
        "c.calldate + INTERVAL GREATEST(COALESCE(c.duration, 0), 0) SECOND "
        f"FROM ast_cdr_adaptive c LEFT JOIN qp_pch pc ON pc.p = {_peer('c.channel')} "
        f"LEFT JOIN qp_pdst pd ON pd.p = {_peer('c.dstchannel')}"
    )


def _row_select(conn: Connection, platform: Platform) -> str:
    """SELECT of classified rows (key, trunk numbers, users, disposition) from `c` + joins."""
    ch_joins, ch_trunk, ch_user = _classify(conn, platform, "ch", "c.channel")
    dst_joins, dst_trunk, dst_user = _classify(conn, platform, "dst", "c.dstchannel")
    joins = [ch_joins, dst_joins]
    return (
        f"SELECT {KEY}, c.id, c.calldate, {ch_trunk}, {dst_trunk}, {ch_user}, {dst_user}, "
        f"{DISP}, IF(({DISP}) = 'A', GREATEST(COALESCE(c.billsec, 0), 0), 0), "
        "c.calldate + INTERVAL GREATEST(COALESCE(c.duration, 0), 0) SECOND "
        "FROM {source} " + " ".join(joins)
    )


ROW_COLUMNS = (
    "(k, id, calldate, ch_trunk, ch_num, dst_trunk, dst_num, ch_user, dst_user, disp, "
    "billsec, end_ts)"
)


def new_rows(conn: Connection, low: int, high: int) -> tuple[int, list[int]]:
    """Count of rows in (low, high] and the ids of the malformed ones among them."""
    if high <= low:
        return 0, []
    where = "c.id > :lo AND c.id <= :hi"
    bad_sql = "c.calldate IS NULL OR c.calldate < '1000-01-01'"
    count, n_bad = conn.execute(
        text(f"SELECT COUNT(*), COALESCE(SUM({bad_sql}), 0) FROM ast_cdr_adaptive c WHERE {where}"),
        {"lo": low, "hi": high},
    ).one()
    if not n_bad:
        return int(count), []
    bad = conn.execute(
        text(
            f"SELECT c.id FROM ast_cdr_adaptive c WHERE {where} "
            "AND (c.calldate IS NULL OR c.calldate < '1000-01-01') ORDER BY c.id"
        ),
        {"lo": low, "hi": high},
    ).scalars()
    return int(count), list(bad)


def all_hours(conn: Connection) -> set[datetime]:
    """Every hour holding a valid CDR (for a first pass)."""
    sql = f"SELECT DISTINCT {hour_text('c.calldate')} FROM ast_cdr_adaptive c WHERE {VALID}"
    return set(conn.execute(text(sql)).scalars())


def touched_hours(conn: Connection, low: int, high: int) -> set[datetime]:
    """Hours of every row of the calls that rows in (low, high] belong to.

    A superset of the old and new start hours of those calls: a late leg can move a call's start.
    """
    drop_temp(conn)
    _create(
        conn,
        "CREATE TEMPORARY TABLE qp_newkeys (k VARCHAR(64) NOT NULL PRIMARY KEY) "
        "ENGINE=MEMORY CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci "
        f"IGNORE SELECT {KEY} AS k FROM ast_cdr_adaptive c "
        f"WHERE c.id > :lo AND c.id <= :hi AND {VALID}",
        {"lo": low, "hi": high},
    )
    sql = " UNION ".join(  # one round trip (a statement may open a temporary table twice)
        f"SELECT {hour_text('c.calldate')} FROM qp_newkeys n STRAIGHT_JOIN "
        f"ast_cdr_adaptive c {force_index(conn, column)} ON {join} WHERE {VALID}"
        for column, join in (
            ("linkedid", "c.linkedid = n.k"),
            ("uniqueid", "c.uniqueid = n.k AND (c.linkedid IS NULL OR c.linkedid = '')"),
        )
    )
    return set(conn.execute(text(sql)).scalars())


def _load_rows(conn: Connection, hours: set[datetime], platform: Platform, full: bool) -> None:
    insert = f"INSERT INTO qp_rows {ROW_COLUMNS} "
    _create(conn, ROWS_DDL)
    if full:
        conn.execute(text(insert + _peer_select(conn, platform) + f" WHERE {VALID}"))
        return
    select = _row_select(conn, platform)
    cond, params = range_sql("c.calldate", hours)
    _create(
        conn,
        "CREATE TEMPORARY TABLE qp_keys (k VARCHAR(64) NOT NULL PRIMARY KEY) "
        "ENGINE=MEMORY CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci "
        f"IGNORE SELECT {KEY} AS k FROM ast_cdr_adaptive c WHERE {cond} AND {VALID}",
        params,
    )
    parts = []
    for column, join in (
        ("linkedid", "c.linkedid = kk.k"),
        ("uniqueid", "c.uniqueid = kk.k AND (c.linkedid IS NULL OR c.linkedid = '')"),
    ):
        hint = force_index(conn, column)
        source = f"qp_keys kk STRAIGHT_JOIN ast_cdr_adaptive c {hint} ON {join}"
        parts.append(select.format(source=source) + f" WHERE {VALID}")
    conn.execute(text(insert + " UNION ALL ".join(parts)))


def _build_calls(conn: Connection, hours: set[datetime], full: bool) -> None:
    cond, params = ("TRUE", {}) if full else range_sql("g.start", hours)
    pack = "CONCAT(calldate, LPAD(id, 20, '0'), {})"
    _create(
        conn,
        "CREATE TEMPORARY TABLE qp_calls (k VARCHAR(64) NOT NULL PRIMARY KEY, "
        "start DATETIME NOT NULL, dir VARCHAR(8) NOT NULL, num INT NULL, "
        "answered TINYINT NOT NULL, outcome CHAR(1) NOT NULL, billsec BIGINT NOT NULL, "
        "duration BIGINT NOT NULL) ENGINE=MEMORY CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci "
        "SELECT g.k, g.start, g.dir, "
        "CAST(SUBSTRING(IF(g.dir = 'in', g.in_pack, g.out_pack), 40) AS SIGNED) AS num, "
        "g.answered, IF(g.answered, 'A', SUBSTRING(g.last_pack, 40)) AS outcome, g.billsec, "
        "TIMESTAMPDIFF(SECOND, g.start, g.end_ts) AS duration "
        "FROM (SELECT k, MIN(calldate) AS start, "
        "CASE WHEN MAX(ch_trunk) = 1 THEN 'in' WHEN MAX(dst_trunk) = 1 THEN 'out' "
        "ELSE 'internal' END AS dir, "
        f"MIN(IF(ch_trunk = 1, {pack.format('ch_num')}, NULL)) AS in_pack, "
        f"MIN(IF(dst_trunk = 1, {pack.format('dst_num')}, NULL)) AS out_pack, "
        f"MAX(disp = 'A') AS answered, MAX({pack.format('disp')}) AS last_pack, "
        "SUM(billsec) AS billsec, MAX(end_ts) AS end_ts FROM qp_rows GROUP BY k) g "
        f"WHERE {cond}",
        params,
    )


def call_figures(conn: Connection) -> dict[tuple, dict]:
    """call_stats figures (without max_concurrent) by (hour, number, direction)."""
    sql = (
        f"SELECT {hour_text('start')} AS h, num, dir, COUNT(*), SUM(answered), "
        "SUM(outcome = 'N'), SUM(outcome = 'B'), SUM(outcome = 'F'), SUM(billsec), "
        "SUM(duration) FROM qp_calls WHERE dir <> 'internal' GROUP BY h, num, dir"
    )
    names = ("calls", "answered", "no_answer", "busy", "failed", "billsec_total", "duration_total")
    return {
        (r[0], int(r[1]), r[2]): dict(zip(names, (int(v) for v in r[3:]), strict=True))
        for r in conn.execute(text(sql))
    }


def insert_user_figures(conn: Connection, now: datetime) -> None:
    """Insert the CDR figures of user_stats for the calls in `qp_calls` (rows with one not 0).

    Roles are aggregated per (call, user) on the way in (primary key + ON DUPLICATE KEY), so the
    final join has no grouped derived table (which MariaDB may re-evaluate per outer row).
    """
    _create(
        conn,
        "CREATE TEMPORARY TABLE qp_roles (k VARCHAR(64) NOT NULL, u INT NOT NULL, "
        "is_ch TINYINT NOT NULL, is_dst TINYINT NOT NULL, dst_ans TINYINT NOT NULL, "
        "talk BIGINT NOT NULL, PRIMARY KEY (k, u)) "
        "ENGINE=MEMORY CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci "
        "SELECT k, ch_user AS u, 1 AS is_ch, 0 AS is_dst, 0 AS dst_ans, SUM(billsec) AS talk "
        "FROM qp_rows WHERE ch_user IS NOT NULL GROUP BY k, ch_user",
    )
    conn.execute(
        text(
            "INSERT INTO qp_roles SELECT k, dst_user, 0, 1, MAX(disp = 'A'), "
            "SUM(IF(ch_user <=> dst_user, 0, billsec)) FROM qp_rows WHERE dst_user IS NOT NULL "
            "GROUP BY k, dst_user ON DUPLICATE KEY UPDATE is_dst = 1, "
            "dst_ans = VALUES(dst_ans), talk = talk + VALUES(talk)"
        )
    )
    figures = (
        "SUM(c.dir = 'out' AND r.is_ch)",
        "SUM(c.dir = 'out' AND r.is_ch AND c.answered)",
        "SUM(c.dir = 'in' AND r.is_dst)",
        "SUM(c.dir = 'in' AND r.dst_ans)",
        "SUM(c.dir = 'in' AND r.is_dst) - SUM(c.dir = 'in' AND r.dst_ans)",
        "SUM(c.dir = 'internal')",
        "SUM(r.talk)",
    )
    # Straight into user_stats (the hours were emptied first): these rows never travel.
    conn.execute(
        text(
            f"INSERT INTO user_stats (period_start, user_id, {', '.join(USER_CDR_FIGURES)}, "
            f"updated_at) SELECT {hour_text('c.start')} AS h, r.u, {', '.join(figures)}, :now "
            "FROM qp_roles r JOIN qp_calls c ON c.k = r.k GROUP BY h, r.u "
            "HAVING SUM(c.dir = 'out' AND r.is_ch) + SUM(c.dir = 'in' AND r.is_dst) "
            "+ SUM(c.dir = 'internal') + SUM(r.talk) > 0"
        ),
        {"now": now},
    )


def cdr_figures(
    conn: Connection, hours: set[datetime], platform: Platform, now: datetime, full: bool = False
) -> dict[tuple, dict]:
    """call_stats figures of the calls starting in `hours`, returned; their user_stats CDR
    figures are inserted directly (the caller emptied those hours first).

    `full` reads every row (a first pass) instead of finding the calls through their keys.
    """
    drop_temp(conn)
    _load_rows(conn, hours, platform, full)
    _build_calls(conn, hours, full)
    calls = call_figures(conn)
    insert_user_figures(conn, now)
    drop_temp(conn)
    return calls

"""Temporary work tables of a pass's connection: created in memory when call keys are short,
remembered on the connection so that a pooled connection never carries them to another tenant.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

TEMP = ("qp_newkeys", "qp_keys", "qp_rows", "qp_calls", "qp_roles", "qp_pch", "qp_pdst")


def drop_all(conn: Connection) -> None:
    """Remove the work tables (connections are pooled and keep them otherwise); no statement
    when none was made since the last drop (`qp_made` lives and dies with the connection)."""
    if not conn.info.get("qp_made"):
        return
    names = [*TEMP, *conn.info.get("qp_name_tables", ())]
    conn.execute(text(f"DROP TEMPORARY TABLE IF EXISTS {', '.join(names)}"))
    conn.info.pop("qp_name_tables", None)
    conn.info["qp_made"] = False


def drop_if_used(conn: Connection) -> None:
    """At the end of a tenant session: drop the temporary tables if any were made."""
    drop_all(conn)


def name_table(conn: Connection, alias: str, values: dict[str, int]) -> str:
    """A small temporary table name -> value, made once per pass and joined under many aliases
    (MariaDB >= 10.2.2 lets a statement open a temporary table more than once)."""
    table = f"qp_n_{alias}"
    made = conn.info.setdefault("qp_name_tables", set())
    if table in made:
        return table
    ddl = f"CREATE TEMPORARY TABLE {table} (bname VARBINARY(255) PRIMARY KEY, v INT NOT NULL)"
    made.add(table)
    conn.info["qp_made"] = True
    if not values:
        conn.execute(text(ddl))
        return table
    params: dict[str, object] = {}
    rows = []
    for i, (name, value) in enumerate(values.items()):
        rows.append(f"SELECT :b{i} AS bname, :v{i} AS v")
        params[f"b{i}"], params[f"v{i}"] = name.encode(), value
    conn.execute(text(f"{ddl} {' UNION ALL '.join(rows)}"), params)  # made and filled at once
    return table


def create(conn: Connection, ddl: str, params: dict[str, object] | None = None) -> None:
    """Create a work table: in memory when call keys fit 64 characters (the spec's 32), else
    InnoDB with room for any key (MEMORY stores VARCHAR at full width). The DDL may end in
    `[IGNORE] SELECT …` (columns matched by name) with `params`."""
    if "qp_wide" not in conn.info:
        widest, by_uniqueid, by_linkedid = conn.execute(
            text(
                "SELECT (SELECT MAX(character_maximum_length) FROM information_schema.columns "
                "WHERE table_schema = DATABASE() AND table_name = 'ast_cdr_adaptive' "
                "AND column_name IN ('uniqueid', 'linkedid')), "
                + ", ".join(
                    "(SELECT MIN(index_name) FROM information_schema.statistics "
                    "WHERE table_schema = DATABASE() AND table_name = 'ast_cdr_adaptive' "
                    f"AND seq_in_index = 1 AND column_name = '{column}')"
                    for column in ("uniqueid", "linkedid")
                )
            )
        ).one()
        conn.info["qp_index"] = {"uniqueid": by_uniqueid, "linkedid": by_linkedid}
        conn.info["qp_wide"] = widest is None or widest > 64
        if not conn.info["qp_wide"] and not conn.info.get("qp_heap"):
            conn.execute(text("SET SESSION max_heap_table_size = 1073741824"))
            conn.info["qp_heap"] = True  # once per connection (its info dies with it)
    if conn.info["qp_wide"]:
        ddl = ddl.replace("VARCHAR(64)", "VARCHAR(255)").replace("ENGINE=MEMORY ", "")
    conn.info["qp_made"] = True
    conn.execute(text(ddl), params or {})


def force_index(conn: Connection, column: str) -> str:
    """`FORCE INDEX (...)` on the CDR index led by `column` (read by `create`), or nothing: a
    lookup by call key must not become a scan when the table's statistics are stale."""
    name = conn.info.get("qp_index", {}).get(column)
    return "" if not name else "FORCE INDEX (`" + name.replace("`", "``") + "`)"

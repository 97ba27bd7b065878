"""Temporary work tables of a pass's connection: created in memory when call keys are short,
remembered on the connection so that a pooled connection never carries them to another tenant.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

TEMP = ("qp_newkeys", "qp_keys", "qp_rows", "qp_calls", "qp_roles")


def drop_all(conn: Connection) -> None:
    """Remove the work tables (connections are pooled and keep them otherwise)."""
    names = [*TEMP, *conn.info.pop("qp_name_tables", ())]
    conn.execute(text(f"DROP TEMPORARY TABLE IF EXISTS {', '.join(names)}"))
    conn.info["qp_dirty"] = True  # set until the session ends: tables may follow


def drop_if_used(conn: Connection) -> None:
    """At the end of a tenant session: drop the temporary tables if any were made."""
    if conn.info.pop("qp_dirty", False):
        drop_all(conn)
        conn.info.pop("qp_dirty", None)


def name_table(conn: Connection, alias: str, values: dict[str, int]) -> str:
    """A small temporary table name -> value; one per join (a temporary table may appear
    only once per statement)."""
    table = f"qp_n_{alias}"
    conn.execute(
        text(f"CREATE TEMPORARY TABLE {table} (bname VARBINARY(255) PRIMARY KEY, v INT NOT NULL)")
    )
    conn.info.setdefault("qp_name_tables", set()).add(table)
    if values:
        conn.execute(
            text(f"INSERT INTO {table} VALUES (:b, :v)"),
            [{"b": k.encode(), "v": v} for k, v in values.items()],
        )
    return table


def create(conn: Connection, ddl: str) -> None:
    """Create a work table: in memory when call keys fit 64 characters (the spec's 32), else
    InnoDB with room for any key (MEMORY stores VARCHAR at full width)."""
    if "qp_wide" not in conn.info:
        widest = conn.execute(
            text(
                "SELECT MAX(character_maximum_length) FROM information_schema.columns "
                "WHERE table_schema = DATABASE() AND table_name = 'ast_cdr_adaptive' "
                "AND column_name IN ('uniqueid', 'linkedid')"
            )
        ).scalar()
        conn.info["qp_wide"] = widest is None or widest > 64
        if not conn.info["qp_wide"]:
            conn.execute(text("SET SESSION max_heap_table_size = 1073741824"))
    if conn.info["qp_wide"]:
        ddl = ddl.replace("VARCHAR(64)", "VARCHAR(255)").replace("ENGINE=MEMORY ", "")
    conn.execute(text(ddl))

"""Small SQL helpers of verify and restore: scratch databases, row counts, carried-over rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, bindparam, text

from qfon.errors import QfonError

SCRATCH_RE = re.compile(r"^[A-Za-z0-9_$-]{1,64}$")
# Tables Asterisk appends to while a restore runs: their new rows are carried into the result.
CARRIED_TABLES = ("ast_cdr_adaptive", "ast_queue_log", "inuse")


def ident(name: str) -> str:
    """A database name (tenant or scratch) quoted as an identifier, after a strict check."""
    if not SCRATCH_RE.fullmatch(name):
        raise QfonError(f"{name!r} is not a usable database name")
    return f"`{name}`"


def scratch_name(domain: str, purpose: str) -> str:
    """A short-lived database name that tenant discovery skips (it holds `$`)."""
    stamp = datetime.now(UTC).strftime("%m%d%H%M%S%f")
    return f"qfon${purpose}${stamp}${domain}"[:64]


def database_exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(
            text("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = :n"),
            {"n": name},
        ).scalar_one()
    )


def charset_of(engine: Engine, name: str) -> tuple[str, str]:
    """A database's default character set and collation (kept when it is re-created)."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT default_character_set_name, default_collation_name "
                "FROM information_schema.schemata WHERE schema_name = :n"
            ),
            {"n": name},
        ).one()
    return str(row[0]), str(row[1])


def create_database(
    engine: Engine, name: str, charset: tuple[str, str] = ("utf8mb4", "utf8mb4_general_ci")
) -> None:
    if not all(re.fullmatch(r"[a-z0-9_]+", part) for part in charset):
        raise QfonError(f"unexpected character set {charset}")
    with engine.begin() as conn:
        conn.execute(
            text(f"CREATE DATABASE {ident(name)} CHARACTER SET {charset[0]} COLLATE {charset[1]}")
        )


def replace_database(engine: Engine, name: str) -> None:
    """Drop and re-create a database with its own character set (its content is reloaded next)."""
    charset = charset_of(engine, name)
    drop_database(engine, name)
    create_database(engine, name, charset)


def drop_database(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {ident(name)}"))


def row_counts(engine: Engine, name: str) -> dict[str, int]:
    """Exact row counts of every base table of a database."""
    with engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = :n AND table_type = 'BASE TABLE'"
            ),
            {"n": name},
        ).scalars()
        return {
            t: conn.execute(text(f"SELECT COUNT(*) FROM {ident(name)}.`{t}`")).scalar_one()
            for t in list(tables)
        }


def disable_events(engine: Engine, name: str) -> None:
    """Stop a scratch copy's events from changing it while it is checked."""
    with engine.begin() as conn:
        events = conn.execute(
            text("SELECT event_name FROM information_schema.events WHERE event_schema = :n"),
            {"n": name},
        ).scalars()
        for event in list(events):
            conn.execute(text(f"ALTER EVENT {ident(name)}.`{event}` DISABLE"))


def compare_counts(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """Differences between the manifest's row counts and a restored copy's."""
    problems = []
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if want != got:
            problems.append(f"{table}: manifest {want}, restored {got}")
    return problems


def max_ids(engine: Engine, name: str) -> dict[str, int]:
    """The highest `id` of each carried table present in a database (0 when empty)."""
    result = {}
    with engine.connect() as conn:
        present = set(
            conn.execute(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = :n"),
                {"n": name},
            ).scalars()
        )
        for table in CARRIED_TABLES:
            if table in present:
                value = conn.execute(text(f"SELECT MAX(id) FROM {ident(name)}.`{table}`"))
                result[table] = int(value.scalar_one() or 0)
    return result


def hold_new_rows(engine: Engine, live: str, holding: str, marks: dict[str, int]) -> int:
    """Copy rows written to the live tables after `marks` into a holding database."""
    copied = 0
    with engine.begin() as conn:
        conn.execute(text(f"CREATE DATABASE IF NOT EXISTS {ident(holding)}"))
        for table, mark in marks.items():
            conn.execute(
                text(
                    f"CREATE TABLE {ident(holding)}.`{table}` AS "
                    f"SELECT * FROM {ident(live)}.`{table}` WHERE id > :m"
                ),
                {"m": mark},
            )
            copied += conn.execute(
                text(f"SELECT COUNT(*) FROM {ident(holding)}.`{table}`")
            ).scalar_one()
    return copied


def carry_rows(engine: Engine, holding: str, live: str, tables: list[str]) -> int:
    """Insert held rows into the restored database: same id when free, a new id otherwise."""
    moved = 0
    with engine.begin() as conn:
        for table in tables:
            columns = [
                c
                for c in conn.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = :s "
                        "AND table_name = :t ORDER BY ordinal_position"
                    ),
                    {"s": holding, "t": table},
                ).scalars()
            ]
            cols = ", ".join(f"`{c}`" for c in columns)
            rest = ", ".join(f"h.`{c}`" for c in columns if c != "id")
            dst, src = f"{ident(live)}.`{table}`", f"{ident(holding)}.`{table}`"
            free = f"NOT EXISTS (SELECT 1 FROM {dst} x WHERE x.id = h.id)"
            taken = conn.execute(text(f"SELECT h.id FROM {src} h WHERE NOT {free}")).scalars().all()
            moved += conn.execute(
                text(
                    f"INSERT INTO {dst} ({cols}) SELECT h.* FROM {src} h WHERE {free} ORDER BY h.id"
                )
            ).rowcount
            if taken:
                names = ", ".join(f"`{c}`" for c in columns if c != "id")
                moved += conn.execute(
                    text(
                        f"INSERT INTO {dst} ({names}) SELECT {rest} FROM {src} h "
                        f"WHERE h.id IN :ids ORDER BY h.id"
                    ).bindparams(bindparam("ids", expanding=True)),
                    {"ids": list(taken)},
                ).rowcount
    return moved

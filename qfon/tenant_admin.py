"""Create, upgrade, count and drop tenant databases (what the platform's install script does)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, MetaData, Table, insert, inspect, text

from qfon.errors import QfonError, TenantNotFound
from qfon.schema import ANALYTICS_TABLES, PLATFORM_TABLES, SOURCE_TABLES, options
from qfon.schema.source import QueueLogLayout, queue_log_for_layout
from qfon.tenants import quoted, validate_domain

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {
    "language": "ru",
    "record_enabled": "0",
    "allow_rec_download": "0",
    "analytics_enabled": "1",
    "disa_enabled": "0",
}


def schema_exists(conn: Connection, domain: str) -> bool:
    """Whether a database of that name exists on the server."""
    return (
        conn.execute(
            text("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = :d"),
            {"d": validate_domain(domain)},
        ).scalar_one()
        > 0
    )


def is_tenant(conn: Connection, domain: str) -> bool:
    """Whether a database is a tenant: it holds `ast_cdr_adaptive`."""
    return (
        conn.execute(
            text(
                "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_schema = :d AND table_name = 'ast_cdr_adaptive'"
            ),
            {"d": validate_domain(domain)},
        ).scalar_one()
        > 0
    )


def _create_tables(conn: Connection, domain: str, tables: tuple[Table, ...]) -> list[str]:
    bound = conn.execution_options(schema_translate_map={None: domain})
    existing = set(inspect(bound).get_table_names(schema=domain))
    created = []
    for table in tables:
        if table.name not in existing:
            table.create(bound, checkfirst=False)
            created.append(table.name)
    return created


def create_tenant(engine: Engine, domain: str, queue_log_layout: QueueLogLayout = "1.6") -> None:
    """A new tenant database with every table and the platform's default options."""
    validate_domain(domain)
    with engine.begin() as conn:
        if schema_exists(conn, domain):
            raise QfonError(f"database {domain} already exists")
        conn.execute(
            text(
                f"CREATE DATABASE {quoted(domain)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
            )
        )
        tables = (*SOURCE_TABLES, queue_log_for_layout(queue_log_layout), *PLATFORM_TABLES)
        _create_tables(conn, domain, (*tables, *ANALYTICS_TABLES))
        bound = conn.execution_options(schema_translate_map={None: domain})
        bound.execute(
            insert(options), [{"name": k, "value": v} for k, v in DEFAULT_OPTIONS.items()]
        )
    log.info("created tenant %s (queue log layout %s)", domain, queue_log_layout)


def upgrade_tenant(engine: Engine, domain: str) -> list[str]:
    """Add the analytics tables a tenant lacks; touches nothing else. Returns the tables made."""
    with engine.begin() as conn:
        if not is_tenant(conn, domain):
            raise TenantNotFound(f"no tenant database named {domain}")
        return _create_tables(conn, domain, ANALYTICS_TABLES)


@dataclass(frozen=True)
class TenantCounts:
    """Row counts shown by `qfon tenant list` (None where the table is missing)."""

    cdr_rows: int | None
    queue_log_rows: int | None


def tenant_counts(engine: Engine, domain: str) -> TenantCounts:
    """Exact row counts of a tenant's CDR and queue-log tables."""
    counts: list[int | None] = []
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names(schema=validate_domain(domain)))
        for table in ("ast_cdr_adaptive", "ast_queue_log"):
            if table in names:
                counts.append(
                    conn.execute(
                        text(f"SELECT COUNT(*) FROM {quoted(domain)}.`{table}`")
                    ).scalar_one()
                )
            else:
                counts.append(None)
    return TenantCounts(*counts)


def drop_tenant(engine: Engine, domain: str) -> None:
    """Drop a tenant database; refuses a database that is not a tenant."""
    with engine.begin() as conn:
        if not is_tenant(conn, domain):
            raise TenantNotFound(f"no tenant database named {domain}")
        conn.execute(text(f"DROP DATABASE {quoted(domain)}"))
    log.info("dropped tenant %s", domain)


def reflect_table(conn: Connection, domain: str, name: str) -> Table:
    """A tenant's table as it really is (for layouts that vary, like the queue log)."""
    return Table(name, MetaData(), autoload_with=conn, schema=validate_domain(domain))

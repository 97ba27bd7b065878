"""Database engines: one pooled engine per configured server, bound to a tenant per connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from qfon.errors import QfonError
from qfon.logs import mask_secret
from qfon.tenants import validate_domain


@cache
def engine_for(url: str, pool_size: int = 4) -> Engine:
    """The process-wide pooled engine of a server URL (PyMySQL; UTC session; utf8mb4)."""
    parsed = make_url(url)
    mask_secret(parsed.password if isinstance(parsed.password, str) else None)
    if parsed.drivername in ("mysql", "mariadb"):
        parsed = parsed.set(drivername=f"{parsed.drivername}+pymysql")
    query = dict(parsed.query)
    query.setdefault("charset", "utf8mb4")
    parsed = parsed.set(query=query)
    return create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=3600,
        connect_args={
            # Naive DATETIMEs are local wall-clock time; pin the session so that no function
            # converts them behind our back.
            "init_command": "SET time_zone = '+00:00'",
            "local_infile": True,
        },
    )


def safe_url(url: str | URL) -> str:
    """The URL as text with the password hidden, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def tenant_connection(engine: Engine, domain: str) -> Iterator[Connection]:
    """A connection on which schema-less tables mean the tenant's database."""
    validate_domain(domain)
    with engine.connect() as conn:
        yield conn.execution_options(schema_translate_map={None: domain})


def describe_db_error(exc: SQLAlchemyError) -> str:
    """A one-line account of a database error without SQL, parameters or credentials."""
    orig = getattr(exc, "orig", None)
    if orig is not None and getattr(orig, "args", None):
        args = orig.args
        if len(args) >= 2 and isinstance(args[0], int):
            return f"MySQL error {args[0]}: {args[1]}"
        return str(args[0])
    return exc.__class__.__name__


def check_server(engine: Engine) -> str:
    """The server's version, or a QfonError saying why it cannot be reached."""
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT VERSION()")).scalar_one())
    except SQLAlchemyError as exc:
        raise QfonError(
            f"cannot reach MySQL at {safe_url(engine.url)}: {describe_db_error(exc)}"
        ) from None

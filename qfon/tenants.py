"""Tenant names and discovery: a tenant is a database holding `ast_cdr_adaptive`."""

from __future__ import annotations

import fnmatch
import logging
import re
from dataclasses import dataclass

from sqlalchemy import Connection, text

from qfon.errors import TenantNameError

log = logging.getLogger(__name__)

DOMAIN_RE = re.compile(r"^[a-z0-9_-]{1,64}$")
SYSTEM_SCHEMAS = frozenset({"mysql", "information_schema", "performance_schema", "sys"})


def validate_domain(name: str) -> str:
    """The name itself when it is a valid tenant domain; TenantNameError otherwise.

    Called before a name reaches any SQL statement, even a quoted one.
    """
    if not isinstance(name, str) or not DOMAIN_RE.fullmatch(name):
        raise TenantNameError(
            f"{name!r} is not a tenant name: use 1-64 lower-case letters, digits, '_' or '-'"
        )
    if name in SYSTEM_SCHEMAS:
        raise TenantNameError(f"{name!r} is a system schema, not a tenant")
    return name


def quoted(name: str) -> str:
    """A validated domain as a quoted MySQL identifier."""
    return f"`{validate_domain(name)}`"


@dataclass(frozen=True, order=True)
class Tenant:
    """A tenant database and the server (URL index in the settings) that holds it."""

    name: str
    server: int = 0


def selected(name: str, include: list[str], exclude: list[str]) -> bool:
    """Whether include/exclude patterns (names or shell patterns) keep a tenant."""
    if include and not any(fnmatch.fnmatchcase(name, p) for p in include):
        return False
    return not any(fnmatch.fnmatchcase(name, p) for p in exclude)


def tenant_schemas(conn: Connection) -> list[str]:
    """Every schema of a server that looks like a tenant (has `ast_cdr_adaptive`), sorted.

    Schemas with names outside the domain rules are logged and left out.
    """
    rows = conn.execute(
        text(
            "SELECT DISTINCT table_schema FROM information_schema.tables "
            "WHERE table_name = 'ast_cdr_adaptive' ORDER BY table_schema"
        )
    ).scalars()
    names = []
    for name in rows:
        if name in SYSTEM_SCHEMAS:
            continue
        if not DOMAIN_RE.fullmatch(name):
            log.warning("skipping schema %r: not a valid tenant name", name)
            continue
        names.append(name)
    return names

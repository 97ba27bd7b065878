"""Tenants and connections: a cached tenant → server map, and one connection per request in `g`."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Connection, Executable, Result, select
from sqlalchemy.exc import SQLAlchemyError

from qfon.discovery import discover, server_engine
from qfon.errors import QfonError
from qfon.schema import options
from qfon.settings import Settings
from qfon.tenants import DOMAIN_RE, SYSTEM_SCHEMAS, Tenant

TENANT_CACHE_SECONDS = 60.0
_MIN_REFRESH_SECONDS = 5.0


class TenantDB:
    """The request's connection bound to one tenant: schema-less tables mean its database."""

    def __init__(self, conn: Connection, domain: str) -> None:
        self.conn = conn
        self.domain = domain

    def execute(self, stmt: Executable, params: dict[str, Any] | None = None) -> Result[Any]:
        return self.conn.execute(
            stmt, params or {}, execution_options={"schema_translate_map": {None: self.domain}}
        )

    def options(self) -> dict[str, str]:
        """The tenant's options, names lower-cased."""
        cache = g.setdefault("tenant_options", {})
        if self.domain not in cache:
            rows = self.execute(select(options.c.name, options.c.value)).all()
            cache[self.domain] = {str(n).lower(): str(v).strip() for n, v in rows}
        return cache[self.domain]

    def option_on(self, name: str, default: bool = False) -> bool:
        value = self.options().get(name)
        return default if value is None else value.lower() in ("1", "yes", "on", "true")


class TenantDirectory:
    """Which tenants exist and on which server, refreshed at most every minute (or on a miss)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._tenants: dict[str, Tenant] = {}
        self._loaded = 0.0

    def _refresh(self) -> None:
        found = {t.name: t for t in discover(self.settings)}
        self._tenants, self._loaded = found, time.monotonic()

    def all(self) -> list[Tenant]:
        with self._lock:
            if time.monotonic() - self._loaded > TENANT_CACHE_SECONDS:
                self._refresh()
            return sorted(self._tenants.values())

    def get(self, domain: str) -> Tenant | None:
        """The tenant of that name, or None (also for names that are not valid domains)."""
        if not DOMAIN_RE.fullmatch(domain or "") or domain in SYSTEM_SCHEMAS:
            return None
        with self._lock:
            age = time.monotonic() - self._loaded
            if age > TENANT_CACHE_SECONDS or (
                domain not in self._tenants and age > _MIN_REFRESH_SECONDS
            ):
                try:
                    self._refresh()
                except QfonError:
                    return self._tenants.get(domain)
            return self._tenants.get(domain)


def settings() -> Settings:
    return current_app.config["QFON_SETTINGS"]


def directory() -> TenantDirectory:
    return current_app.extensions["qfon_tenants"]


def _server_conn(server: int) -> Connection:
    conns: dict[int, Connection] = g.setdefault("db_conns", {})
    if server not in conns:
        conns[server] = server_engine(settings(), server).connect()
    return conns[server]


def tenant_db(tenant: Tenant) -> TenantDB:
    """The request's connection to a tenant's server, bound to that tenant."""
    return TenantDB(_server_conn(tenant.server), tenant.name)


def close_db(_exc: BaseException | None = None) -> None:
    """Teardown: give the request's connections back to the pool."""
    for conn in g.pop("db_conns", {}).values():
        with contextlib.suppress(SQLAlchemyError):
            conn.close()


def init_app(app: Flask) -> None:
    from reports.cache import ReportCache

    app.extensions["qfon_tenants"] = TenantDirectory(app.config["QFON_SETTINGS"])
    app.extensions["qfon_report_cache"] = ReportCache(
        app.config["QFON_SETTINGS"].reports.cache_seconds
    )
    app.teardown_appcontext(close_db)

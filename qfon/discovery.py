"""Find the tenants of every configured server, honouring include/exclude and named selections."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from qfon.db import describe_db_error, engine_for, safe_url
from qfon.errors import QfonError, TenantNotFound
from qfon.settings import Settings
from qfon.tenants import Tenant, selected, tenant_schemas, validate_domain

log = logging.getLogger(__name__)


def server_engine(settings: Settings, server: int = 0) -> Engine:
    """The pooled engine of the settings' server number `server`."""
    return engine_for(settings.mysql.server_urls()[server], settings.mysql.pool_size)


def tenant_engine(settings: Settings, tenant: Tenant) -> Engine:
    """The engine of the server holding a tenant."""
    return server_engine(settings, tenant.server)


def discover(settings: Settings, names: Iterable[str] = ()) -> list[Tenant]:
    """The tenants to work on: the named ones (each must exist), else all selected by settings.

    Named tenants are validated first, so that a bad name never reaches SQL; names given
    explicitly bypass include/exclude (the operator asked for them).
    """
    wanted = [validate_domain(n) for n in names]
    found: dict[str, Tenant] = {}
    for index, url in enumerate(settings.mysql.server_urls()):
        engine = engine_for(url, settings.mysql.pool_size)
        try:
            with engine.connect() as conn:
                schemas = tenant_schemas(conn)
        except SQLAlchemyError as exc:
            raise QfonError(
                f"cannot list tenants on {safe_url(url)}: {describe_db_error(exc)}"
            ) from None
        for name in schemas:
            if name in found:
                log.warning(
                    "tenant %s exists on two servers; using server %d", name, found[name].server
                )
                continue
            found[name] = Tenant(name, index)
    if wanted:
        missing = [n for n in wanted if n not in found]
        if missing:
            raise TenantNotFound(f"no tenant database named {', '.join(missing)}")
        return [found[n] for n in wanted]
    return sorted(
        (
            t
            for t in found.values()
            if selected(t.name, settings.mysql.include, settings.mysql.exclude)
        ),
    )

"""Run passes over tenants: each under its lock, failures recorded and reported, others go on."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pipeline import state
from pipeline.lock import TenantBusy
from pipeline.passes import PassResult, first_look, incremental, rebuild_days, tenant_session
from qfon.db import describe_db_error
from qfon.discovery import discover, server_engine, tenant_engine
from qfon.errors import QfonError
from qfon.logs import json_line
from qfon.settings import Settings
from qfon.tenants import Tenant

log = logging.getLogger(__name__)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SQLAlchemyError):
        return describe_db_error(exc)
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, QfonError) else str(exc)


def _record_error(settings: Settings, tenant: Tenant, message: str) -> None:
    """Best effort: keep the error in the tenant's state table for `status` and the agent."""
    try:
        engine = tenant_engine(settings, tenant)
        with engine.connect() as conn:
            conn.exec_driver_sql(f"USE `{tenant.name}`")
            state.write_error(conn, message)
            conn.commit()
    except SQLAlchemyError as exc:
        log.warning("%s: cannot record the error: %s", tenant.name, describe_db_error(exc))


def guarded(
    settings: Settings, tenant: Tenant, body: Callable[..., None], *args: object
) -> PassResult:
    """Run `body(conn, domain, zone, result, *args)` on the locked tenant; never raises."""
    result = PassResult(tenant.name)
    started = time.monotonic()
    zone = settings.mysql.zone_for(tenant.name)
    try:
        engine = tenant_engine(settings, tenant)
        with tenant_session(engine, tenant.name, settings.pipeline.lock_wait) as conn:
            body(conn, tenant.name, zone, result, *args)
    except TenantBusy as exc:
        result.status, result.error = "busy", str(exc)
    except (SQLAlchemyError, QfonError, LookupError, ValueError, TypeError) as exc:
        result.status, result.error = "failed", _describe(exc)
        _record_error(settings, tenant, result.error)
    except Exception as exc:
        result.status, result.error = "failed", _describe(exc)
        log.exception("%s: unexpected failure", tenant.name)
        _record_error(settings, tenant, result.error)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def report_line(result: PassResult) -> str:
    """The pass's one JSON line."""
    return json_line(
        tenant=result.tenant,
        status=result.status,
        rows_read=sum(result.rows_read.values()),
        rows_read_by_source=result.rows_read,
        hours_recomputed=result.hours,
        malformed=sum(result.malformed.values()),
        seconds=result.seconds,
        error=result.error,
    )


def _largest_first(settings: Settings, tenants: list[Tenant], workers: int) -> list[int]:
    """Indexes of the tenants, largest CDR table first: a big tenant started last would keep
    one worker busy alone at the end (a backfill). One cheap query per server."""
    if workers < 2 or len(tenants) <= workers:
        return list(range(len(tenants)))
    sizes: dict[tuple[int, str], int] = {}
    for server in sorted({t.server for t in tenants}):
        try:
            with server_engine(settings, server).connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT table_schema, data_length FROM information_schema.tables "
                        "WHERE table_name = 'ast_cdr_adaptive'"
                    )
                )
                sizes.update({(server, str(r[0])): int(r[1] or 0) for r in rows})
        except SQLAlchemyError as exc:  # only the order is lost
            log.warning("cannot read table sizes: %s", describe_db_error(exc))
    return sorted(
        range(len(tenants)), key=lambda i: -sizes.get((tenants[i].server, tenants[i].name), 0)
    )


def run_pass(
    settings: Settings,
    names: Iterable[str] = (),
    emit: Callable[[str], None] = log.info,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[PassResult]:
    """One incremental pass over the tenants (all discovered, or the named ones)."""
    tenants = discover(settings, names)

    def one(tenant: Tenant) -> PassResult:
        if should_stop():
            return PassResult(tenant.name, status="skipped", error="stopping")
        return guarded(settings, tenant, incremental)

    results = []
    with ThreadPoolExecutor(max_workers=settings.pipeline.workers) as pool:
        futures: dict[int, Future[PassResult]] = {}
        for i in _largest_first(settings, tenants, settings.pipeline.workers):
            futures[i] = pool.submit(one, tenants[i])
        for i in range(len(tenants)):  # reported in discovery order
            result = futures[i].result()
            if result.status == "failed":
                log.error("%s: pass failed: %s", result.tenant, result.error)
            emit(report_line(result))
            results.append(result)
    return results


def _rebuild_body(conn, domain, zone, result, first, last, progress, only_enabled) -> None:  # type: ignore[no-untyped-def]
    if only_enabled and not first_look(conn)[0]:
        result.status = "skipped"
        return
    result.hours = rebuild_days(conn, domain, zone, first, last, progress)


def rebuild(
    settings: Settings,
    tenant: Tenant,
    first: date | None,
    last: date | None,
    progress: Callable[[int, int], None] | None = None,
    only_enabled: bool = False,
) -> PassResult:
    """Recompute a tenant's days (all of them without bounds) under its lock.

    `only_enabled` skips tenants whose analytics are off (the nightly reconciliation does).
    """
    return guarded(settings, tenant, _rebuild_body, first, last, progress, only_enabled)

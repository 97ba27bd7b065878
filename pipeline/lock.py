"""Per-tenant MySQL named locks: two pipeline processes, even on two hosts, never share a tenant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text


class TenantBusy(Exception):
    """Another process holds the tenant's lock."""


def lock_name(domain: str) -> str:
    """The named lock of a tenant."""
    return f"qfon_pipeline:{domain}"


@contextmanager
def tenant_lock(conn: Connection, domain: str, wait: int) -> Iterator[None]:
    """Hold GET_LOCK('qfon_pipeline:<domain>') on this connection for the block.

    The server frees the lock when the connection dies, so a killed process never leaves it held.
    """
    got = conn.execute(
        text("SELECT GET_LOCK(:n, :w)"), {"n": lock_name(domain), "w": wait}
    ).scalar()
    if got != 1:
        raise TenantBusy(f"tenant {domain} is being processed by another pipeline process")
    try:
        yield
    finally:
        conn.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": lock_name(domain)})

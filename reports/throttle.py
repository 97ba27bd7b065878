"""Failed log-ins per IP and login: CAPTCHA from the 3rd failure, a lock after `lockout_after`.

The policy (`login_state`) is a pure function; the counts live in the tenant's `log_captcha`
(platform admins, who have no tenant, are counted in memory per process).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.mysql import insert

from qfon.schema import log_captcha
from reports.db import TenantDB

CAPTCHA_FROM = 3


@dataclass(frozen=True)
class Attempts:
    count: int
    last: datetime | None


def login_state(attempts: Attempts, now: datetime, lockout_after: int, lockout_minutes: int) -> str:
    """`ok`, `captcha` (a CAPTCHA must be solved) or `locked`."""
    if attempts.count >= lockout_after:
        if attempts.last is not None and now - attempts.last < timedelta(minutes=lockout_minutes):
            return "locked"
        return "ok"  # the lock has run out: start again
    return "captcha" if attempts.count >= CAPTCHA_FROM else "ok"


def next_count(attempts: Attempts, now: datetime, lockout_after: int, lockout_minutes: int) -> int:
    """The failure count after one more failure (an expired lock starts from zero)."""
    expired = (
        attempts.count >= lockout_after
        and login_state(attempts, now, lockout_after, lockout_minutes) == "ok"
    )
    return 1 if expired else attempts.count + 1


class TenantCounter:
    """Failures kept in the tenant's `log_captcha`."""

    def __init__(self, db: TenantDB) -> None:
        self.db = db

    def get(self, ip: str, login: str) -> Attempts:
        c = log_captcha.c
        row = self.db.execute(
            select(c.attempts, c.last_attempt).where(c.ip == ip, c.login == login)
        ).first()
        return Attempts(int(row.attempts), row.last_attempt) if row else Attempts(0, None)

    def set(self, ip: str, login: str, count: int, now: datetime) -> None:
        stmt = insert(log_captcha).values(ip=ip, login=login, attempts=count, last_attempt=now)
        stmt = stmt.on_duplicate_key_update(attempts=count, last_attempt=now)
        self.db.execute(stmt)
        self.db.conn.commit()

    def clear(self, ip: str, login: str) -> None:
        c = log_captcha.c
        self.db.execute(delete(log_captcha).where(c.ip == ip, c.login == login))
        self.db.conn.commit()


class MemoryCounter:
    """Failures of platform-admin log-ins, kept in this process."""

    _lock = threading.Lock()
    _counts: dict[tuple[str, str], Attempts] = {}  # noqa: RUF012 - shared on purpose

    def get(self, ip: str, login: str) -> Attempts:
        with self._lock:
            return self._counts.get((ip, login), Attempts(0, None))

    def set(self, ip: str, login: str, count: int, now: datetime) -> None:
        with self._lock:
            self._counts[(ip, login)] = Attempts(count, now)

    def clear(self, ip: str, login: str) -> None:
        with self._lock:
            self._counts.pop((ip, login), None)


__all__ = ["Attempts", "MemoryCounter", "TenantCounter", "login_state", "next_count"]

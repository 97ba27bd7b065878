"""The platform tables a pass needs (trunks, users, queues), read once per pass as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Platform:
    """Trunks, users and queue SLAs of a tenant as they are when the hours are computed."""

    trunk_number: dict[int, int] = field(default_factory=dict)  # trunk id -> number (0 unmapped)
    trunk_names: dict[str, int] = field(default_factory=dict)  # name -> number of lowest id
    logins: dict[str, int] = field(default_factory=dict)  # login -> user id
    user_names: dict[str, int] = field(default_factory=dict)  # users.name -> user id
    sla: dict[str, int] = field(default_factory=dict)  # queue name -> sla seconds


def number_of(dial_number_id: int | None, numbers: set[int]) -> int:
    """A trunk's number: its dial_number_id when it names a dial_numbers row, else 0."""
    return dial_number_id if dial_number_id in numbers and dial_number_id else 0


def build_platform(
    numbers: set[int],
    trunks: list[tuple[int, str, int | None]],
    users: list[tuple[int, str, str]],
    queues: list[tuple[str, int]],
) -> Platform:
    """Platform from plain rows: trunks (id, name, dial_number_id), users (id, login, name)."""
    trunk_number = {tid: number_of(dn, numbers) for tid, _, dn in trunks}
    trunk_names: dict[str, int] = {}
    for tid, name, _ in sorted(trunks):
        trunk_names.setdefault(name, trunk_number[tid])
    logins: dict[str, int] = {}
    user_names: dict[str, int] = {}
    for uid, login, name in sorted(users):
        logins.setdefault(login, uid)
        if name:
            user_names.setdefault(name, uid)
    return Platform(trunk_number, trunk_names, logins, user_names, dict(queues))


def load_platform(conn: Connection) -> Platform:
    """Read the platform tables of the tenant the connection uses (`USE <domain>`)."""
    numbers = set(conn.execute(text("SELECT id FROM dial_numbers")).scalars())
    trunks = [
        tuple(r) for r in conn.execute(text("SELECT id, name, dial_number_id FROM sip_trunks"))
    ]
    users = [tuple(r) for r in conn.execute(text("SELECT id, login, name FROM users"))]
    queues = [tuple(r) for r in conn.execute(text("SELECT name, sla_seconds FROM queues"))]
    return build_platform(numbers, trunks, users, queues)  # type: ignore[arg-type]

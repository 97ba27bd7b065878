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
    rows = conn.execute(
        text(  # one round trip; a column per table column keeps each one's type
            "SELECT 0, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM dial_numbers "
            "UNION ALL SELECT 1, NULL, id, name, dial_number_id, NULL, NULL, NULL, NULL, NULL "
            "FROM sip_trunks UNION ALL SELECT 2, NULL, NULL, NULL, NULL, id, login, name, NULL, "
            "NULL FROM users UNION ALL SELECT 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, name, "
            "sla_seconds FROM queues"
        )
    ).all()
    numbers = {r[1] for r in rows if r[0] == 0}
    trunks = [tuple(r[2:5]) for r in rows if r[0] == 1]
    users = [tuple(r[5:8]) for r in rows if r[0] == 2]
    queues = [tuple(r[8:10]) for r in rows if r[0] == 3]
    return build_platform(numbers, trunks, users, queues)  # type: ignore[arg-type]

"""A tenant's platform configuration: numbers, trunks, employees, queues and options (pure)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from qfon.demo.names import (
    NUMBER_COMMENTS_EN,
    NUMBER_COMMENTS_RU,
    QUEUE_NAMES,
    city_number,
    customer_number,
    person,
    shown,
)
from qfon.schema.source import QueueLogLayout


@dataclass(frozen=True)
class Trunk:
    """A SIP trunk; `number_id` None = not bound to any of the tenant's numbers."""

    id: int
    name: str
    number_id: int | None
    extension: str
    weight: float


@dataclass(frozen=True)
class User:
    """An employee; `login` is the SIP peer (channels `SIP/<login>-…`)."""

    id: int
    name: str
    login: str
    weight: float


@dataclass(frozen=True)
class Queue:
    """A call queue with its members and timing (ring timeout, longest wait)."""

    id: int
    name: str
    strategy: str
    sla_seconds: int
    members: tuple[User, ...]
    ring_timeout: int
    max_wait: int
    weight: float


@dataclass(frozen=True)
class TenantConfig:
    """Everything the activity generator and the platform tables need about one tenant."""

    domain: str
    layout: QueueLogLayout
    linked: bool  # CDR linkedid filled (Asterisk >= 1.8) or NULL (1.6)
    answer_before_queue: bool  # the dialplan answers before Queue(): queue CDRs are ANSWERED
    calls_per_day: float
    queue_share: float  # share of inbound calls that go to a queue
    numbers: tuple[tuple[int, str, str], ...]  # (id, shown number, comment)
    trunks: tuple[Trunk, ...]
    users: tuple[User, ...]
    queues: tuple[Queue, ...]
    options: dict[str, str]
    customers: tuple[str, ...] = field(repr=False)


def make_config(
    rng: random.Random,
    domain: str,
    layout: QueueLogLayout,
    calls_per_day: float | None = None,
) -> TenantConfig:
    """A realistic configuration; size drawn from `rng` unless `calls_per_day` is given."""
    n_users = rng.choice((4, 6, 8, 10, 12, 15, 20, 25, 30, 40))
    language = "ru" if rng.random() < 0.8 else "en"
    used: set[str] = set()
    lines = [city_number(rng, used) for _ in range(rng.randint(2, 5))]
    comments = NUMBER_COMMENTS_RU if language == "ru" else NUMBER_COMMENTS_EN
    numbers = tuple((i, shown(n), comments[i - 1]) for i, n in enumerate(lines, start=1))
    trunks = [
        Trunk(i, f"sip{n}", i, n, 6.0 if i == 1 else 1.0 + rng.random())
        for i, n in enumerate(lines, start=1)
    ]
    if rng.random() < 0.6:  # a trunk nobody bound to a number (an operator's extra line)
        extra = city_number(rng, used)
        trunks.append(Trunk(len(trunks) + 1, f"sip{extra}", None, extra, 0.6))
    users = tuple(
        User(i, person(rng, language), str(100 + i), rng.lognormvariate(0, 0.6))
        for i in range(1, n_users + 1)
    )
    queues = _make_queues(rng, users)
    options = {
        "analytics_enabled": "1",
        "language": language,
        "record_enabled": "1" if rng.random() < 0.7 else "0",
        "allow_rec_download": "1" if rng.random() < 0.5 else "0",
        "disa_enabled": "0",
    }
    if calls_per_day is None:
        calls_per_day = n_users * rng.uniform(6.0, 14.0)
    return TenantConfig(
        domain=domain,
        layout=layout,
        linked=layout == "1.8",
        answer_before_queue=rng.random() < 0.5,
        calls_per_day=calls_per_day,
        queue_share=rng.uniform(0.09, 0.22),
        numbers=numbers,
        trunks=tuple(trunks),
        users=users,
        queues=queues,
        options=options,
        customers=tuple(customer_number(rng) for _ in range(max(50, n_users * 40))),
    )


def _make_queues(rng: random.Random, users: tuple[User, ...]) -> tuple[Queue, ...]:
    count = min(rng.choice((1, 1, 2, 2, 3)), max(1, len(users) // 2))
    names = rng.sample(QUEUE_NAMES, count)
    queues = []
    for i, name in enumerate(names, start=1):
        size = max(2, min(len(users), rng.randint(2, 6)))
        strategy = (
            "ringall"
            if size <= 4 and rng.random() < 0.6
            else rng.choice(("rrmemory", "leastrecent", "fewestcalls"))
        )
        queues.append(
            Queue(
                id=i,
                name=name,
                strategy=strategy,
                sla_seconds=rng.choice((15, 20, 20, 30)),
                members=tuple(rng.sample(users, size)),
                ring_timeout=rng.choice((15, 20)),
                max_wait=rng.choice((60, 90, 120)),
                weight=3.0 if i == 1 else 1.0,
            )
        )
    return tuple(queues)


def platform_rows(cfg: TenantConfig) -> dict[str, list[dict[str, Any]]]:
    """Rows of the platform tables, by table name."""
    trunks = []
    for t in cfg.trunks:
        trunks.append(
            {
                "id": t.id,
                "name": t.name,
                "dial_number_id": t.number_id,
                "username": t.extension,
                "secret": hashlib.sha256(f"{cfg.domain}/{t.name}".encode()).hexdigest()[:16],
                "host": "sip.telvio-operator.ru",
                "fromuser": t.extension,
                "fromdomain": "sip.telvio-operator.ru",
                "sip_reg_user": t.extension,
                "sip_reg_domain": "sip.telvio-operator.ru",
                "sip_reg_authuser": t.extension,
                "sip_reg_host": "sip.telvio-operator.ru",
                "calllimit": 1000,  # the platform's default; seeding sets it above the peak
                "extension": t.extension,
            }
        )
    return {
        "dial_numbers": [{"id": i, "number": n, "comment": c} for i, n, c in cfg.numbers],
        "sip_trunks": trunks,
        "users": [
            {"id": u.id, "name": u.name, "login": u.login, "email": f"{u.login}@{cfg.domain}.ru"}
            for u in cfg.users
        ],
        "queues": [
            {"id": q.id, "name": q.name, "strategy": q.strategy, "sla_seconds": q.sla_seconds}
            for q in cfg.queues
        ],
        "queue_members": [
            {"queue_id": q.id, "user_id": m.id} for q in cfg.queues for m in q.members
        ],
        "options": [{"name": k, "value": v} for k, v in cfg.options.items()],
    }

"""Deterministic rows for the report tests: platform tables, analytics hours, CDRs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert

from qfon.schema import (
    call_stats,
    cdr,
    dial_numbers,
    options,
    pipeline_state,
    queue_calls_stats,
    queues,
    sip_trunks,
    system_user,
    user_stats,
    users,
)
from reports.passwords import hash_password

FIRST_DAY = datetime(2026, 10, 5)
DAYS = 10
PASSWORD = "correct horse"
PERIOD = {"preset": "custom", "from": "2026-10-05", "to": "2026-10-14"}


def seed(engine: Engine, domain: str, seed: int = 1, manager: str = "boss") -> None:
    """Two numbers (and unmapped calls), three users, two queues, 10 days of hours, CDRs."""
    rng = random.Random(seed)
    now = datetime(2026, 10, 20)
    with engine.begin() as raw:
        conn = raw.execution_options(schema_translate_map={None: domain})
        conn.execute(
            insert(system_user), [{"login": manager, "password_hash": hash_password(PASSWORD)}]
        )
        conn.execute(
            insert(dial_numbers),
            [
                {"id": 1, "number": "+7(495)2216005", "comment": "main"},
                {"id": 2, "number": "+7(495)2216006", "comment": "sales"},
            ],
        )
        conn.execute(
            insert(sip_trunks),
            [
                {"id": 1, "name": "trunk1", "dial_number_id": 1, "calllimit": 10},
                {"id": 2, "name": "trunk1b", "dial_number_id": 1, "calllimit": 5},
                {"id": 3, "name": "trunk_2", "dial_number_id": 2, "calllimit": 30},
            ],
        )
        conn.execute(
            insert(users),
            [
                {"id": 1, "name": "Анна", "login": "101"},
                {"id": 2, "name": "Boris", "login": "102"},
                {"id": 3, "name": "Clara", "login": "103"},
            ],
        )
        conn.execute(insert(queues), [{"id": 1, "name": "support", "sla_seconds": 20}])
        calls, ustats, qstats = [], [], []
        for hour in range(DAYS * 24):
            start = FIRST_DAY + timedelta(hours=hour)
            if not 8 <= start.hour < 20 or rng.random() < 0.2:
                continue
            for number in (0, 1, 2):
                peak = rng.randint(0, 12)
                for direction in ("in", "out"):
                    answered, no_answer, busy, failed = (
                        rng.randint(0, 9),
                        rng.randint(0, 3),
                        rng.randint(0, 2),
                        rng.randint(0, 1),
                    )
                    total = answered + no_answer + busy + failed
                    billsec = answered * rng.randint(20, 200)
                    calls.append(
                        {
                            "period_start": start,
                            "dial_number_id": number,
                            "direction": direction,
                            "calls": total,
                            "answered": answered,
                            "no_answer": no_answer,
                            "busy": busy,
                            "failed": failed,
                            "billsec_total": billsec,
                            "duration_total": billsec + total * 7,
                            "max_concurrent": None if number == 0 else peak,
                            "updated_at": now,
                        }
                    )
            for user_id in (1, 2, 3, 9):
                cin = rng.randint(0, 6)
                cin_ans = rng.randint(0, cin)
                cout = rng.randint(0, 5)
                ustats.append(
                    {
                        "period_start": start,
                        "user_id": user_id,
                        "calls_out": cout,
                        "calls_out_answered": rng.randint(0, cout),
                        "calls_in": cin,
                        "calls_in_answered": cin_ans,
                        "calls_in_missed": cin - cin_ans,
                        "calls_internal": rng.randint(0, 2),
                        "talk_seconds": rng.randint(0, 900),
                        "queue_answered": rng.randint(0, 3),
                        "queue_talk_seconds": rng.randint(0, 400),
                        "queue_ringnoanswer": rng.randint(0, 2),
                        "updated_at": now,
                    }
                )
            for queue in ("support", "sales"):
                answered, abandoned, timeout = (
                    rng.randint(0, 8),
                    rng.randint(0, 3),
                    rng.randint(0, 1),
                )
                offered = answered + abandoned + timeout + rng.randint(0, 1)
                if offered == 0:
                    continue
                qstats.append(
                    {
                        "period_start": start,
                        "queue_name": queue,
                        "offered": offered,
                        "answered": answered,
                        "abandoned": abandoned,
                        "timeout": timeout,
                        "answered_in_sla": rng.randint(0, answered),
                        "wait_answered_total": answered * rng.randint(3, 40),
                        "wait_answered_max": rng.randint(0, 90),
                        "wait_abandoned_total": abandoned * 30,
                        "talk_total": answered * rng.randint(30, 300),
                        "updated_at": now,
                    }
                )
        conn.execute(insert(call_stats), calls)
        conn.execute(insert(user_stats), ustats)
        conn.execute(insert(queue_calls_stats), qstats)
        conn.execute(
            insert(pipeline_state),
            [
                {"source": "ast_cdr_adaptive", "watermark": 10, "last_success": now},
                {
                    "source": "ast_queue_log",
                    "watermark": 5,
                    "last_success": now - timedelta(minutes=3),
                },
            ],
        )
        conn.execute(insert(cdr), cdr_rows(rng, domain))


def cdr_rows(rng: random.Random, domain: str, count: int = 180) -> list[dict]:
    """CDRs spread over the period: inbound on trunks, outbound, internal."""
    rows = []
    for i in range(count):
        when = FIRST_DAY + timedelta(minutes=rng.randint(0, DAYS * 24 * 60 - 1))
        kind = i % 3
        user = rng.choice(["101", "102", "103"])
        trunk = rng.choice(["trunk1", "trunk1b", "trunk_2"])
        disposition = rng.choice(["ANSWERED", "ANSWERED", "NO ANSWER", "BUSY", "FAILED"])
        duration = rng.randint(0, 600)
        src = f"7916{rng.randint(1000000, 9999999)}" if kind == 0 else user
        dst = user if kind == 0 else f"8495{rng.randint(1000000, 9999999)}" if kind == 1 else "102"
        rows.append(
            {
                "calldate": when,
                "clid": f'"{domain}" <{src}>',
                "src": src,
                "dst": dst,
                "channel": f"SIP/{trunk}-{i:08x}" if kind == 0 else f"SIP/{user}-{i:08x}",
                "dstchannel": f"SIP/{user}-a{i:07x}"
                if kind == 0
                else f"SIP/{trunk}-b{i:07x}"
                if kind == 1
                else f"SIP/102-c{i:07x}",
                "disposition": disposition,
                "duration": duration,
                "billsec": duration // 2 if disposition == "ANSWERED" else 0,
                "uniqueid": f"{domain[:8]}.{i}",
                "linkedid": f"{domain[:8]}.{i}",
                "recordingfile": f"2026/10/rec-{i}.wav" if i % 10 == 0 else None,
            }
        )
    return rows


def set_option(engine: Engine, domain: str, name: str, value: str) -> None:
    with engine.begin() as raw:
        conn = raw.execution_options(schema_translate_map={None: domain})
        conn.execute(options.update().where(options.c.name == name).values(value=value))

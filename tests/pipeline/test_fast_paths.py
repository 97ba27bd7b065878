"""The shortcuts of a pass give the figures of the plain path (a full rebuild)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from pipeline.runner import rebuild, run_pass
from qfon.tenants import Tenant
from tests.pipeline.helpers import add_cdrs, add_inuse, add_queue_log, run, setup_platform, tables

START = datetime(2026, 5, 1, 8, 0)


def _fill(engine, domain: str, enter: str = "ENTERQUEUE", connect: str = "CONNECT") -> None:
    setup_platform(
        engine,
        domain,
        numbers=(1, 2),
        trunks=((1, "t1", 1), (2, "t2", 2)),
        people=((7, "101", "Ann"),),
        queue_sla=(("sales", 20),),
    )
    cdrs, events, samples = [], [], []
    for i in range(40):
        at = START + timedelta(minutes=37 * i)
        key = f"k{i // 2}"
        cdrs.append(
            {
                "calldate": at,
                "uniqueid": f"{key}.{i}",
                "linkedid": key if i % 3 else None,
                "channel": "SIP/t1-0" if i % 2 else "SIP/101-0",
                "dstchannel": "SIP/101-1" if i % 2 else "SIP/t2-1",
                "disposition": "ANSWERED" if i % 4 else "BUSY",
                "duration": 60 + i,
                "billsec": 30 + i,
            }
        )
        callid = f"q{i}"
        events += [
            (at, callid, "sales", "NONE", enter if i % 5 == 0 else "ENTERQUEUE", "", "1", "1"),
            (at + timedelta(seconds=9), callid, "sales", "SIP/101", connect, "9", "x", "1"),
            (at + timedelta(seconds=99), callid, "sales", "SIP/101", "COMPLETECALLER", "9", "90"),
        ]
        samples.append((at, 1 + i % 2, i % 4))
    add_cdrs(engine, domain, *cdrs)
    add_queue_log(engine, domain, *events)
    add_inuse(engine, domain, *samples)


@pytest.mark.parametrize(
    ("enter", "connect"),
    [("ENTERQUEUE", "CONNECT"), ("enterqueue ", "CONNECT"), ("ENTERQUEUE", "Connect")],
)
def test_first_pass_equals_a_rebuild(engine, settings, make_tenant, enter, connect):
    """The first pass reads the queue log once (or asks SQL when names are variants)."""
    domain = make_tenant()
    _fill(engine, domain, enter, connect)
    run(settings, domain)
    first = tables(engine, domain)
    assert first["queue_calls_stats"] and first["call_stats"]
    assert rebuild(settings, Tenant(domain), None, None).status == "ok"
    assert tables(engine, domain) == first


def test_incremental_pass_by_call_key_equals_a_rebuild(engine, settings, make_tenant):
    """Lookups by call key (STRAIGHT_JOIN, forced index) find every leg of the touched calls."""
    domain = make_tenant()
    _fill(engine, domain)
    run(settings, domain)
    late = START + timedelta(minutes=37 * 39 + 5)
    add_cdrs(
        engine,
        domain,
        {"calldate": START - timedelta(hours=2), "uniqueid": "k3.x", "linkedid": "k3"},
        {"calldate": late, "uniqueid": "k0.0", "channel": "SIP/t1-0", "duration": 5},
    )
    add_inuse(engine, domain, (late, 1, 3))
    run(settings, domain)
    after = tables(engine, domain)
    assert rebuild(settings, Tenant(domain), None, None).status == "ok"
    assert tables(engine, domain) == after


def test_queue_log_has_a_callid_index(engine, make_tenant):
    for layout in ("1.6", "1.8"):
        domain = make_tenant(queue_log_layout=layout)
        with engine.connect() as conn:
            columns = conn.execute(
                text(
                    "SELECT column_name FROM information_schema.statistics WHERE table_schema = "
                    ":d AND table_name = 'ast_queue_log' AND seq_in_index = 1"
                ),
                {"d": domain},
            ).scalars()
            assert "callid" in {c.lower() for c in columns}


def test_lines_come_in_discovery_order(engine, settings, make_tenant):
    """Tenants start largest first but are reported in the order they were found."""
    domains = [make_tenant() for _ in range(4)]
    _fill(engine, domains[2])
    lines: list[str] = []
    results = run_pass(settings, domains, lines.append)
    assert [r.tenant for r in results] == domains
    assert [r.status for r in results] == ["ok"] * 4
    assert len(lines) == 4

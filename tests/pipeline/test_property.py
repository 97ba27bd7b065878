"""Random activity fed in random batches, a pass after each: the tables end equal to a
from-scratch rebuild and to the pure model."""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from pipeline.runner import rebuild
from qfon.tenants import Tenant
from tests.conftest import TEST_TZ
from tests.pipeline.helpers import (
    add_cdrs,
    add_inuse,
    add_queue_log,
    add_zero_date_cdr,
    model,
    run,
    setup_platform,
    tables,
)

BASE = datetime(2026, 3, 28, 21, 0)  # crosses midnight
EPOCH = 1774720800  # 2026-03-28 21:00 Moscow (UTC+3)
CHANNELS = [
    "",
    "SIP/trunk1-0a",
    "SIP/trunk10-0b",
    "SIP/nosuch-0c",
    "SIP/101-0d",
    "SIP/102-0e",
    "SIP/tr-unk-0f",
    "Local/101@ctx-1;1",
]
DISPS = ["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION", "8", "4", "2", "0", "1", ""]
EVENTS = [
    "ENTERQUEUE",
    "CONNECT",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITWITHKEY",
    "EXITEMPTY",
    "COMPLETECALLER",
    "COMPLETEAGENT",
    "TRANSFER",
    "RINGNOANSWER",
    "ADDMEMBER",
]
AGENTS = ["NONE", "SIP/101", "PJSIP/102", "Local/101@from-queue/n", "Bob", "SIP/999"]
ARGS = ["", "0", "5", "25", "300", "x"]

cdr_leg = st.builds(
    lambda key, linked, minute, ch, dst, disp, dur, bill: (
        "cdr",
        {
            "uniqueid": key,
            "linkedid": key if linked else None,
            "calldate": BASE + timedelta(minutes=minute),
            "channel": ch,
            "dstchannel": dst,
            "disposition": disp,
            "duration": dur,
            "billsec": bill,
        },
    ),
    st.sampled_from(["1.1", "1.2", "1.3", "1.4", "1.5"]),
    st.booleans(),
    st.integers(0, 300),
    st.sampled_from(CHANNELS),
    st.sampled_from(CHANNELS),
    st.sampled_from(DISPS),
    st.integers(0, 9000),
    st.integers(-5, 4000),
)
zero_cdr = st.builds(lambda key: ("zero", key), st.sampled_from(["1.1", "1.9"]))
queue_event = st.builds(
    lambda sec, callid, queue, agent, event, args, garbage: (
        "queue",
        (None if garbage else sec, callid, queue, agent, event, *args),
    ),
    st.integers(0, 5 * 3600),
    st.sampled_from(["c1", "c2", "c3"]),
    st.sampled_from(["sales", "support"]),
    st.sampled_from(AGENTS),
    st.sampled_from(EVENTS),
    st.lists(st.sampled_from(ARGS), min_size=0, max_size=5),
    st.integers(0, 30).map(lambda v: v == 0),
)
sample = st.builds(
    lambda minute, trunk, calls: ("inuse", (BASE + timedelta(minutes=minute), trunk, calls)),
    st.integers(0, 400),
    st.sampled_from([1, 2, 3, 99]),
    st.integers(0, 3),
)
enter = st.builds(
    lambda sec, callid, queue: ("queue", (sec, callid, queue, "NONE", "ENTERQUEUE", "", "", "1")),
    st.integers(0, 5 * 3600),
    st.sampled_from(["c1", "c2", "c3"]),
    st.sampled_from(["sales", "support"]),
)
activity = st.lists(
    st.one_of(cdr_leg, cdr_leg, queue_event, queue_event, enter, sample, zero_cdr), max_size=40
)

SOURCE_TABLES = (
    "ast_cdr_adaptive",
    "ast_queue_log",
    "inuse",
    "call_stats",
    "user_stats",
    "queue_calls_stats",
    "qfon_pipeline_state",
)


@pytest.fixture(scope="module", params=["1.6", "1.8"])
def tenant(engine, request):
    """One tenant per layout reused by every example (emptied in between) to keep it fast."""
    from qfon.tenant_admin import create_tenant, drop_tenant

    domain = "prop_pipeline_" + request.param.replace(".", "")
    create_tenant(engine, domain, request.param)
    setup_platform(
        engine,
        domain,
        numbers=(1, 2),
        trunks=((1, "trunk1", 1), (2, "trunk10", 5), (3, "tr-unk", 2), (4, "tr", 2)),
        people=((1, "101", "Ann"), (2, "102", "Bob")),
        queue_sla=(("sales", 10),),
    )
    yield domain
    drop_tenant(engine, domain)


def _empty(engine, domain):
    with engine.begin() as conn:
        for table in SOURCE_TABLES:
            conn.execute(text(f"TRUNCATE TABLE `{domain}`.{table}"))


def _feed(engine, domain, items):
    for kind, payload in items:
        if kind == "cdr":
            add_cdrs(engine, domain, payload)
        elif kind == "zero":
            add_zero_date_cdr(engine, domain, payload)
        elif kind == "queue":
            sec, *rest = payload
            if domain.endswith("16"):
                when = "garbage" if sec is None else str(EPOCH + sec)
            else:
                when = None if sec is None else BASE + timedelta(seconds=sec)
            add_queue_log(engine, domain, (when, *rest))
        else:
            add_inuse(engine, domain, payload)


@settings(
    max_examples=int(os.environ.get("QFON_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=activity, cuts=st.lists(st.integers(0, 40), max_size=4))
def test_batches_with_passes_in_between_equal_one_computation_from_scratch(
    engine, settings, tenant, items, cuts
):
    _empty(engine, tenant)
    bounds = sorted({0, len(items), *[c for c in cuts if c < len(items)]})
    for start, end in itertools.pairwise(bounds):
        _feed(engine, tenant, items[start:end])
        run(settings, tenant)
    run(settings, tenant)
    incremental = tables(engine, tenant)
    assert incremental == model(engine, tenant, TEST_TZ)
    result = rebuild(settings, Tenant(tenant), None, None)
    assert result.status == "ok", result.error
    assert tables(engine, tenant) == incremental

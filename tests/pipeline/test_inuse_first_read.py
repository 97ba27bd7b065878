"""A first read of `inuse` also recomputes stored hours after the latest sample."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import TEST_TZ
from tests.pipeline.helpers import add_cdrs, add_inuse, model, run, setup_platform, tables


def test_first_samples_before_stored_call_hours_set_their_concurrency(
    engine, settings, make_tenant
):
    domain = make_tenant()
    setup_platform(engine, domain, numbers=(1,), trunks=((1, "trunk1", 1),), people=())
    add_cdrs(
        engine,
        domain,
        {"uniqueid": "1.1", "calldate": "2026-03-28 22:00:00", "dstchannel": "SIP/trunk1-0b"},
    )
    run(settings, domain)
    add_inuse(engine, domain, (datetime(2026, 3, 28, 21, 0), 1, 0))
    run(settings, domain)
    got = tables(engine, domain)
    assert got["call_stats"][(datetime(2026, 3, 28, 22, 0), 1, "out")]["max_concurrent"] == 0
    assert got == model(engine, domain, TEST_TZ)

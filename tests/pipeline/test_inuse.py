"""max_concurrent from inuse samples, worked out by hand."""

from __future__ import annotations

from datetime import datetime

from tests.pipeline.helpers import add_cdrs, add_inuse, run, setup_platform, tables

H = datetime.fromisoformat


def test_max_concurrent_sums_the_numbers_trunks_and_carries_values_between_samples(
    engine, settings, make_tenant
):
    domain = make_tenant()
    setup_platform(
        engine,
        domain,
        numbers=(1,),
        trunks=((1, "a", 1), (2, "b", 1), (3, "c", None)),
        people=((1, "101", "Ann"),),
    )
    add_inuse(
        engine,
        domain,
        ("2026-03-01 10:10:00", 1, 2),
        ("2026-03-01 10:20:00", 2, 1),  # number 1: 3
        ("2026-03-01 10:20:00", 1, 0),  # same instant: 1 (the 3 was never seen) ...
        ("2026-03-01 10:20:00", 1, 1),  # ... the greatest id wins: 2
        ("2026-03-01 10:40:00", 2, 0),  # 1
        ("2026-03-01 13:15:00", 1, 0),  # 0 from 13:15; hours 11, 12 carry 1
        ("2026-03-01 13:30:00", 3, 4),
    )  # unmapped trunk -> number 0
    add_cdrs(
        engine,
        domain,
        {
            "calldate": "2026-03-01 09:30:00",
            "uniqueid": "x",
            "channel": "SIP/a-1",
            "dstchannel": "SIP/101-2",
        },
        {
            "calldate": "2026-03-01 15:00:00",
            "uniqueid": "y",
            "channel": "SIP/a-3",
            "dstchannel": "SIP/101-4",
        },
    )
    run(settings, domain)
    calls = tables(engine, domain)["call_stats"]
    peak = {(h.hour, n): row["max_concurrent"] for (h, n, d), row in calls.items() if d == "in"}
    assert peak == {
        (9, 1): None,  # a call before any sample of the number's trunks
        (10, 1): 2,
        (11, 1): 1,
        (12, 1): 1,
        (13, 1): 1,  # 1 until 13:15
        (13, 0): 4,  # hours after the latest sample (13:00) make no rows of their own ...
        (15, 1): 0,  # ... but an hour with a call still gets its carried value
    }
    assert calls[(H("2026-03-01 10:00"), 1, "out")]["max_concurrent"] == 2


def test_a_new_sample_reaches_the_hours_it_carries_into(engine, settings, make_tenant):
    domain = make_tenant()
    setup_platform(engine, domain, numbers=(1,), trunks=((1, "a", 1),))
    add_inuse(engine, domain, ("2026-03-01 10:10:00", 1, 1))
    run(settings, domain)
    assert {h.hour for h, _, _ in tables(engine, domain)["call_stats"]} == {10}
    add_inuse(engine, domain, ("2026-03-01 12:05:00", 1, 3))
    run(settings, domain)
    calls = tables(engine, domain)["call_stats"]
    assert {h.hour: r["max_concurrent"] for (h, _, d), r in calls.items() if d == "in"} == {
        10: 1,
        11: 1,
        12: 3,
    }
    add_inuse(engine, domain, ("2026-03-01 10:30:00", 1, 0))  # a late sample of the past
    run(settings, domain)
    calls = tables(engine, domain)["call_stats"]
    assert {h.hour: r["max_concurrent"] for (h, _, d), r in calls.items() if d == "in"} == {
        10: 1,
        12: 3,
    }

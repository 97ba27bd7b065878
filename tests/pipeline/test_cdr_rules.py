"""Golden tests of the CDR rules of analytics.md, figures worked out by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.pipeline.helpers import (
    add_cdrs,
    add_zero_date_cdr,
    run,
    setup_platform,
    tables,
    totals,
)

T1, T10, T0, TX, U101, U102 = (
    "SIP/trunk1-01",
    "SIP/trunk10-02",
    "SIP/free-03",
    "SIP/ghost-04",
    "SIP/101-05",
    "SIP/102-06",
)
H = datetime.fromisoformat


@pytest.fixture
def tenant(engine, make_tenant):
    domain = make_tenant()
    setup_platform(
        engine,
        domain,
        numbers=(1, 2),
        trunks=((1, "trunk1", 1), (2, "trunk10", 2), (3, "free", None), (4, "ghost", 7)),
        people=((1, "101", "Ann"), (2, "102", "Bob")),
    )
    return domain


def _calls(engine, domain):
    return tables(engine, domain)["call_stats"]


def test_long_call_crossing_hours_and_midnight_lands_in_its_start_hour(engine, settings, tenant):
    # A-leg 23:50 -> 00:50 answered by 101, who hands over to 102 at 00:20 until 01:00 (one
    # linkedid: a transfer).
    add_cdrs(
        engine,
        tenant,
        {
            "calldate": "2026-01-01 23:50:00",
            "uniqueid": "a",
            "linkedid": "L",
            "channel": T1,
            "dstchannel": U101,
            "duration": 3600,
            "billsec": 3500,
        },
        {
            "calldate": "2026-01-02 00:20:00",
            "uniqueid": "b",
            "linkedid": "L",
            "channel": U101,
            "dstchannel": U102,
            "duration": 2400,
            "billsec": 1700,
        },
    )
    run(settings, tenant)
    got = tables(engine, tenant)
    assert set(got["call_stats"]) == {
        (H("2026-01-01 23:00"), 1, "in"),
        (H("2026-01-01 23:00"), 1, "out"),
    }
    row = got["call_stats"][(H("2026-01-01 23:00"), 1, "in")]
    # duration: greatest end (00:20 + 40 min = 01:00) minus start 23:50 = 70 min
    assert row == {
        "calls": 1,
        "answered": 1,
        "no_answer": 0,
        "busy": 0,
        "failed": 0,
        "billsec_total": 5200,
        "duration_total": 4200,
        "max_concurrent": None,
    }
    assert got["call_stats"][(H("2026-01-01 23:00"), 1, "out")]["calls"] == 0
    ann = got["user_stats"][(H("2026-01-01 23:00"), 1)]
    bob = got["user_stats"][(H("2026-01-01 23:00"), 2)]
    assert (ann["calls_in"], ann["calls_in_answered"], ann["talk_seconds"]) == (1, 1, 5200)
    assert (bob["calls_in"], bob["calls_in_answered"], bob["talk_seconds"]) == (1, 1, 1700)
    assert ann["calls_out"] == 0 and bob["calls_internal"] == 0


def test_parallel_dial_legs_are_one_call_answered_by_one_user(engine, settings, tenant):
    legs = [(U101, "NO ANSWER", 0), (U102, "ANSWERED", 30), ("SIP/103-07", "NO ANSWER", 0)]
    add_cdrs(
        engine,
        tenant,
        *[
            {
                "calldate": "2026-01-05 10:00:00",
                "uniqueid": f"u{i}",
                "linkedid": "P",
                "channel": T1,
                "dstchannel": dst,
                "disposition": disp,
                "duration": 40,
                "billsec": bill,
            }
            for i, (dst, disp, bill) in enumerate(legs)
        ],
    )
    run(settings, tenant)
    got = tables(engine, tenant)
    assert got["call_stats"][(H("2026-01-05 10:00"), 1, "in")]["calls"] == 1
    assert got["call_stats"][(H("2026-01-05 10:00"), 1, "in")]["billsec_total"] == 30
    ann, bob = (
        got["user_stats"][(H("2026-01-05 10:00"), 1)],
        got["user_stats"][(H("2026-01-05 10:00"), 2)],
    )
    assert (ann["calls_in"], ann["calls_in_answered"], ann["calls_in_missed"]) == (1, 0, 1)
    assert (bob["calls_in"], bob["calls_in_answered"], bob["talk_seconds"]) == (1, 1, 30)


def test_uniqueid_is_the_key_without_linkedid_and_directions_follow_the_channels(
    engine, settings, tenant
):
    add_cdrs(
        engine,
        tenant,
        # out through trunk10 (not trunk1: the dash is part of the match), busy
        {
            "calldate": "2026-01-05 11:10:00",
            "uniqueid": "o1",
            "channel": U101,
            "dstchannel": T10,
            "disposition": "BUSY",
            "duration": 5,
        },
        # internal call 101 -> 102, answered
        {
            "calldate": "2026-01-05 11:20:00",
            "uniqueid": "i1",
            "channel": U101,
            "dstchannel": U102,
            "duration": 60,
            "billsec": 50,
        },
        # out, two rows of one uniqueid, the first answered
        {
            "calldate": "2026-01-05 11:30:00",
            "uniqueid": "o2",
            "channel": U102,
            "dstchannel": T1,
            "duration": 100,
            "billsec": 90,
        },
        {
            "calldate": "2026-01-05 11:31:00",
            "uniqueid": "o2",
            "channel": U102,
            "dstchannel": T1,
            "disposition": "NO ANSWER",
            "duration": 10,
        },
    )
    run(settings, tenant)
    got = tables(engine, tenant)
    h = H("2026-01-05 11:00")
    assert got["call_stats"][(h, 2, "out")] | {"max_concurrent": None} == {
        "calls": 1,
        "answered": 0,
        "no_answer": 0,
        "busy": 1,
        "failed": 0,
        "billsec_total": 0,
        "duration_total": 5,
        "max_concurrent": None,
    }
    assert got["call_stats"][(h, 1, "out")]["answered"] == 1
    assert got["call_stats"][(h, 1, "out")]["duration_total"] == 100
    ann, bob = got["user_stats"][(h, 1)], got["user_stats"][(h, 2)]
    assert (
        ann["calls_out"],
        ann["calls_out_answered"],
        ann["calls_internal"],
        ann["talk_seconds"],
    ) == (1, 0, 1, 50)
    assert (
        bob["calls_out"],
        bob["calls_out_answered"],
        bob["calls_internal"],
        bob["talk_seconds"],
    ) == (1, 1, 1, 140)


def test_unknown_or_unmapped_trunk_number_is_zero(engine, settings, tenant):
    add_cdrs(
        engine,
        tenant,
        {"calldate": "2026-01-06 09:00:00", "uniqueid": "n1", "channel": T0, "dstchannel": U101},
        {"calldate": "2026-01-06 09:05:00", "uniqueid": "n2", "channel": TX, "dstchannel": U101},
        {
            "calldate": "2026-01-06 09:10:00",
            "uniqueid": "n3",
            "channel": U101,
            "dstchannel": "SIP/nosuchtrunk-9",
        },
    )
    run(settings, tenant)
    calls = _calls(engine, tenant)
    assert set(calls) == {(H("2026-01-06 09:00"), 0, "in"), (H("2026-01-06 09:00"), 0, "out")}
    assert calls[(H("2026-01-06 09:00"), 0, "in")]["calls"] == 2
    assert calls[(H("2026-01-06 09:00"), 0, "out")]["calls"] == 0  # n3 is internal


@pytest.mark.parametrize(
    ("disposition", "figure"),
    [
        ("8", "answered"),
        ("4", "busy"),
        ("2", "failed"),
        ("0", "no_answer"),
        ("1", "no_answer"),
        ("CONGESTION", "failed"),
        ("FAILED", "failed"),
        ("NO ANSWER", "no_answer"),
        ("", "no_answer"),
    ],
)
def test_text_and_numeric_dispositions(engine, settings, tenant, disposition, figure):
    add_cdrs(
        engine,
        tenant,
        {
            "calldate": "2026-01-07 08:00:00",
            "uniqueid": "d",
            "channel": T1,
            "dstchannel": U101,
            "disposition": disposition,
            "billsec": 9,
        },
    )
    run(settings, tenant)
    row = _calls(engine, tenant)[(H("2026-01-07 08:00"), 1, "in")]
    assert row["calls"] == 1 and row[figure] == 1
    assert row["billsec_total"] == (9 if figure == "answered" else 0)


def test_outcome_is_the_last_rows_disposition_and_negative_seconds_count_zero(
    engine, settings, tenant
):
    add_cdrs(
        engine,
        tenant,
        {
            "calldate": "2026-01-07 09:00:00",
            "uniqueid": "x",
            "channel": T1,
            "dstchannel": U101,
            "disposition": "BUSY",
            "duration": -5,
            "billsec": -3,
        },
        {
            "calldate": "2026-01-07 09:00:10",
            "uniqueid": "x",
            "channel": T1,
            "dstchannel": U102,
            "disposition": "CONGESTION",
            "duration": 20,
        },
    )
    run(settings, tenant)
    row = _calls(engine, tenant)[(H("2026-01-07 09:00"), 1, "in")]
    assert (row["failed"], row["busy"], row["duration_total"]) == (1, 0, 30)


def test_late_leg_of_a_long_call_updates_an_hour_already_computed(engine, settings, tenant):
    # The B-leg (started 11:05) ends first; the A-leg (started 10:55) is written hours later and
    # moves the whole call into 10:00.
    add_cdrs(
        engine,
        tenant,
        {
            "calldate": "2026-01-08 11:05:00",
            "uniqueid": "b",
            "linkedid": "LL",
            "channel": U101,
            "dstchannel": U102,
            "duration": 60,
            "billsec": 60,
        },
        {
            "calldate": "2026-01-08 10:30:00",
            "uniqueid": "c",
            "channel": T1,
            "dstchannel": U101,
            "duration": 10,
            "billsec": 10,
        },
    )
    run(settings, tenant)
    assert tables(engine, tenant)["user_stats"][(H("2026-01-08 11:00"), 2)]["calls_internal"] == 1
    add_cdrs(
        engine,
        tenant,
        {
            "calldate": "2026-01-08 10:55:00",
            "uniqueid": "a",
            "linkedid": "LL",
            "channel": T1,
            "dstchannel": U101,
            "duration": 7200,
            "billsec": 7000,
        },
    )
    run(settings, tenant)
    got = tables(engine, tenant)
    assert (H("2026-01-08 11:00"), 2) not in got["user_stats"]
    row = got["call_stats"][(H("2026-01-08 10:00"), 1, "in")]
    assert (row["calls"], row["answered"], row["billsec_total"], row["duration_total"]) == (
        2,
        2,
        7070,
        7210,
    )
    assert got["user_stats"][(H("2026-01-08 10:00"), 2)]["calls_in"] == 1


def test_zero_dates_are_skipped_and_counted_as_malformed(engine, settings, tenant):
    add_zero_date_cdr(engine, tenant, "z")
    add_cdrs(engine, tenant, {"calldate": "2026-01-09 12:00:00", "uniqueid": "ok", "channel": T1})
    (result,) = run(settings, tenant)
    assert result.malformed["ast_cdr_adaptive"] == 1
    assert totals(_calls(engine, tenant))["calls"] == 1

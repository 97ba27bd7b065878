"""Golden tests of the queue-log rules of analytics.md (1.6 layout: epochs, `|`-joined data)."""

from __future__ import annotations

import calendar
from datetime import datetime

import pytest

from tests.pipeline.helpers import add_queue_log, run, setup_platform, tables

H = datetime.fromisoformat
MSK = 3 * 3600  # Europe/Moscow, the tests' tenant zone: UTC+3 all year


def ep(local: str) -> str:
    """The epoch string of a Moscow wall-clock time, as Asterisk 1.6 realtime writes it."""
    return str(calendar.timegm(H(local).timetuple()) - MSK)


@pytest.fixture(params=["1.6", "1.8"])
def tenant(engine, make_tenant, request):
    domain = make_tenant(queue_log_layout=request.param)
    setup_platform(
        engine, domain, people=((1, "101", "Ann"), (2, "102", "Bob")), queue_sla=(("sales", 15),)
    )
    return domain


def t(local: str, tenant: str):
    """A queue-log time in the tenant's layout."""
    return ep(local) if tenant and _is16[tenant] else H(local)


_is16: dict[str, bool] = {}


@pytest.fixture
def log(engine, tenant):
    from sqlalchemy import inspect

    cols = {c["name"] for c in inspect(engine).get_columns("ast_queue_log", schema=tenant)}
    _is16[tenant] = "data" in cols

    def add(*rows):
        add_queue_log(engine, tenant, *[(t(r[0], tenant), *r[1:]) for r in rows])

    return add


def _q(engine, tenant, hour="2026-02-02 10:00", queue="sales"):
    return tables(engine, tenant)["queue_calls_stats"][(H(hour), queue)]


def test_each_outcome_is_counted_once_in_the_enterqueue_hour(engine, settings, tenant, log):
    log(
        ("2026-02-02 10:00:00", "a", "sales", "NONE", "ENTERQUEUE", "", "555", "1"),
        ("2026-02-02 10:00:12", "a", "sales", "SIP/101", "CONNECT", "12", "a.2", "3"),
        ("2026-02-02 10:05:00", "a", "sales", "SIP/101", "COMPLETECALLER", "12", "288", "1"),
        ("2026-02-02 10:10:00", "b", "sales", "NONE", "ENTERQUEUE", "", "556", "1"),
        ("2026-02-02 10:10:40", "b", "sales", "NONE", "ABANDON", "1", "1", "40"),
        ("2026-02-02 10:20:00", "c", "sales", "NONE", "ENTERQUEUE", "", "557", "1"),
        ("2026-02-02 10:25:00", "c", "sales", "NONE", "EXITWITHTIMEOUT", "1", "1", "300"),
        ("2026-02-02 10:30:00", "d", "sales", "NONE", "ENTERQUEUE", "", "558", "1"),
        ("2026-02-02 10:30:05", "d", "sales", "NONE", "EXITWITHKEY", "5", "1"),  # key|position
        ("2026-02-02 10:40:00", "e", "sales", "NONE", "ENTERQUEUE", "", "559", "1"),
        ("2026-02-02 10:40:01", "e", "sales", "NONE", "EXITEMPTY", "1", "1", "1"),
        ("2026-02-02 10:50:00", "f", "sales", "NONE", "ENTERQUEUE", "", "560", "1"),
        ("2026-02-02 10:50:30", "f", "sales", "PJSIP/102", "CONNECT", "30", "f.2", "3"),
        (
            "2026-02-02 11:10:00",
            "f",
            "sales",
            "PJSIP/102",
            "TRANSFER",
            "200",
            "ctx",
            "30",
            "60",
            "1",
        ),
        ("2026-02-02 10:55:00", "g", "sales", "NONE", "ENTERQUEUE", "", "561", "1"),
    )  # waiting
    (result,) = run(settings, tenant)
    assert result.malformed["ast_queue_log"] == 0
    assert _q(engine, tenant) == {
        "offered": 7,
        "answered": 2,
        "abandoned": 1,
        "timeout": 1,
        "exit_key": 1,
        "exit_empty": 1,
        "answered_in_sla": 1,
        "wait_answered_total": 42,
        "wait_answered_max": 30,
        "wait_abandoned_total": 40,
        "talk_total": 348,
        "transferred": 1,
    }
    users = tables(engine, tenant)["user_stats"]
    assert users[(H("2026-02-02 10:00"), 1)]["queue_answered"] == 1
    assert users[(H("2026-02-02 10:00"), 1)]["queue_talk_seconds"] == 288
    assert users[(H("2026-02-02 10:00"), 2)]["queue_talk_seconds"] == 60


def test_reentry_into_the_same_queue_is_a_new_queue_call(engine, settings, tenant, log):
    log(
        ("2026-02-02 10:00:00", "r", "sales", "NONE", "ENTERQUEUE", "", "1", "1"),
        ("2026-02-02 10:05:00", "r", "sales", "NONE", "EXITWITHTIMEOUT", "1", "1", "300"),
        ("2026-02-02 11:00:00", "r", "sales", "NONE", "ENTERQUEUE", "", "1", "1"),
        ("2026-02-02 11:00:20", "r", "sales", "SIP/101", "CONNECT", "20", "x", "1"),
        ("2026-02-02 11:01:00", "r", "sales", "SIP/101", "COMPLETEAGENT", "20", "40", "1"),
    )
    run(settings, tenant)
    first, second = _q(engine, tenant), _q(engine, tenant, "2026-02-02 11:00")
    assert (first["offered"], first["timeout"], first["answered"]) == (1, 1, 0)
    assert (second["offered"], second["answered"], second["answered_in_sla"]) == (1, 1, 0)
    assert second["talk_total"] == 40


def test_duplicate_rows_count_once_and_events_before_enterqueue_are_ignored(
    engine, settings, tenant, log
):
    row = ("2026-02-02 10:00:00", "d", "sales", "NONE", "ENTERQUEUE", "", "1", "1")
    log(
        ("2026-02-02 09:59:00", "d", "sales", "SIP/101", "CONNECT", "1", "x", "1"),
        row,
        row,
        ("2026-02-02 10:00:09", "d", "sales", "SIP/101", "CONNECT", "9", "x", "1"),
        row,
    )
    run(settings, tenant)
    q = _q(engine, tenant)
    assert (q["offered"], q["answered"], q["wait_answered_total"]) == (1, 1, 9)


def test_ringnoanswer_of_zero_ms_is_not_counted(engine, settings, tenant, log):
    log(
        ("2026-02-02 10:00:00", "n", "sales", "NONE", "ENTERQUEUE", "", "1", "1"),
        ("2026-02-02 10:00:00", "n", "sales", "SIP/101", "RINGNOANSWER", "0"),
        ("2026-02-02 10:00:15", "n", "sales", "Bob", "RINGNOANSWER", "15000"),
        ("2026-02-02 10:00:30", "n", "sales", "SIP/999", "RINGNOANSWER", "15000"),
    )
    run(settings, tenant)
    users = tables(engine, tenant)["user_stats"]
    assert set(users) == {(H("2026-02-02 10:00"), 2)}
    assert users[(H("2026-02-02 10:00"), 2)]["queue_ringnoanswer"] == 1


def test_an_outcome_logged_in_a_later_pass_updates_the_hour(engine, settings, tenant, log):
    log(("2026-02-02 10:59:00", "l", "sales", "NONE", "ENTERQUEUE", "", "1", "1"))
    run(settings, tenant)
    assert _q(engine, tenant)["answered"] == 0
    log(("2026-02-02 11:00:10", "l", "sales", "SIP/102", "CONNECT", "70", "x", "1"))
    run(settings, tenant)
    assert (_q(engine, tenant)["answered"], _q(engine, tenant)["wait_answered_max"]) == (1, 70)
    log(("2026-02-02 11:30:00", "l", "sales", "SIP/102", "COMPLETECALLER", "70", "1790", "1"))
    run(settings, tenant)
    assert _q(engine, tenant)["talk_total"] == 1790
    assert (
        tables(engine, tenant)["user_stats"][(H("2026-02-02 10:00"), 2)]["queue_talk_seconds"]
        == 1790
    )


def test_unreadable_times_and_garbage_arguments_are_counted_not_fatal(
    engine, settings, tenant, log
):
    log(
        ("2026-02-02 10:00:00", "m", "sales", "NONE", "ENTERQUEUE", "", "1", "1"),
        ("2026-02-02 10:00:07", "m", "sales", "SIP/101", "CONNECT", "soon", "x", "1"),
        ("2026-02-02 10:03:00", "m", "sales", "SIP/101", "COMPLETECALLER", "", "", "1"),
    )
    add_queue_log(
        engine,
        tenant,
        ("yesterday" if _is16[tenant] else None, "m", "sales", "NONE", "ABANDON", "1", "1", "5"),
    )
    (result,) = run(settings, tenant)
    assert result.malformed["ast_queue_log"] == 2  # the time and the holdtime "soon"
    q = _q(engine, tenant)
    assert (q["answered"], q["wait_answered_total"], q["talk_total"], q["abandoned"]) == (
        1,
        0,
        0,
        0,
    )


def test_epochs_are_local_time_in_the_tenant_zone(engine, settings, make_tenant):
    domain = make_tenant(queue_log_layout="1.6")
    add_queue_log(
        engine, domain, (ep("2026-02-02 00:30:00"), "z", "q", "NONE", "ENTERQUEUE", "", "1")
    )
    run(settings, domain)
    assert set(tables(engine, domain)["queue_calls_stats"]) == {(H("2026-02-02 00:00"), "q")}

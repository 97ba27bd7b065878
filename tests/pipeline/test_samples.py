"""The public samples, loaded as their README says, give the figures it lists."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from tests.conftest import SAMPLES, settings_for
from tests.pipeline.helpers import add_cdrs, add_queue_log, run, setup_platform, tables, totals

H = datetime.fromisoformat
CSV_COLUMNS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield", "peeraccount", "linkedid", "sequence",
)  # fmt: skip


def test_queue_log_sample_gives_the_listed_figures(engine, mariadb, make_tenant):
    domain = make_tenant(queue_log_layout="1.8")
    setup_platform(
        engine,
        domain,
        people=tuple(
            (i, f"login{i}", name)
            for i, name in enumerate(
                [
                    "John Rembold",
                    "Paty Marin",
                    "Sara Sangri",
                    "Tania Lissete Flores Zavala",
                    "Vanessa Flores",
                ],
                1,
            )
        ),
    )
    rows = []
    for line in (SAMPLES / "asterisk2slack_queue_log.txt").read_text().splitlines():
        if not line.strip():
            continue
        epoch, callid, queue, agent, event, *args = line.split("|")
        rows.append(
            (
                datetime.fromtimestamp(int(epoch), UTC).replace(tzinfo=None),
                callid,
                queue,
                agent,
                event,
                *args,
            )
        )
    add_queue_log(engine, domain, *rows)
    run(settings_for(mariadb.url, mysql={"timezone": "UTC"}), domain)
    got = tables(engine, domain)
    zero = dict.fromkeys(got["queue_calls_stats"][(H("2018-12-28 16:00"), "201")], 0)
    assert got["queue_calls_stats"] == {
        (H("2018-12-28 16:00"), "201"): zero
        | {
            "offered": 1,
            "answered": 1,
            "answered_in_sla": 1,
            "wait_answered_total": 10,
            "wait_answered_max": 10,
            "talk_total": 122,
        },
        (H("2018-12-28 20:00"), "201"): zero
        | {
            "offered": 1,
            "answered": 1,
            "answered_in_sla": 1,
            "wait_answered_total": 14,
            "wait_answered_max": 14,
        },
    }
    users = got["user_stats"]
    assert set(users) == {(H("2018-12-28 16:00"), 2), (H("2018-12-28 20:00"), 2)}
    assert users[(H("2018-12-28 16:00"), 2)]["queue_answered"] == 1
    assert users[(H("2018-12-28 16:00"), 2)]["queue_talk_seconds"] == 122
    assert users[(H("2018-12-28 20:00"), 2)]["queue_answered"] == 1


@pytest.fixture
def cdr_sample(engine, make_tenant):
    domain = make_tenant()
    setup_platform(
        engine,
        domain,
        numbers=(1, 2),
        trunks=((1, "211474", 1), (2, "211553", 2), (3, "stadionpbx", None)),
        people=((1, "301", ""), (2, "200", "")),
    )
    with (SAMPLES / "dj-asterisk-cdr_Master.csv").open(encoding="latin-1", newline="") as f:
        records = [dict(zip(CSV_COLUMNS, rec, strict=True)) for rec in csv.reader(f)]
    keep = (
        "accountcode",
        "src",
        "dst",
        "dcontext",
        "clid",
        "channel",
        "dstchannel",
        "lastapp",
        "lastdata",
        "duration",
        "billsec",
        "disposition",
        "uniqueid",
        "userfield",
        "linkedid",
    )
    add_cdrs(
        engine, domain, *[{"calldate": r["start"], **{k: r[k] for k in keep}} for r in records]
    )
    return domain


def test_cdr_sample_gives_the_listed_figures(engine, settings, cdr_sample):
    run(settings, cdr_sample)
    got = tables(engine, cdr_sample)
    calls = got["call_stats"]
    no_max = {"max_concurrent": 0}
    assert (
        totals(calls, k1=1, k2="in") | no_max
        == {
            "calls": 9,
            "answered": 8,
            "no_answer": 1,
            "busy": 0,
            "failed": 0,
            "billsec_total": 156,
            "duration_total": 171,
        }
        | no_max
    )
    assert (
        totals(calls, k1=2, k2="in") | no_max
        == {
            "calls": 27,
            "answered": 23,
            "no_answer": 3,
            "busy": 1,
            "failed": 0,
            "billsec_total": 728,
            "duration_total": 956,
        }
        | no_max
    )
    assert totals(calls, k2="out")["calls"] == 0
    assert len({h for h, _, _ in calls}) == 15
    user1 = totals(got["user_stats"], k1=1)
    assert (user1["calls_in"], user1["calls_in_answered"], user1["calls_in_missed"]) == (28, 19, 9)
    assert user1["talk_seconds"] == 617
    assert totals(got["user_stats"], k1=2) == {}

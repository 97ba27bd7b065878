"""kill -9 the real `qfon pipeline run` at random points of a pass; the next pass repairs all."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from pipeline.runner import rebuild
from qfon.tenants import Tenant
from tests.conftest import TEST_TZ, settings_for
from tests.pipeline.helpers import add_cdrs, add_inuse, add_queue_log, run, setup_platform, tables

START = datetime(2026, 5, 1, 8, 0)


def _activity(rng: random.Random, batch: int, n: int) -> tuple[list, list, list]:
    cdrs, events, samples = [], [], []
    for i in range(n):
        at = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 3))
        key = f"{batch}.{i // 2}"  # two legs per call, the second written later
        trunk = rng.choice(["SIP/t1-0", "SIP/t2-0", "SIP/101-0"])
        cdrs.append(
            {
                "calldate": at,
                "uniqueid": f"{key}.{i}",
                "linkedid": key,
                "channel": trunk,
                "dstchannel": rng.choice(["SIP/101-1", "SIP/102-1", "SIP/t1-9"]),
                "disposition": rng.choice(["ANSWERED", "NO ANSWER", "BUSY", "8"]),
                "duration": rng.randrange(0, 4000),
                "billsec": rng.randrange(0, 3000),
            }
        )
        if i % 4 == 0:
            callid = f"q{batch}.{i}"
            events += [
                (at, callid, "sales", "NONE", "ENTERQUEUE", "", "1", "1"),
                (at + timedelta(seconds=9), callid, "sales", "SIP/101", "CONNECT", "9", "x", "1"),
                (
                    at + timedelta(seconds=99),
                    callid,
                    "sales",
                    "SIP/101",
                    "COMPLETECALLER",
                    "9",
                    "90",
                    "1",
                ),
            ]
        if i % 3 == 0:
            samples.append((at, rng.choice([1, 2]), rng.randrange(0, 5)))
    return cdrs, events, samples


@pytest.mark.slow
def test_a_pass_killed_at_random_points_is_repaired_by_the_next(
    engine, make_tenant, mariadb, tmp_path
):
    # The server may still run the killed client's statement (holding its lock) for a moment.
    settings = settings_for(mariadb.url, pipeline={"lock_wait": 120})
    rng = random.Random(7)
    domain = make_tenant(queue_log_layout="1.8")
    setup_platform(
        engine,
        domain,
        numbers=(1, 2),
        trunks=((1, "t1", 1), (2, "t2", 2)),
        people=((1, "101", "A"), (2, "102", "B")),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
    env.update(
        {
            "QFON_MYSQL_URL": mariadb.url,
            "QFON_MYSQL_TIMEZONE": TEST_TZ,
            "QFON_DEFAULT_CONFIG": str(tmp_path / "absent.toml"),
        }
    )
    killed = 0
    for batch in range(4):
        cdrs, events, samples = _activity(rng, batch, 6000)
        add_cdrs(engine, domain, *cdrs)
        add_queue_log(engine, domain, *events)
        add_inuse(engine, domain, *samples)
        proc = subprocess.Popen(
            [sys.executable, "-m", "qfon", "pipeline", "run", "--tenant", domain],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 2.5))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        if batch % 2:
            run(settings, domain)  # sometimes a good pass in between, sometimes not
    run(settings, domain)
    incremental = tables(engine, domain)
    assert rebuild(settings, Tenant(domain), None, None).status == "ok"
    assert tables(engine, domain) == incremental
    assert incremental["call_stats"] and incremental["queue_calls_stats"]
    assert killed >= 1

"""The real `qfon pipeline ...` commands in child processes against private servers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from qfon.db import engine_for
from qfon.private_mariadb import PrivateMariaDB
from qfon.tenant_admin import create_tenant, drop_tenant
from tests.conftest import TEST_TZ
from tests.pipeline.helpers import add_cdrs, add_queue_log, setup_platform, tables

CALL = {
    "calldate": "2026-04-01 10:00:00",
    "uniqueid": "u1",
    "channel": "SIP/t-1",
    "dstchannel": "SIP/101-2",
    "billsec": 5,
}


def _lines(stdout: str) -> dict[str, dict]:
    return {d["tenant"]: d for d in map(json.loads, stdout.splitlines()) if d}


def _tenant_with_a_call(engine, make_tenant):
    domain = make_tenant()
    setup_platform(engine, domain, numbers=(1,), trunks=((1, "t", 1),), people=((1, "101", "A"),))
    add_cdrs(engine, domain, CALL)
    return domain


def test_run_prints_one_json_line_per_tenant_and_a_second_pass_reads_nothing(
    engine, make_tenant, qfon_cli
):
    domain = _tenant_with_a_call(engine, make_tenant)
    first = qfon_cli("pipeline", "run", "--tenant", domain)
    assert first.returncode == 0, first.stderr
    line = _lines(first.stdout)[domain]
    assert (line["status"], line["rows_read"], line["hours_recomputed"]) == ("ok", 1, 1)
    assert {"malformed", "seconds"} <= set(line)
    second = _lines(qfon_cli("pipeline", "run", "--tenant", domain).stdout)[domain]
    assert (second["rows_read"], second["hours_recomputed"]) == (0, 0)
    status = qfon_cli("pipeline", "status", "--tenant", domain)
    assert status.returncode == 0 and domain in status.stdout and "1/0/0" in status.stdout
    assert "never" not in status.stdout


def test_disabled_tenant_is_skipped_and_a_failing_one_does_not_stop_the_others(
    engine, make_tenant, qfon_cli
):
    ok, off, broken = (_tenant_with_a_call(engine, make_tenant) for _ in range(3))
    with engine.begin() as conn:
        conn.execute(
            text(
                f"UPDATE `{off}`.options SET name = 'Analytics_Enabled', value = '0' "
                "WHERE name = 'analytics_enabled'"
            )
        )
        conn.execute(text(f"DROP TABLE `{broken}`.inuse"))
    result = qfon_cli("pipeline", "run", "--tenant", broken, "--tenant", ok, "--tenant", off)
    assert result.returncode == 1
    lines = _lines(result.stdout)
    assert lines[ok]["status"] == "ok" and lines[off]["status"] == "skipped"
    assert lines[broken]["status"] == "failed" and "inuse" in lines[broken]["error"]
    assert "Traceback" not in result.stderr
    assert tables(engine, off)["call_stats"] == {}
    status = qfon_cli("pipeline", "status", "--tenant", broken)
    assert "inuse" in status.stdout


def test_a_tenant_locked_by_another_process_is_left_alone(engine, make_tenant, qfon_cli):
    domain = _tenant_with_a_call(engine, make_tenant)
    with engine.connect() as holder:
        assert holder.execute(text(f"SELECT GET_LOCK('qfon_pipeline:{domain}', 0)")).scalar() == 1
        result = qfon_cli("pipeline", "run", "--tenant", domain)
        holder.execute(text(f"SELECT RELEASE_LOCK('qfon_pipeline:{domain}')"))
    assert result.returncode == 0
    assert _lines(result.stdout)[domain]["status"] == "busy"
    assert tables(engine, domain)["call_stats"] == {}


def test_tenants_of_two_servers_are_all_processed(engine, mariadb, qfon_cli, tmp_path):
    with PrivateMariaDB(buffer_pool="64M") as second:
        other = engine_for(second.url)
        create_tenant(engine, "twin_a")
        create_tenant(other, "twin_b", "1.8")
        try:
            for eng, name in ((engine, "twin_a"), (other, "twin_b")):
                setup_platform(eng, name, numbers=(1,), trunks=((1, "t", 1),))
                add_cdrs(eng, name, CALL)
            add_queue_log(other, "twin_b", ("2026-04-01 10:00:00", "c", "q", "NONE", "ENTERQUEUE"))
            config = tmp_path / "qfon.toml"
            config.write_text(
                f'[mysql]\nurls = ["{mariadb.url}", "{second.url}"]\n'
                f'include = ["twin_*"]\ntimezone = "{TEST_TZ}"\n'
            )
            result = qfon_cli("pipeline", "run", config=config)
            assert result.returncode == 0, result.stderr
            assert set(_lines(result.stdout)) == {"twin_a", "twin_b"}
            assert tables(engine, "twin_a")["call_stats"]
            assert tables(other, "twin_b")["queue_calls_stats"]
        finally:
            drop_tenant(engine, "twin_a")
            drop_tenant(other, "twin_b")
            other.dispose()


def test_rebuild_of_a_day_range_shows_progress_and_keeps_the_figures(engine, make_tenant, qfon_cli):
    domain = _tenant_with_a_call(engine, make_tenant)
    assert qfon_cli("pipeline", "run", "--tenant", domain).returncode == 0
    before = tables(engine, domain)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE `{domain}`.call_stats SET calls = 99"))
    result = qfon_cli(
        "pipeline", "rebuild", "--tenant", domain, "--from", "2026-03-31", "--to", "2026-04-02"
    )
    assert result.returncode == 0, result.stderr
    assert "rebuilding" in result.stderr
    assert tables(engine, domain) == before
    full = qfon_cli("pipeline", "rebuild", "--tenant", domain)
    assert full.returncode == 0 and tables(engine, domain) == before
    bad = qfon_cli("pipeline", "rebuild", "--tenant", domain, "--from", "April")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_serve_passes_at_start_and_stops_cleanly_on_sigterm(engine, make_tenant, mariadb, tmp_path):
    domain = _tenant_with_a_call(engine, make_tenant)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
    env.update(
        {
            "QFON_MYSQL_URL": mariadb.url,
            "QFON_MYSQL_TIMEZONE": TEST_TZ,
            "QFON_MYSQL_INCLUDE": f'["{domain}"]',
            "QFON_DEFAULT_CONFIG": str(tmp_path / "absent.toml"),
        }
    )
    log_file = tmp_path / "serve.log"
    with log_file.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qfon", "pipeline", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not tables(engine, domain)["call_stats"]:
            assert proc.poll() is None, log_file.read_text()
            time.sleep(0.2)
        assert tables(engine, domain)["call_stats"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = log_file.read_text()
    assert '"status": "ok"' in stderr and "stopped" in stderr and "Traceback" not in stderr


@pytest.mark.parametrize("wait", [0])
def test_status_of_a_tenant_never_processed_says_never(engine, make_tenant, qfon_cli, wait):
    domain = make_tenant()
    result = qfon_cli("pipeline", "status", "--tenant", domain)
    assert result.returncode == 0 and "never" in result.stdout

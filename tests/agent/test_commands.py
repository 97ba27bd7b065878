"""`qfon agent collect` and `qfon agent serve` as real processes (no Zabbix needed)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from qfon.private_mariadb import free_port
from tests.agent.conftest import HostLayout
from tests.agent.zabbix_harness import wait_for
from tests.conftest import REPO


def test_collect_prints_one_round_as_json(host_layout: HostLayout):
    done = host_layout.agent("collect")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["errors"] == []
    assert "vfs.fs.discovery" in data["discovery"]
    assert data["values"]["services"]["pbx.service.up[mysql]"] == 1  # the test MariaDB runs
    assert data["values"]["vms"][f"pbx.tenant.vm.running[{host_layout.running}]"] == 1


def test_serve_spools_while_zabbix_is_away_and_stops_cleanly_on_sigterm(host_layout: HostLayout):
    log = host_layout.root / "serve.log"
    env = host_layout.env(
        QFON_ZABBIX_PORT=str(free_port()),  # nothing listens there
        QFON_AGENT_INTERVAL="5",
        QFON_AGENT_SPOOL_DIR=str(host_layout.root / "serve-spool"),
    )
    with log.open("w") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "qfon", "agent", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=REPO,
        )
    try:
        wait_for("a round", lambda: "values spooled" in log.read_text(), timeout=120)
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    text = log.read_text()
    assert "agent stopped" in text and "Traceback" not in text
    assert list((host_layout.root / "serve-spool").glob("*.jsonl"))

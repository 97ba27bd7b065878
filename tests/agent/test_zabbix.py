"""The agent against a real Zabbix 6.0: values, a service trigger, the spool across an outage."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.agent.conftest import HostLayout
from tests.agent.zabbix_harness import ZabbixHarness, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.zabbix]

TEMPLATE_NAME = "PBX host by qfon agent"


@dataclass
class ZabbixHost:
    """A host in Zabbix linked to the template, and the fake PBX host that feeds it."""

    zabbix: ZabbixHarness
    layout: HostLayout
    name: str
    hostid: str

    def agent(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.layout.agent(
            *args,
            QFON_ZABBIX_PORT=str(self.zabbix.port),
            QFON_ZABBIX_HOST=self.name,
            QFON_ZABBIX_TIMEOUT="5",
        )

    def items(self) -> dict[str, dict]:
        found = self.zabbix.call(
            "item.get", hostids=[self.hostid], output=["itemid", "key_", "value_type", "lastvalue"]
        )
        return {i["key_"]: i for i in found}

    def history(self, item: dict, limit: int = 50) -> list[dict]:
        return self.zabbix.call(
            "history.get",
            itemids=[item["itemid"]],
            history=int(item["value_type"]),
            sortfield="clock",
            sortorder="DESC",
            limit=limit,
            output="extend",
        )


@pytest.fixture(scope="module")
def zhost(zabbix: ZabbixHarness, host_layout: HostLayout) -> Iterator[ZabbixHost]:
    template = zabbix.call("template.get", filter={"host": TEMPLATE_NAME}, output=["templateid"])
    group = zabbix.call("hostgroup.get", filter={"name": "Linux servers"}, output=["groupid"])
    name = f"pbx-test-{os.getpid()}"
    made = zabbix.call(
        "host.create",
        host=name,
        groups=[{"groupid": group[0]["groupid"]}],
        templates=[{"templateid": template[0]["templateid"]}],
    )
    yield ZabbixHost(zabbix, host_layout, name, made["hostids"][0])
    zabbix.call("host.delete", made["hostids"][0])


def round_keys(zhost: ZabbixHost) -> dict[str, object]:
    """The item values of one `agent collect` round, by key."""
    done = zhost.agent("collect")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    return {k: v for family in data["values"].values() for k, v in family.items()}


def test_every_kind_of_value_reaches_zabbix(zhost: ZabbixHost):
    expected = round_keys(zhost)

    def all_items_exist() -> bool:
        done = zhost.agent("run", "--once")  # discovery creates the prototypes' items
        assert "Traceback" not in done.stderr, done.stderr
        return set(expected) <= set(zhost.items())

    wait_for("LLD to create every item", all_items_exist, timeout=120)

    def all_have_history() -> list[str] | None:
        zhost.agent("run", "--once")
        items = zhost.items()
        missing = [k for k in expected if not zhost.history(items[k], limit=1)]
        return None if missing else ["ok"]

    wait_for("a value of every item in history", all_have_history, timeout=120)
    items = zhost.items()
    value = {k: zhost.history(items[k], limit=1)[0]["value"] for k in expected}
    lay = zhost.layout
    assert value["pbx.xen.toolstack"] == "xl"
    assert value[f"pbx.tenant.vm.running[{lay.running}]"] == "1"
    assert value[f"pbx.tenant.vm.running[{lay.stopped}]"] == "0"
    assert value[f"pbx.tenant.recordings.size[{lay.running}]"] == "4321"
    assert value[f"pbx.tenant.backup.status[{lay.stopped}]"] == "failed"
    assert float(value[f"pbx.tenant.pipeline.lag[{lay.running}]"]) > 30 * 60
    assert value["vfs.fs.size[/,total]"] == str(expected["vfs.fs.size[/,total]"])
    assert float(value["system.cpu.util"]) >= 0

    def problems_open() -> set[str] | None:
        found = zhost.zabbix.call("problem.get", hostids=[zhost.hostid], output=["name"])
        seen[:] = sorted(p["name"] for p in found)
        return seen if wanted <= set(seen) else None

    seen: list[str] = []
    wanted = {
        f"Tenant {lay.stopped}: VM is not running",
        f"Tenant {lay.stopped}: last backup failed",
        f"Tenant {lay.stopped}: last good backup older than 26h",
        f"Tenant {lay.running}: pipeline lags over 30m",
        f"Tenant {lay.running}: the pipeline met malformed rows",
        "Last backup partly failed",
    }
    try:
        wait_for("the triggers' problems", problems_open)
    except AssertionError:
        assert wanted <= set(seen)  # shows the difference


def _fake_service(tmp: Path) -> subprocess.Popen[bytes]:
    """A process whose name is `rtpproxy` (a symlink to sleep keeps the link's name as comm)."""
    link = tmp / "rtpproxy"
    if not link.exists():
        link.symlink_to(shutil.which("sleep") or "/bin/sleep")
    return subprocess.Popen([str(link), "600"])


def _problem(zhost: ZabbixHost, name: str, eventid: str | None = None) -> dict | None:
    """The problem `eventid`, or else the open problem called `name`."""
    found = zhost.zabbix.call(
        "problem.get", hostids=[zhost.hostid], recent=True, output=["eventid", "name", "r_eventid"]
    )
    for problem in found:
        if problem["name"] != name:
            continue
        if eventid is not None and problem["eventid"] == eventid:
            return problem
        if eventid is None and problem["r_eventid"] == "0":
            return problem
    return None


def test_a_stopped_service_opens_a_problem_that_resolves_when_it_is_back(
    zhost: ZabbixHost, tmp_path: Path
):
    name = "Service rtpproxy is down"

    def up_is(expected: str) -> bool:
        zhost.agent("run", "--once")
        item = zhost.items()["pbx.service.up[rtpproxy]"]
        return zhost.history(item, 1)[0]["value"] == expected

    service = _fake_service(tmp_path)
    try:
        wait_for("rtpproxy seen up", lambda: up_is("1"))
    finally:
        service.terminate()
        service.wait()

    def opened() -> dict | None:
        zhost.agent("run", "--once")
        return _problem(zhost, name)

    problem = wait_for("the problem to open", opened)
    service = _fake_service(tmp_path)
    try:

        def resolved() -> dict | None:
            zhost.agent("run", "--once")
            found = _problem(zhost, name, problem["eventid"])
            return found if found and found["r_eventid"] != "0" else None

        wait_for("the problem to resolve", resolved, timeout=90)
    finally:
        service.terminate()
        service.wait()


def _spooled(spool: Path) -> list[dict]:
    values = []
    for path in sorted(spool.glob("*.jsonl")):
        values.extend(json.loads(line) for line in path.read_text().splitlines() if line)
    return values


def test_values_spooled_while_zabbix_is_down_arrive_with_their_clock(zhost: ZabbixHost):
    spool = zhost.layout.root / "spool"

    def drained() -> bool:
        return zhost.agent("run", "--once").returncode == 0 and not _spooled(spool)

    wait_for("an empty spool before the outage", drained)
    zhost.zabbix.stop()
    try:
        for _ in range(2):
            done = zhost.agent("run", "--once")
            assert done.returncode == 1
            assert "unreachable" in done.stderr
    finally:
        zhost.zabbix.start()
    spooled = _spooled(spool)
    assert len({v["clock"] for v in spooled}) >= 2
    files = list(spool.glob("*.jsonl"))
    assert files and all(p.stat().st_mode & 0o777 == 0o600 for p in files)

    def delivered() -> bool:
        done = zhost.agent("run", "--once")
        return done.returncode == 0 and not _spooled(spool)

    wait_for("the spool to be delivered", delivered, timeout=120)
    items = zhost.items()

    # Zabbix keeps a counter's previous value (for CHANGE_PER_SECOND) in memory only: after its
    # restart the first spooled counter value sets the baseline and is not stored.
    baseline = {}
    for value in spooled:
        if value["key"].startswith("net.if."):
            baseline.setdefault(value["key"], (value["clock"], value["ns"]))
    expected = [v for v in spooled if baseline.get(v["key"]) != (v["clock"], v["ns"])]
    missing: list[str] = []

    def all_found() -> bool:
        missing.clear()
        for value in expected:
            history = zhost.history(items[value["key"]], limit=20)
            stamps = {(h["clock"], h["ns"]) for h in history}
            if (str(value["clock"]), str(value["ns"])) not in stamps:
                missing.append(value["key"])
        return not missing

    try:
        wait_for("every spooled value in history", all_found, timeout=60)
    except AssertionError:
        assert missing == []  # names the values that never arrived
    for value in spooled:
        if value["key"].startswith("net.if."):
            continue  # stored as a rate by the template's preprocessing
        history = zhost.history(items[value["key"]], limit=20)
        by_stamp = {(h["clock"], h["ns"]): h["value"] for h in history}
        stored = by_stamp[(str(value["clock"]), str(value["ns"]))]
        if isinstance(value["value"], float):
            assert float(stored) == pytest.approx(value["value"], rel=1e-4)
        else:
            assert stored == str(value["value"])

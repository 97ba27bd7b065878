"""The template in dashboards/: current, importable shape, and the agent's keys both ways."""

from __future__ import annotations

import re
import uuid

import psutil
import pytest

from agent.metrics import Collector
from agent.runner import add_agent_health
from agent.spool import Spool
from tests.agent.conftest import TEMPLATE, HostLayout
from tests.agent.template_keys import builder, sent_keys, template_keys
from tests.conftest import settings_for


@pytest.fixture
def full_round(host_layout: HostLayout, monkeypatch: pytest.MonkeyPatch):
    """One round in-process on the fake host, where every data source exists."""
    env = host_layout.env()
    monkeypatch.setenv("PATH", env["PATH"])
    settings = settings_for(
        host_layout.mysql_url,
        mysql={"include": host_layout.tenants},
        agent={
            "spool_dir": env["QFON_AGENT_SPOOL_DIR"],
            "services": [{"name": "rtpproxy", "processes": ["rtpproxy"]}],
        },
        paths={"recordings": env["QFON_PATHS_RECORDINGS"]},
        backup={"target": env["QFON_BACKUP_TARGET"]},
    )
    collected = Collector(settings, background=False).collect()
    add_agent_health(collected, Spool(host_layout.root / "health-spool", 100), 0.5)
    return collected


def test_shipped_yaml_is_what_the_builder_makes():
    assert TEMPLATE.read_text() == builder().render()


def test_template_uses_only_block_yaml_uuid4_and_60_groups():
    text = TEMPLATE.read_text()
    assert "template_groups" not in text
    assert not re.search(r":\s*\{[^}]*$", text, re.MULTILINE), "a flow mapping spans lines"
    for found in re.findall(r"uuid: '?([0-9a-f]+)'?", text):
        assert len(found) == 32 and uuid.UUID(hex=found).version == 4


def test_every_sent_key_is_in_the_template_and_every_trapper_key_is_sent(full_round):
    assert not full_round.errors
    document = builder().template()
    expected = template_keys(document, full_round)
    sent = sent_keys(full_round)
    if psutil.swap_memory().total == 0:  # like the Zabbix agent: no swap, no free-swap percentage
        expected.discard("system.swap.size[,pfree]")
    assert sent - expected == set(), "sent but not in the template"
    assert expected - sent == set(), "in the template but never sent"


def test_round_reads_every_data_source(full_round, host_layout: HostLayout):
    values = {v.key: v.value for v in full_round.values()}
    running, stopped = host_layout.running, host_layout.stopped
    assert values[f"pbx.tenant.vm.running[{running}]"] == 1
    assert values[f"pbx.tenant.vm.running[{stopped}]"] == 0
    assert values[f"pbx.tenant.recordings.size[{running}]"] == 4321
    assert 45 * 60 <= values[f"pbx.tenant.pipeline.lag[{running}]"] < 50 * 60
    assert values[f"pbx.tenant.pipeline.malformed[{running}]"] == 3
    assert values[f"pbx.tenant.pipeline.error[{running}]"] == 1
    assert values[f"pbx.tenant.pipeline.lag[{stopped}]"] < 45 * 60
    assert values[f"pbx.tenant.pipeline.error[{stopped}]"] == 0
    assert values[f"pbx.tenant.backup.status[{stopped}]"] == "failed"
    assert values[f"pbx.tenant.backup.age[{stopped}]"] > 26 * 3600
    assert values["pbx.backup.status"] == "partial"
    assert values["pbx.backup.failures"] == 1
    assert values["pbx.xen.toolstack"] == "xl"


def test_without_xen_the_vm_state_is_reported_unsupported_once_and_never_as_down(
    host_layout: HostLayout, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", "/nonexistent")
    settings = settings_for(
        host_layout.mysql_url,
        mysql={"include": host_layout.tenants},
        agent={"spool_dir": str(host_layout.root / "noxen-spool")},
    )
    collector = Collector(settings, background=False)
    first, second = collector.collect(), collector.collect()
    assert not first.errors
    keys = sent_keys(first) | sent_keys(second)
    assert not [k for k in keys if k.startswith("pbx.tenant.vm.")]
    assert {v.key: v.value for v in first.values()}["pbx.xen.toolstack"] == "unsupported"
    assert "pbx.xen.toolstack" not in sent_keys(second)

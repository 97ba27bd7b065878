"""Fixtures of the agent tests: a stand-in Xen, a host layout with every data source, Zabbix."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import insert

from qfon.db import engine_for, tenant_connection
from qfon.private_mariadb import PrivateMariaDB
from qfon.schema import pipeline_state
from qfon.tenant_admin import create_tenant, drop_tenant
from tests.agent.zabbix_harness import ZabbixHarness
from tests.conftest import REPO, TEST_TZ

TEMPLATE = REPO / "dashboards" / "qfon_pbx_host.yaml"
XL_LIST = """Name                                        ID   Mem VCPUs\tState\tTime(s)
Domain-0                                     0  2048     2     r-----    5120.4
{running}                                    7   512     1     -b----     301.9
"""
IMPORT_RULES = {
    "groups": {"createMissing": True},
    "templates": {"createMissing": True, "updateExisting": True},
    "items": {"createMissing": True, "updateExisting": True, "deleteMissing": True},
    "triggers": {"createMissing": True, "updateExisting": True, "deleteMissing": True},
    "discoveryRules": {"createMissing": True, "updateExisting": True, "deleteMissing": True},
    "graphs": {"createMissing": True, "updateExisting": True, "deleteMissing": True},
    "templateDashboards": {"createMissing": True, "updateExisting": True, "deleteMissing": True},
    "templateLinkage": {"createMissing": True},
}


@dataclass
class HostLayout:
    """A fake PBX host: two tenants (one VM running, one not), recordings, backups, pipeline."""

    root: Path
    running: str
    stopped: str
    mysql_url: str
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def tenants(self) -> list[str]:
        return sorted([self.running, self.stopped])

    def env(self, **more: str) -> dict[str, str]:
        """The environment of a real `qfon agent` process on this host."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
        env.update(
            PATH=f"{self.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            QFON_DEFAULT_CONFIG=str(self.root / "absent.toml"),
            QFON_MYSQL_URL=self.mysql_url,
            QFON_MYSQL_TIMEZONE=TEST_TZ,
            QFON_MYSQL_INCLUDE=",".join(self.tenants),
            QFON_AGENT_SPOOL_DIR=str(self.root / "spool"),
            QFON_PATHS_RECORDINGS=str(self.root / "recordings"),
            QFON_BACKUP_TARGET=str(self.root / "backups"),
            QFON_AGENT_SERVICES=json.dumps(
                [
                    {"name": "rtpproxy", "processes": ["rtpproxy"]},
                    {"name": "mysql", "processes": ["mariadbd", "mysqld"]},
                    {"name": "opensips", "processes": ["re:opensips.*-f"]},
                ]
            ),
        )
        env.update(self.extra_env)
        env.update(more)
        return env

    def agent(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `python -m qfon agent ...` as a real child process."""
        return subprocess.run(
            [sys.executable, "-m", "qfon", "agent", *args],
            capture_output=True,
            text=True,
            env=self.env(**env),
            timeout=300,
            check=False,
            cwd=REPO,
        )


def _status_json(running: str, stopped: str) -> dict:
    now = dt.datetime.now(dt.UTC)
    return {
        "last_run": {
            "id": "20261127T023000Z",
            "status": "partial",
            "started": (now - dt.timedelta(hours=3)).isoformat(),
            "finished": (now - dt.timedelta(hours=2, minutes=50)).isoformat(),
            "duration_s": 612.5,
            "size_bytes": 73_400_320,
            "failures": [stopped],
        },
        "tenants": {
            running: {
                "last_good": (now - dt.timedelta(hours=3)).isoformat(),
                "last_status": "ok",
                "size_bytes": 73_400_320,
            },
            stopped: {
                "last_good": (now - dt.timedelta(hours=30)).isoformat(),
                "last_status": "failed",
                "size_bytes": 0,
            },
        },
    }


@pytest.fixture(scope="module")
def host_layout(
    mariadb: PrivateMariaDB, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HostLayout]:
    """Tenants with pipeline state, recordings, a backup status file and an `xl` on PATH."""
    root = tmp_path_factory.mktemp("pbxhost")
    tag = f"{os.getpid()}{root.name[-2:]}".replace("_", "")
    layout = HostLayout(root, f"agtrun{tag}", f"agtoff{tag}", mariadb.url)
    engine = engine_for(mariadb.url)
    for name in layout.tenants:
        create_tenant(engine, name)
        (root / "recordings" / name / "2026" / "11").mkdir(parents=True)
        (root / "recordings" / name / "2026" / "11" / "call.wav").write_bytes(b"\0" * 4321)
    with tenant_connection(engine, layout.running) as conn:
        stale = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=45)
        conn.execute(
            insert(pipeline_state).values(
                source="cdr",
                watermark=10,
                last_success=stale,
                rows_malformed=3,
                last_error="bad row",
            )
        )
        conn.commit()
    with tenant_connection(engine, layout.stopped) as conn:
        fresh = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=2)
        conn.execute(insert(pipeline_state).values(source="cdr", last_success=fresh))
        conn.commit()
    (root / "backups").mkdir()
    (root / "backups" / "status.json").write_text(
        json.dumps(_status_json(layout.running, layout.stopped))
    )
    (root / "bin").mkdir()
    xl = root / "bin" / "xl"
    xl.write_text("#!/bin/sh\ncat <<'EOF'\n" + XL_LIST.format(running=layout.running) + "EOF\n")
    xl.chmod(0o755)
    yield layout
    for name in layout.tenants:
        drop_tenant(engine, name)


@pytest.fixture(scope="session")
def zabbix(mariadb: PrivateMariaDB) -> Iterator[ZabbixHarness]:
    """A real Zabbix 6.0 server and API on loopback, with the template imported."""
    if not shutil.which("zabbix_server", path=os.environ.get("PATH", "") + ":/usr/sbin"):
        pytest.skip("zabbix-server-mysql is not installed (scripts/setup.sh installs it)")
    harness = ZabbixHarness(mariadb)
    try:
        harness.create_database()
        harness.write_config()
        harness.start()
        harness.start_api()
        assert (
            harness.call(
                "configuration.import",
                format="yaml",
                source=TEMPLATE.read_text(),
                rules=IMPORT_RULES,
            )
            is True
        )
        yield harness
    finally:
        harness.close()

"""Killing mariadbd in the middle of a dump: the backup is `partial` and restore ignores it.

Uses its own PrivateMariaDB: the session's server is never killed.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import text

from agent.backup.run import run_backup
from qfon.db import engine_for
from qfon.private_mariadb import PrivateMariaDB
from qfon.tenant_admin import create_tenant


@pytest.fixture
def own_server(tmp_path):
    server = PrivateMariaDB(base_dir=tmp_path / "own-mariadb")
    server.start()
    yield server
    server.stop()


@pytest.mark.slow
def test_killed_server_leaves_a_partial_backup_that_restore_ignores(own_server, env_for, qfon_cli):
    engine = engine_for(own_server.url)
    create_tenant(engine, "aaa_small")
    create_tenant(engine, "zzz_big")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO aaa_small.ast_cdr_adaptive (calldate, src) VALUES (NOW(), '1')")
        )
        conn.execute(
            text(
                "INSERT INTO zzz_big.ast_cdr_adaptive (calldate, src, userfield) "
                "SELECT NOW(), seq, REPEAT('x', 200) FROM seq.seq_1_to_400000"
            )
        )
    env = env_for(url=own_server.url, parallel=1)
    assert run_backup(env.settings) == 0
    (good,) = [p.name for p in env.target.iterdir() if p.is_dir()]

    def kill_when_big_dump_starts() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if any(env.target.glob("*.tmp/db/zzz_big.sql.zst.partial")):
                own_server.process.kill()
                return
            time.sleep(0.002)

    killer = threading.Thread(target=kill_when_big_dump_starts)
    killer.start()
    assert run_backup(env.settings) == 1
    killer.join()
    folders = sorted(p for p in env.target.iterdir() if p.is_dir())
    partial = json.loads((folders[-1] / "manifest.json").read_text())
    assert partial["status"] == "partial"
    assert partial["tenants"]["aaa_small"]["status"] == "ok"
    assert partial["tenants"]["zzz_big"]["status"] == "failed"
    assert any("zzz_big" in f for f in partial["failures"])
    status = json.loads((env.target / "status.json").read_text())
    assert status["last_run"]["status"] == "partial"

    own_server.process.wait()
    own_server.start()
    restored = qfon_cli(
        "restore",
        "zzz_big",
        "--yes",
        "--db-only",
        config=env.config,
        env={"QFON_MYSQL_URL": own_server.url},
    )
    assert restored.returncode == 0, restored.stderr
    assert f"from backup {good}" in restored.stdout

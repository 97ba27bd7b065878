"""A remote target `user@host:/path` over ssh, against a loopback sshd with its own key."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from agent.backup.files import inside
from qfon.private_mariadb import free_port
from tests.backup.conftest import db_fingerprint, fill_tenant


@pytest.fixture
def sshd(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the loopback sshd logs in as root")
    keys = tmp_path / "ssh"
    keys.mkdir(mode=0o700)
    for name in ("host", "client"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True
        )
    (keys / "authorized_keys").write_text((keys / "client.pub").read_text())
    port = free_port()
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
        f"PidFile {keys / 'sshd.pid'}\nAuthorizedKeysFile {keys / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nStrictModes no\nUsePAM no\n"
    )
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    server = subprocess.Popen(
        ["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL
    )
    options = [
        "-p",
        str(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
    ]
    probe = ["ssh", "-i", str(keys / "client"), "-o", "BatchMode=yes", *options, "root@127.0.0.1"]
    for _ in range(100):
        if subprocess.run([*probe, "true"], capture_output=True, check=False).returncode == 0:
            break
        time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("sshd did not come up")
    yield {"ssh_key": str(keys / "client"), "ssh_options": options}
    server.terminate()
    server.wait()


@pytest.mark.slow
def test_backup_to_and_restore_from_a_remote_target(
    engine, make_tenant, env_for, qfon_cli, sshd, tmp_path
):
    remote = tmp_path / "remote"
    env = env_for(target=f"root@127.0.0.1:{remote}", **sshd)
    domain = make_tenant()
    fill_tenant(engine, domain, rows=40)
    env.make_files(domain, size=30_000)
    before_db, before_files = db_fingerprint(engine, domain), env.tenant_digest(domain)

    first = qfon_cli("backup", "run", "--tenant", domain, config=env.config)
    assert first.returncode == 0, first.stderr
    (backup,) = [p for p in remote.iterdir() if p.is_dir()]
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert (backup / "db" / f"{domain}.sql.zst").stat().st_mode & 0o777 == 0o600
    kept = Path("files", inside(env.roots["agi"]), domain, "sub", "data.bin")
    inode = (backup / kept).stat().st_ino
    second = qfon_cli("backup", "run", "--tenant", domain, config=env.config)
    assert second.returncode == 0, second.stderr
    (backup,) = [p for p in remote.iterdir() if p.is_dir()]  # the older one of today pruned
    assert (
        backup / "files" / inside(env.roots["agi"]) / domain / "sub/data.bin"
    ).stat().st_ino == inode
    local = json.loads((env.settings.backup.work_dir / "status.json").read_text())
    assert local == json.loads((remote / "status.json").read_text())
    listed = qfon_cli("backup", "list", config=env.config)
    assert backup.name in listed.stdout
    verified = qfon_cli("backup", "verify", config=env.config)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    with engine.begin() as conn:
        conn.execute(text(f"DROP DATABASE `{domain}`"))
    (env.roots["configs"] / domain / "configs.conf").write_text("broken\n")
    restored = qfon_cli("restore", domain, "--yes", config=env.config)
    assert restored.returncode == 0, restored.stderr
    assert db_fingerprint(engine, domain) == before_db
    assert env.tenant_digest(domain) == before_files

"""What must never happen: lost call records, touched live data on a bad dump, two runs at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from agent.backup.files import inside
from agent.backup.lock import exclusive
from agent.backup.restore import restore_tenant
from agent.backup.run import run_backup
from qfon.errors import QfonError
from tests.backup.conftest import db_fingerprint, fill_tenant
from tests.conftest import TEST_TZ


def _only_backup(target: Path) -> Path:
    (folder,) = [p for p in target.iterdir() if p.is_dir()]
    return folder


def test_second_snapshot_shares_inodes_for_unchanged_files(engine, make_tenant, env_for):
    env = env_for()
    domain = make_tenant()
    env.make_files(domain, size=50_000)
    assert run_backup(env.settings, [domain]) == 0
    first = _only_backup(env.target)
    same = Path("files", inside(env.roots["recordings"]), domain, "sub", "data.bin")
    moved = Path("files", inside(env.roots["moh"]), domain, "moh.conf")
    inodes = {p: (first / p).stat().st_ino for p in (same, moved)}
    changed = env.roots["moh"] / domain / "moh.conf"
    changed.write_text("changed after the first snapshot\n")
    assert run_backup(env.settings, [domain]) == 0
    # both are from today: retention keeps the newest only, but the links remain
    second = _only_backup(env.target)
    assert second != first
    assert (second / same).stat().st_ino == inodes[same]
    assert (second / moved).stat().st_ino != inodes[moved]
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["bytes_copied"] == changed.stat().st_size


def test_a_second_concurrent_backup_run_is_refused(make_tenant, env_for, qfon_cli):
    env = env_for()
    make_tenant()
    env.target.mkdir(mode=0o700)
    with exclusive(env.target / ".lock"):
        second = qfon_cli("backup", "run", config=env.config)
    assert second.returncode != 0
    assert "another backup or restore is running" in second.stderr
    assert "Traceback" not in second.stderr
    assert not [p for p in env.target.iterdir() if p.is_dir()]


def test_a_corrupted_dump_makes_restore_refuse_and_leaves_live_unchanged(
    engine, make_tenant, env_for, qfon_cli
):
    env = env_for()
    domain = make_tenant()
    fill_tenant(engine, domain, rows=30)
    assert run_backup(env.settings, [domain]) == 0
    dump = _only_backup(env.target) / "db" / f"{domain}.sql.zst"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM `{domain}`.ast_cdr_adaptive WHERE id > 10"))
    before = db_fingerprint(engine, domain)
    refused = qfon_cli("restore", domain, "--yes", config=env.config)
    assert refused.returncode == 1
    assert "corrupt" in refused.stderr and "Traceback" not in refused.stderr
    assert db_fingerprint(engine, domain) == before
    assert len([p for p in env.target.iterdir() if p.is_dir()]) == 1  # no safety dump either
    verified = qfon_cli("backup", "verify", config=env.config)
    assert verified.returncode == 1 and "corrupt" in verified.stdout


def test_rows_written_during_restore_are_carried_over(engine, make_tenant, env_for):
    env = env_for()
    domain = make_tenant()
    fill_tenant(engine, domain, rows=10)
    assert run_backup(env.settings, [domain]) == 0
    with engine.begin() as conn:  # after the backup: kept by the safety dump only
        conn.execute(text(f"DELETE FROM `{domain}`.ast_cdr_adaptive WHERE id <= 3"))
    written: list[str] = []

    def asterisk_writes(step: str, message: str) -> None:
        if step == "replace" and not written:
            with engine.begin() as conn:
                for n in range(3):
                    conn.execute(
                        text(
                            f"INSERT INTO `{domain}`.ast_cdr_adaptive (calldate, uniqueid) "
                            "VALUES (NOW(), :u)"
                        ),
                        {"u": f"during-{n}"},
                    )
                    written.append(f"during-{n}")
                conn.execute(
                    text(f"INSERT INTO `{domain}`.inuse (ts, sip_trunk_id) VALUES (NOW(), 9)")
                )

    restore_tenant(env.settings, domain, files=False, report=asterisk_writes)
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT uniqueid FROM `{domain}`.ast_cdr_adaptive")).scalars()
        uniqueids = list(rows)
        trunks = conn.execute(text(f"SELECT sip_trunk_id FROM `{domain}`.inuse")).scalars().all()
    assert set(written) <= set(uniqueids) and len(written) == 3
    assert len(uniqueids) == 10 + 3  # the backup's 10 (deleted ones back) and the 3 new ones
    assert 9 in trunks
    safety = [
        json.loads((p / "manifest.json").read_text()) for p in env.target.iterdir() if p.is_dir()
    ]
    assert sorted(m["kind"] for m in safety) == ["nightly", "safety"]


def test_full_target_gives_a_clear_error_and_keeps_earlier_backups(
    engine, make_tenant, env_for, tmp_path
):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        env = env_for(target=str(mount / "backups"))
        domain = make_tenant()
        fill_tenant(engine, domain, rows=5)
        assert run_backup(env.settings, [domain]) == 0
        first = _only_backup(mount / "backups")
        before = {p: p.read_bytes() for p in first.rglob("*") if p.is_file()}
        assert run_backup(env.settings, [domain]) == 0  # a second good one, the same day
        first = _only_backup(mount / "backups")  # (the first was pruned: same day)
        before = {p: p.read_bytes() for p in first.rglob("*") if p.is_file()}
        with engine.begin() as conn:
            conn.execute(
                text(f"INSERT INTO `{domain}`.blobs VALUES (3, :b, NULL)"),
                {"b": os.urandom(1500_000)},
            )
        with pytest.raises(QfonError, match="no space left on the backup target"):
            run_backup(env.settings, [domain])
        assert _only_backup(mount / "backups") == first
        status = json.loads((mount / "backups" / "status.json").read_text())
        assert status["last_run"]["status"] == "failed"
        assert "no space left" in status["last_run"]["failures"][0]
        assert {p: p.read_bytes() for p in first.rglob("*") if p.is_file()} == before
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_no_password_on_any_argv_nor_in_the_logs(engine, make_tenant, env_for, mariadb):
    secret = "S3cret-pw-not-on-argv"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE USER IF NOT EXISTS 'bk'@'localhost' IDENTIFIED BY '{secret}'"))
        conn.execute(text("GRANT ALL ON *.* TO 'bk'@'localhost'"))
    url = f"mysql+pymysql://bk:{secret}@localhost/?unix_socket={mariadb.socket}"
    env = env_for(url=url)
    domain = make_tenant()
    fill_tenant(engine, domain, rows=2000)
    seen: list[str] = []
    env_vars = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
    env_vars.update({"QFON_MYSQL_TIMEZONE": TEST_TZ})
    for args in (["backup", "run"], ["restore", domain, "--yes", "--db-only"]):
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qfon",
                "--config",
                str(env.config),
                "--log-level",
                "DEBUG",
                *args,
            ],
            env=env_vars,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stop = threading.Event()

        def scan(stop: threading.Event = stop) -> None:
            while not stop.is_set():
                for pid in os.listdir("/proc"):
                    if pid.isdigit():
                        try:
                            argv = Path(f"/proc/{pid}/cmdline").read_bytes()
                            environ = Path(f"/proc/{pid}/environ").read_bytes()
                        except OSError:
                            continue
                        if b"mariadb" in argv or b"qfon" in argv:
                            seen.append(argv.decode(errors="replace"))
                        assert secret.encode() not in argv + environ

        scanner = threading.Thread(target=scan)
        scanner.start()
        out, err = child.communicate(timeout=300)
        stop.set()
        scanner.join()
        assert child.returncode == 0, err
        assert secret not in out + err
        assert "--defaults-extra-file=/dev/fd/" in err  # the logged commands
    assert any("mariadb-dump" in s for s in seen)

"""Dump → drop → restore through the real `qfon` command, and single-tenant isolation."""

from __future__ import annotations

import json
import stat

from sqlalchemy import text

from tests.backup.conftest import db_fingerprint, fill_tenant


def test_dump_drop_restore_gives_identical_tables(engine, make_tenant, env_for, qfon_cli):
    env = env_for()
    domain = make_tenant()
    fill_tenant(engine, domain)
    env.make_files(domain)
    before = db_fingerprint(engine, domain)
    files_before = env.tenant_digest(domain)

    ran = qfon_cli("backup", "run", "--tenant", domain, config=env.config)
    assert ran.returncode == 0, ran.stderr
    assert "ok, 1 tenant(s)" in ran.stdout
    verified = qfon_cli("backup", "verify", config=env.config)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1/1 dumps verified" in verified.stdout

    with engine.begin() as conn:
        conn.execute(text(f"DROP DATABASE `{domain}`"))
    for root in env.roots.values():
        (root / domain / "sub" / "data.bin").unlink()
    restored = qfon_cli("restore", domain, "--yes", config=env.config)
    assert restored.returncode == 0, restored.stderr
    assert db_fingerprint(engine, domain) == before
    assert env.tenant_digest(domain) == files_before
    with engine.connect() as conn:
        clid = conn.execute(text(f"SELECT clid FROM `{domain}`.ast_cdr_adaptive LIMIT 1")).scalar()
        blob = conn.execute(text(f"SELECT b FROM `{domain}`.blobs WHERE id = 1")).scalar()
    assert "😀" in clid
    assert blob == bytes(range(256)) * 3


def test_backup_files_are_private_and_listed(engine, make_tenant, env_for, qfon_cli):
    env = env_for()
    domain = make_tenant()
    fill_tenant(engine, domain, rows=5)
    ran = qfon_cli("backup", "run", "--tenant", domain, config=env.config)
    assert ran.returncode == 0, ran.stderr
    (backup_id,) = [p.name for p in env.target.iterdir() if p.is_dir()]
    folder = env.target / backup_id
    for path in [env.target, folder, folder / "db", folder / "files"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    for path in [folder / "manifest.json", folder / "db" / f"{domain}.sql.zst"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((env.target / "status.json").stat().st_mode) == 0o600
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tenants"][domain]["db"]["tables"]["ast_cdr_adaptive"] == 5
    status = json.loads((env.target / "status.json").read_text())
    assert set(status) == {"last_run", "tenants"}
    assert set(status["last_run"]) == {
        "id",
        "status",
        "started",
        "finished",
        "duration_s",
        "size_bytes",
        "failures",
    }
    assert status["last_run"]["status"] == "ok"
    assert status["tenants"][domain]["last_status"] == "ok"
    listed = qfon_cli("backup", "list", config=env.config)
    assert backup_id in listed.stdout and "nightly" in listed.stdout


def test_restoring_one_of_three_tenants_leaves_the_others_identical(
    engine, make_tenant, env_for, qfon_cli
):
    env = env_for()
    domains = [make_tenant() for _ in range(3)]
    for domain in domains:
        fill_tenant(engine, domain, rows=20)
        env.make_files(domain)
    ran = qfon_cli("backup", "run", config=env.config)
    assert ran.returncode == 0, ran.stderr
    target, *others = domains
    wanted = db_fingerprint(engine, target), env.tenant_digest(target)
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM `{target}`.ast_cdr_adaptive WHERE id > 5"))
        conn.execute(text(f"UPDATE `{others[0]}`.options SET value = 'en'"))
    (env.roots["configs"] / target / "new.conf").write_text("added after the backup\n")
    (env.roots["moh"] / others[1] / "new.wav").write_text("other tenant's new file\n")
    before = {d: (db_fingerprint(engine, d), env.tenant_digest(d)) for d in others}

    restored = qfon_cli("restore", target, "--yes", config=env.config)
    assert restored.returncode == 0, restored.stderr
    assert (db_fingerprint(engine, target), env.tenant_digest(target)) == wanted
    after = {d: (db_fingerprint(engine, d), env.tenant_digest(d)) for d in others}
    assert after == before

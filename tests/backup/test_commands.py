"""The real `qfon backup` / `qfon restore` commands: dry runs, --into, prune; small pure parts."""

from __future__ import annotations

import json

from sqlalchemy import text

from agent.backup.files import blamed
from agent.backup.rowcount import RowCounter
from agent.backup.run import run_backup
from tests.backup.conftest import db_fingerprint, fill_tenant


def test_dry_runs_print_every_step_and_change_nothing(engine, make_tenant, env_for, qfon_cli):
    env = env_for()
    domain = make_tenant()
    fill_tenant(engine, domain, rows=5)
    env.make_files(domain)
    planned = qfon_cli("backup", "run", "--dry-run", config=env.config)
    assert planned.returncode == 0, planned.stderr
    assert f"would dump {domain}" in planned.stdout
    assert not env.target.exists() or not any(env.target.iterdir())

    assert run_backup(env.settings, [domain]) == 0
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM `{domain}`.ast_cdr_adaptive"))
    before = db_fingerprint(engine, domain), env.tenant_digest(domain)
    (env.roots["agi"] / domain / "agi.conf").write_text("changed\n")
    before = db_fingerprint(engine, domain), env.tenant_digest(domain)
    shown = qfon_cli("restore", domain, "--dry-run", config=env.config)
    assert shown.returncode == 0, shown.stderr
    for step in (
        "check the sha256",
        "scratch database",
        "safety backup",
        "drop and re-create",
        "carry over rows",
        "rsync agi back",
    ):
        assert step in shown.stdout, step
    assert (db_fingerprint(engine, domain), env.tenant_digest(domain)) == before
    assert len([p for p in env.target.iterdir() if p.is_dir()]) == 1


def test_restore_into_another_database_leaves_the_live_one_alone(
    engine, make_tenant, env_for, qfon_cli
):
    env = env_for()
    domain = make_tenant()
    fill_tenant(engine, domain, rows=8)
    wanted = db_fingerprint(engine, domain)
    assert run_backup(env.settings, [domain]) == 0
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM `{domain}`.ast_cdr_adaptive WHERE id < 4"))
    live = db_fingerprint(engine, domain)
    copy = f"{domain}_copy"
    try:
        done = qfon_cli("restore", domain, "--into", copy, config=env.config)
        assert done.returncode == 0, done.stderr
        assert db_fingerprint(engine, copy) == wanted
        assert db_fingerprint(engine, domain) == live
        again = qfon_cli("restore", domain, "--into", copy, config=env.config)
        assert again.returncode == 2 - 1 and "already exists" in again.stderr
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{copy}`"))


def test_a_missing_dump_fails_before_anything_live_is_touched(
    engine, make_tenant, env_for, qfon_cli
):
    env = env_for()
    domain = make_tenant()
    fill_tenant(engine, domain, rows=3)
    assert run_backup(env.settings, [domain]) == 0
    (folder,) = [p for p in env.target.iterdir() if p.is_dir()]
    (folder / "db" / f"{domain}.sql.zst").unlink()
    before = db_fingerprint(engine, domain)
    refused = qfon_cli("restore", domain, "--yes", config=env.config)
    assert refused.returncode == 1 and "cannot be read" in refused.stderr
    assert db_fingerprint(engine, domain) == before


def test_prune_dry_run_lists_and_keeps(make_tenant, env_for, qfon_cli):
    env = env_for()
    domain = make_tenant()
    assert run_backup(env.settings, [domain]) == 0
    (folder,) = [p for p in env.target.iterdir() if p.is_dir()]
    older = env.target / "20200101T000000Z"
    older.mkdir(mode=0o700)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["id"], manifest["status"] = older.name, "partial"  # older than the newest good
    (older / "manifest.json").write_text(json.dumps(manifest))
    shown = qfon_cli("backup", "prune", "--dry-run", config=env.config)
    assert shown.returncode == 0, shown.stderr
    assert "would remove 20200101T000000Z" in shown.stdout
    assert f"keep         {folder.name}" in shown.stdout
    assert older.exists()
    done = qfon_cli("backup", "prune", config=env.config)
    assert done.returncode == 0 and not older.exists() and folder.exists()


def test_rows_are_counted_in_both_insert_layouts_across_chunks():
    dump = (
        b"CREATE TABLE `empty` (\n  `id` int\n);\n"
        b"INSERT INTO `t` VALUES\n(1,'a),(b'),\n(2,'x\\ny'),\n(3,NULL);\n"
        b"INSERT INTO `old` VALUES (1,'p'),(2,'q');\n"
        b"-- Dump completed on 2026-11-27\n"
    )
    for size in (1, 3, 7, len(dump)):
        counter = RowCounter()
        for start in range(0, len(dump), size):
            counter.feed(dump[start : start + size])
        assert counter.counts == {"empty": 0, "t": 3, "old": 2}, size
        assert counter.complete


def test_rsync_errors_blame_the_trees_they_name():
    sources = {"acme/configs": "astconfigs/acme", "beta/configs": "astconfigs/beta"}
    stderr = 'rsync: [sender] send_files failed to open "/astconfigs/acme/x.conf": Denied (13)'
    assert blamed(stderr, sources) == ["acme/configs"]
    unnamed = "rsync error: some files could not be transferred (code 23)"
    assert blamed(unnamed, sources) == ["acme/configs", "beta/configs"]


def test_an_unreachable_server_is_a_failed_run_in_status_json(env_for, tmp_path, qfon_cli):
    env = env_for(url=f"mysql+pymysql://root@localhost/?unix_socket={tmp_path}/absent.sock")
    ran = qfon_cli(
        "backup", "run", config=env.config, env={"QFON_MYSQL_URL": env.settings.mysql.url}
    )
    assert ran.returncode == 1
    assert (
        ran.stderr.startswith("qfon: error: cannot list tenants") and "Traceback" not in ran.stderr
    )
    status = json.loads((env.target / "status.json").read_text())
    assert status["last_run"]["status"] == "failed"
    assert status["last_run"]["failures"][0].startswith("cannot list tenants")

"""Fixtures of the backup tests: tenants with real content, tenant trees, a target folder."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from sqlalchemy import Engine, text

from qfon.settings import Settings
from tests.conftest import TEST_TZ, settings_for

TREES = ("configs", "moh", "recordings", "agi")


def fill_tenant(engine: Engine, domain: str, rows: int = 50) -> None:
    """CDRs with emoji and a binary table, plus a trigger, a routine, an event and a view."""
    with engine.begin() as conn:
        conn.execute(text(f"USE `{domain}`"))
        conn.execute(
            text(
                f"INSERT INTO `{domain}`.ast_cdr_adaptive (calldate, clid, src, dst, userfield, "
                "disposition, duration, billsec) VALUES (NOW() - INTERVAL :i MINUTE, :clid, "
                ":src, '100', :uf, 'ANSWERED', :i, :i)"
            ),
            [
                {"i": i, "clid": f'"Пётр 😀 {i}" <{i}>', "src": f"7900{i:06d}", "uf": "a),(b\n'x"}
                for i in range(rows)
            ],
        )
        conn.execute(
            text(
                f"INSERT INTO `{domain}`.ast_queue_log (time, callid, queuename, event) VALUES "
                "('1700000000', 'c1', 'q1', 'ENTERQUEUE'), ('1700000005', 'c1', 'q1', 'CONNECT')"
            )
        )
        conn.execute(
            text(f"INSERT INTO `{domain}`.inuse (ts, sip_trunk_id, calls) VALUES (NOW(), 1, 2)")
        )
        conn.execute(
            text(
                f"CREATE TABLE `{domain}`.blobs (id INT PRIMARY KEY, b MEDIUMBLOB, v VARBINARY(16))"
            )
        )
        conn.execute(
            text(f"INSERT INTO `{domain}`.blobs VALUES (1, :b, :v), (2, NULL, :v)"),
            {"b": bytes(range(256)) * 3, "v": b"\x00\xff\x10'\\"},
        )
        conn.execute(
            text(f"CREATE TABLE `{domain}`.audit (id INT AUTO_INCREMENT PRIMARY KEY, n INT)")
        )
        conn.execute(
            text(
                "CREATE TRIGGER cdr_audit AFTER INSERT ON ast_cdr_adaptive "
                "FOR EACH ROW INSERT INTO audit (n) VALUES (NEW.duration)"
            )
        )
        conn.execute(
            text(
                f"CREATE PROCEDURE `{domain}`.answered() SELECT COUNT(*) FROM ast_cdr_adaptive "
                "WHERE disposition = 'ANSWERED'"
            )
        )
        conn.execute(
            text(
                f"CREATE EVENT `{domain}`.tidy ON SCHEDULE EVERY 1 DAY DO "
                "DELETE FROM inuse WHERE ts < NOW() - INTERVAL 1 YEAR"
            )
        )
        conn.execute(text("CREATE VIEW answered AS SELECT id, src FROM ast_cdr_adaptive"))


def db_fingerprint(engine: Engine, domain: str) -> dict[str, object]:
    """CHECKSUM TABLE and row count of every base table, plus routines, triggers, events, views."""
    with engine.connect() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = :d "
                    "AND table_type = 'BASE TABLE' ORDER BY table_name"
                ),
                {"d": domain},
            )
            .scalars()
            .all()
        )
        result: dict[str, object] = {}
        for t in tables:
            checksum = conn.execute(text(f"CHECKSUM TABLE `{domain}`.`{t}`")).one()[1]
            count = conn.execute(text(f"SELECT COUNT(*) FROM `{domain}`.`{t}`")).scalar_one()
            result[t] = (checksum, count)
        for kind, query in {
            "routines": "SELECT routine_name FROM information_schema.routines "
            "WHERE routine_schema=:d",
            "triggers": "SELECT trigger_name FROM information_schema.triggers "
            "WHERE trigger_schema=:d",
            "events": "SELECT event_name FROM information_schema.events WHERE event_schema=:d",
            "views": "SELECT table_name FROM information_schema.views WHERE table_schema=:d",
        }.items():
            result[kind] = sorted(conn.execute(text(query), {"d": domain}).scalars())
    return result


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path → sha256 (files) or 'dir' of everything below a folder."""
    found: dict[str, str] = {}
    for base, dirs, files in os.walk(root):
        for name in dirs:
            found[os.path.relpath(os.path.join(base, name), root)] = "dir"
        for name in files:
            path = os.path.join(base, name)
            found[os.path.relpath(path, root)] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return found


class Env:
    """A backup set-up: settings, config file, tenant tree roots and the target."""

    def __init__(self, tmp: Path, url: str, target: str | None = None, **backup: object) -> None:
        self.tmp = tmp
        self.roots = {t: tmp / "roots" / t for t in TREES}
        for root in self.roots.values():
            root.mkdir(parents=True, exist_ok=True)
        (tmp / "etc").mkdir(exist_ok=True)
        (tmp / "etc" / "rtpproxy").write_text("EXTRA_OPTS=-l 1.2.3.4\n")
        self.target = Path(target) if target and target.startswith("/") else tmp / "target"
        data = {
            "mysql": {"url": url, "timezone": TEST_TZ},
            "paths": {
                "configs": str(self.roots["configs"]),
                "moh": str(self.roots["moh"]),
                "recordings": str(self.roots["recordings"]),
                "agi": str(self.roots["agi"]),
                "host_files": [str(tmp / "etc" / "*")],
            },
            "backup": {
                "target": target or str(self.target),
                "work_dir": str(tmp / "work"),
                **backup,
            },
        }
        self.config = tmp / "qfon.toml"
        self.config.write_bytes(tomli_w.dumps(data).encode())
        self.settings: Settings = settings_for(url, paths=data["paths"], backup=data["backup"])

    def make_files(self, domain: str, size: int = 2000) -> None:
        """Some files in each of a tenant's trees."""
        for tree, root in self.roots.items():
            folder = root / domain / "sub"
            folder.mkdir(parents=True, exist_ok=True)
            (root / domain / f"{tree}.conf").write_text(f"[{domain}] {tree}\n")
            (folder / "data.bin").write_bytes(os.urandom(size))

    def tenant_digest(self, domain: str) -> dict[str, dict[str, str]]:
        return {tree: tree_digest(root / domain) for tree, root in self.roots.items()}


@pytest.fixture
def env_for(tmp_path: Path, mariadb) -> Callable[..., Env]:
    def make(url: str | None = None, **kwargs: object) -> Env:
        return Env(tmp_path, url or mariadb.url, **kwargs)

    return make

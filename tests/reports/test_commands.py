"""`qfon reports passwd | hash-password | serve`, run as real child processes."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from qfon.schema import system_user
from reports.passwords import verify_password
from tests.reports.server import reports_server


def _hash(engine, domain: str, login: str) -> str | None:
    with engine.connect() as raw:
        conn = raw.execution_options(schema_translate_map={None: domain})
        return conn.execute(
            select(system_user.c.password_hash).where(system_user.c.login == login)
        ).scalar()


def test_passwd_sets_and_changes_a_strong_hash_from_stdin(qfon_cli, make_tenant, engine) -> None:
    domain = make_tenant()
    result = qfon_cli("reports", "passwd", domain, "chief", input="first pass\n")
    assert result.returncode == 0, result.stderr
    assert "password set for chief" in result.stdout
    stored = _hash(engine, domain, "chief")
    assert stored.startswith("$argon2id$") and verify_password("first pass", stored)[0]
    result = qfon_cli("reports", "passwd", domain, "chief", input="second pass\n")
    assert result.returncode == 0 and "changed" in result.stdout
    assert verify_password("second pass", _hash(engine, domain, "chief"))[0]


def test_passwd_refuses_bad_or_unknown_tenants_in_one_line(qfon_cli) -> None:
    for name, code in (("Bad!", 2), ("no-such-tenant", 1)):
        result = qfon_cli("reports", "passwd", name, "x", input="p\n")
        assert result.returncode == code
        assert result.stderr.startswith("qfon: error:") and "Traceback" not in result.stderr
    assert qfon_cli("reports", "passwd", "no-such-tenant", "x", input="").returncode == 1


def test_hash_password_prints_a_hash_for_the_admins_list(qfon_cli) -> None:
    result = qfon_cli("reports", "hash-password", input="admin pass\n")
    assert result.returncode == 0
    assert verify_password("admin pass", result.stdout.strip()) == (True, False)


@pytest.mark.slow
def test_serve_runs_gunicorn_that_answers_and_sets_headers(mariadb, tmp_path: Path) -> None:
    config = tmp_path / "qfon.toml"
    config.write_text('[reports]\nsecret_key = "k-0123456789abcdef"\n')
    with reports_server(mariadb.url, config) as base:
        with urllib.request.urlopen(base + "/login") as response:  # noqa: S310
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "qfon_reports" in response.headers["Set-Cookie"]
        with urllib.request.urlopen(base + "/api/v1/openapi.json") as response:  # noqa: S310
            assert json.load(response)["openapi"].startswith("3.")
    log = (tmp_path / "server.log").read_text()
    assert "Booting worker" in log

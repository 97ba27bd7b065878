"""Log-in rules: passwords old and new, CAPTCHA, lockout, CSRF, cookies, headers, idle timeout."""

from __future__ import annotations

import hashlib
import logging
import time

import pytest
from flask import Flask
from sqlalchemy import Engine, insert, select, update

from qfon.schema import log_captcha, system_user
from reports.passwords import _crypt
from tests.reports.conftest import csrf_token, login
from tests.reports.seed import PASSWORD


def _set_hash(engine: Engine, domain: str, login_name: str, value: str) -> None:
    with engine.begin() as raw:
        conn = raw.execution_options(schema_translate_map={None: domain})
        conn.execute(
            update(system_user).where(system_user.c.login == login_name).values(password_hash=value)
        )


def _hash_of(engine: Engine, domain: str, login_name: str) -> str:
    with engine.connect() as raw:
        conn = raw.execution_options(schema_translate_map={None: domain})
        return conn.execute(
            select(system_user.c.password_hash).where(system_user.c.login == login_name)
        ).scalar_one()


def _attempts(engine: Engine, domain: str) -> list[tuple]:
    with engine.connect() as raw:
        conn = raw.execution_options(schema_translate_map={None: domain})
        return [
            tuple(r)
            for r in conn.execute(
                select(log_captcha.c.ip, log_captcha.c.login, log_captcha.c.attempts)
            )
        ]


def test_manager_logs_in_to_their_overview(client, tenants) -> None:
    response = login(client, tenants[0])
    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{tenants[0]}/overview"


def test_wrong_password_unknown_login_and_unknown_domain_all_fail_alike(client, tenants) -> None:
    for args in (
        (tenants[0], "boss", "nope"),
        (tenants[0], "ghost", PASSWORD),
        ("no-such-tenant", "boss", PASSWORD),
        ("Bad Domain!", "boss", PASSWORD),
    ):
        response = login(client, *args)
        assert response.status_code == 401
        assert "Неверный домен, логин или пароль" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["md5", "sha1", "crypt-md5", "crypt-sha512", "crypt-des"])
def test_legacy_hashes_log_in_and_are_rehashed_strongly(client, tenants, engine, kind) -> None:
    a = tenants[0]
    legacy = {
        "md5": hashlib.md5(PASSWORD.encode()).hexdigest(),  # noqa: S324 - the legacy format
        "sha1": hashlib.sha1(PASSWORD.encode()).hexdigest(),  # noqa: S324
        "crypt-md5": _crypt(PASSWORD, "$1$abcdefgh$"),
        "crypt-sha512": _crypt(PASSWORD, "$6$abcdefgh$"),
        "crypt-des": _crypt(PASSWORD, "xy"),
    }[kind]
    _set_hash(engine, a, "boss", legacy)
    assert login(client, a, password="wrong").status_code == 401
    assert _hash_of(engine, a, "boss") == legacy
    assert login(client, a).status_code == 302
    assert _hash_of(engine, a, "boss").startswith("$argon2id$")
    client.delete_cookie("qfon_reports")
    assert login(client, a).status_code == 302


def test_failures_are_counted_per_ip_and_login_in_log_captcha(client, tenants, engine) -> None:
    a = tenants[0]
    login(client, a, password="x", ip="10.0.0.1")
    login(client, a, password="x", ip="10.0.0.1")
    login(client, a, password="x", ip="10.0.0.2")
    assert sorted(_attempts(engine, a)) == [("10.0.0.1", "boss", 2), ("10.0.0.2", "boss", 1)]
    assert login(client, a, ip="10.0.0.1").status_code == 302
    assert _attempts(engine, a) == [("10.0.0.2", "boss", 1)]


def test_captcha_shows_on_the_third_failure_and_is_then_required(app: Flask, tenants) -> None:
    a = tenants[0]
    answers: list[str] = []
    app.config["CAPTCHA_TEST_ANSWER_HOOK"] = answers.append
    client = app.test_client()
    for _ in range(2):
        assert 'id="captcha"' not in login(client, a, password="x").get_data(as_text=True)
    third = login(client, a, password="x").get_data(as_text=True)
    assert 'id="captcha"' in third
    image = client.get("/login/captcha.png")
    assert image.mimetype == "image/png" and image.data[:4] == b"\x89PNG"
    # the right password without the CAPTCHA does not get in
    response = login(client, a)
    assert response.status_code == 401 and "Неверный код" in response.get_data(as_text=True)
    client.get("/login/captcha.png")
    assert login(client, a, captcha="WRONG").status_code == 401
    client.get("/login/captcha.png")
    assert login(client, a, captcha=answers[-1].lower()).status_code == 302


def test_lockout_after_the_limit_logs_a_fail2ban_line(app, tenants, caplog) -> None:
    a = tenants[0]
    client = app.test_client()
    caplog.set_level(logging.WARNING, logger="reports.auth")
    for _ in range(6):  # lockout_after = 6 in these tests
        login(client, a, password="x", ip="192.0.2.9")
    locked = login(client, a, ip="192.0.2.9")
    assert locked.status_code == 429 and "заблокирован" in locked.get_data(as_text=True)
    lines = [r.getMessage() for r in caplog.records]
    assert f"qfon-reports: login locked: domain={a} login=boss ip=192.0.2.9" in lines
    assert any(
        line.startswith("qfon-reports: login failed:") and line.endswith("ip=192.0.2.9")
        for line in lines
    )
    # another address is not locked
    assert login(client, a, ip="192.0.2.10").status_code == 302


def test_an_expired_lock_lets_the_login_in_again(app, tenants, engine) -> None:
    a = tenants[0]
    with engine.begin() as raw:
        conn = raw.execution_options(schema_translate_map={None: a})
        conn.execute(
            insert(log_captcha).values(
                ip="127.0.0.1", login="boss", attempts=6, last_attempt="2020-01-01 00:00:00"
            )
        )
    assert login(app.test_client(), a).status_code == 302


def test_admin_logs_in_without_a_domain(client, tenants) -> None:
    from tests.reports.conftest import ADMIN_PASSWORD

    assert login(client, "", "root", "bad").status_code == 401
    response = login(client, "", "root", ADMIN_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/platform"


def test_forms_without_a_csrf_token_are_refused(client, tenants) -> None:
    response = client.post(
        "/login", data={"domain": tenants[0], "login": "boss", "password": PASSWORD}
    )
    assert response.status_code == 400
    login(client, tenants[0])
    assert client.post("/logout").status_code == 400
    assert client.get(f"/t/{tenants[0]}/overview").status_code == 200


def test_logout_ends_the_session(manager_a, tenants) -> None:
    page = manager_a.get(f"/t/{tenants[0]}/overview").get_data(as_text=True)
    assert manager_a.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert manager_a.get(f"/t/{tenants[0]}/overview").status_code == 302


def test_session_cookie_is_httponly_samesite_and_secure_over_tls(client, tenants) -> None:
    response = login(client, tenants[0])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = client.get("/login", base_url="https://reports.example")
    token = csrf_token(page.get_data(as_text=True))
    tls = client.post(
        "/login",
        base_url="https://reports.example",
        headers={"Referer": "https://reports.example/login"},
        data={"domain": tenants[0], "login": "boss", "password": PASSWORD, "csrf_token": token},
    )
    assert tls.status_code == 302 and "Secure" in tls.headers["Set-Cookie"]


def test_security_headers_on_every_page(client, manager_a, tenants) -> None:
    for path in ("/login", f"/t/{tenants[0]}/overview", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_idle_sessions_expire(app, manager_a, tenants) -> None:
    with manager_a.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    response = manager_a.get(f"/t/{tenants[0]}/overview")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_redirects_only_to_local_paths(client, tenants) -> None:
    page = client.get("/login")
    for target, expected in (
        ("//evil.example/x", f"/t/{tenants[0]}/overview"),
        ("https://evil.example/", f"/t/{tenants[0]}/overview"),
        (f"/t/{tenants[0]}/queues", f"/t/{tenants[0]}/queues"),
    ):
        client.delete_cookie("qfon_reports")
        page = client.get("/login")
        response = client.post(
            "/login",
            query_string={"next": target},
            data={
                "domain": tenants[0],
                "login": "boss",
                "password": PASSWORD,
                "csrf_token": csrf_token(page.get_data(as_text=True)),
            },
        )
        assert response.headers["Location"] == expected

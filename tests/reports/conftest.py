"""Fixtures of the report tests: two seeded tenants, an app on them, log-in helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from qfon.private_mariadb import PrivateMariaDB
from qfon.settings import Settings
from reports import create_app
from reports.passwords import hash_password
from tests.conftest import settings_for
from tests.reports.seed import PASSWORD, seed

ADMIN_PASSWORD = "admin secret"
_TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@pytest.fixture
def tenants(engine: Engine, make_tenant: Callable[..., str]) -> tuple[str, str]:
    """Tenants A and B, each seeded (different figures), each with manager `boss`."""
    a, b = make_tenant(), make_tenant()
    seed(engine, a, seed=1)
    seed(engine, b, seed=2)
    return a, b


@pytest.fixture
def report_settings(mariadb: PrivateMariaDB, tmp_path: Path) -> Settings:
    return settings_for(
        mariadb.url,
        reports={
            "secret_key": "test-secret-key-0123456789",
            "lockout_after": 6,
            "lockout_minutes": 15,
            "cache_seconds": 0,
            "admins": [{"login": "root", "password_hash": hash_password(ADMIN_PASSWORD)}],
        },
        paths={"recordings": str(tmp_path / "rec")},
        backup={"target": str(tmp_path / "backup")},
    )


@pytest.fixture
def app(tenants: tuple[str, str], report_settings: Settings) -> Flask:
    return create_app({"QFON_SETTINGS": report_settings, "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def login(
    client: FlaskClient,
    domain: str,
    user: str = "boss",
    password: str = PASSWORD,
    captcha: str = "",
    ip: str = "127.0.0.1",
) -> Any:
    """Post the log-in form as a browser would (with the page's CSRF token)."""
    page = client.get("/login", environ_base={"REMOTE_ADDR": ip})
    data = {
        "domain": domain,
        "login": user,
        "password": password,
        "captcha": captcha,
        "csrf_token": csrf_token(page.get_data(as_text=True)),
    }
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": ip})


@pytest.fixture
def manager_a(client: FlaskClient, tenants: tuple[str, str]) -> FlaskClient:
    assert login(client, tenants[0]).status_code == 302
    return client


@pytest.fixture
def admin(client: FlaskClient) -> FlaskClient:
    assert login(client, "", "root", ADMIN_PASSWORD).status_code == 302
    return client

"""Shared fixtures: a private, throwaway MariaDB for the whole session and tenants on it."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from qfon.db import engine_for
from qfon.private_mariadb import PrivateMariaDB
from qfon.settings import Settings
from qfon.tenant_admin import create_tenant, drop_tenant, is_tenant

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "data" / "samples"
TEST_TZ = "Europe/Moscow"


@pytest.fixture(scope="session")
def mariadb() -> Iterator[PrivateMariaDB]:
    """One private MariaDB server for the test session (own data dir, socket and port)."""
    with PrivateMariaDB(buffer_pool="512M") as server:
        yield server


@pytest.fixture(scope="session")
def engine(mariadb: PrivateMariaDB) -> Engine:
    """The pooled engine of the private server."""
    return engine_for(mariadb.url)


def settings_for(url: str | list[str], **sections: dict) -> Settings:
    """Settings pointing at private server(s), with an explicit tenant time zone."""
    mysql = {"url": url} if isinstance(url, str) else {"url": url[0], "urls": url}
    mysql.setdefault("timezone", TEST_TZ)  # type: ignore[arg-type]
    mysql.update(sections.pop("mysql", {}))
    return Settings.model_validate({"mysql": mysql, **sections})


@pytest.fixture
def settings(mariadb: PrivateMariaDB) -> Settings:
    """Settings for the private server."""
    return settings_for(mariadb.url)


_names = itertools.count(1)


@pytest.fixture
def make_tenant(engine: Engine) -> Iterator[Callable[..., str]]:
    """Create fresh tenants (`t<pid>_<n>` or a given name); dropped after the test."""
    made: list[str] = []

    def make(name: str | None = None, queue_log_layout: str = "1.6") -> str:
        domain = name or f"t{os.getpid()}_{next(_names)}"
        create_tenant(engine, domain, queue_log_layout)  # type: ignore[arg-type]
        made.append(domain)
        return domain

    yield make
    with engine.connect() as conn:
        alive = [d for d in made if is_tenant(conn, d)]
    for domain in alive:
        drop_tenant(engine, domain)


@pytest.fixture
def qfon_cli(
    tmp_path: Path, mariadb: PrivateMariaDB
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `qfon` command in a child process against the private server."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        config: Path | None = None,
        input: str | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
        full_env.update(
            {
                "QFON_MYSQL_URL": mariadb.url,
                "QFON_MYSQL_TIMEZONE": TEST_TZ,
                "QFON_DEFAULT_CONFIG": str(tmp_path / "absent.toml"),
            }
        )
        full_env.update(env or {})
        argv = [sys.executable, "-m", "qfon"]
        if config is not None:
            argv += ["--config", str(config)]
        return subprocess.run(
            argv + list(args),
            capture_output=True,
            text=True,
            env=full_env,
            input=input,
            timeout=timeout,
            check=False,
        )

    return run

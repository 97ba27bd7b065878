"""`qfon reports serve | passwd | hash-password`."""

from __future__ import annotations

import logging
import secrets
import sys
from typing import Any

import click
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from qfon.cli import AppContext, pass_app
from qfon.db import describe_db_error
from qfon.discovery import discover, tenant_engine
from qfon.errors import QfonError
from qfon.schema import system_user
from qfon.tenants import validate_domain

log = logging.getLogger("reports")


@click.group()
def reports() -> None:
    """The web reports for tenants' managers and platform admins."""


def _read_password(confirm: bool) -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=confirm))
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise QfonError("no password given on standard input")
    return password


@reports.command()
@pass_app
def serve(app: AppContext) -> int:
    """Serve the reports under gunicorn on `reports.bind` with `reports.workers` workers."""
    from gunicorn.app.base import BaseApplication

    from reports import create_app

    settings = app.settings
    if settings.reports.secret_key is None:  # one key for every worker of this start
        settings = settings.model_copy(deep=True)
        settings.reports.secret_key = secrets.token_hex(32)  # type: ignore[assignment]

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", [settings.reports.bind])
            self.cfg.set("workers", settings.reports.workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            self.cfg.set(
                "forwarded_allow_ips", "*" if settings.reports.trusted_proxies else "127.0.0.1"
            )

        def load(self) -> Any:
            return create_app({"QFON_SETTINGS": settings})

    log.info(
        "serving reports on %s with %d workers", settings.reports.bind, settings.reports.workers
    )
    Server().run()
    return 0


@reports.command()
@click.argument("domain")
@click.argument("login")
@pass_app
def passwd(app: AppContext, domain: str, login: str) -> int:
    """Set a manager's password (prompted, or one line on stdin), argon2id-hashed."""
    from reports.passwords import hash_password

    tenant = discover(app.settings, [validate_domain(domain)])[0]
    password = _read_password(confirm=True)
    hashed = hash_password(password)
    engine = tenant_engine(app.settings, tenant)
    try:
        with engine.begin() as conn:
            bound = conn.execution_options(schema_translate_map={None: domain})
            found = bound.execute(
                select(system_user.c.id).where(system_user.c.login == login)
            ).first()
            if found:
                bound.execute(
                    update(system_user)
                    .where(system_user.c.id == found.id)
                    .values(password_hash=hashed)
                )
            else:
                bound.execute(system_user.insert().values(login=login, password_hash=hashed))
    except SQLAlchemyError as exc:
        raise QfonError(f"cannot set the password in {domain}: {describe_db_error(exc)}") from None
    click.echo(f"password {'changed' if found else 'set'} for {login} in {domain}")
    return 0


@reports.command("hash-password")
def hash_password_cmd() -> int:
    """Read a password from stdin, print its hash for `[reports] admins`."""
    from reports.passwords import hash_password

    click.echo(hash_password(_read_password(confirm=True)))
    return 0

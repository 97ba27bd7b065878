"""`qfon demo`: a private MariaDB, generated tenants, and every part of the project running on it.

The foundation may not import its siblings, so the pipeline, agent, backup and reports run as
child processes of the real `qfon` command, exactly as an operator would start them.
"""

from __future__ import annotations

import importlib.util
import logging
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

from qfon import proc
from qfon.private_mariadb import PrivateMariaDB
from qfon.settings import Settings
from qfon.settings.render import toml_value
from qfon.timezone import host_zone

log = logging.getLogger(__name__)

MANAGER_LOGIN = "manager"


def _available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def demo_config(mysql_url: str, workdir: Path, bind: str, admin_hash: str | None) -> str:
    """The TOML settings the demo's child processes share."""
    zone = host_zone().key
    sections: dict[str, dict[str, Any]] = {
        "mysql": {"url": mysql_url, "timezone": zone},
        "paths": {
            "configs": str(workdir / "astconfigs"),
            "moh": str(workdir / "astmoh"),
            "recordings": str(workdir / "astspoolmonitor"),
            "agi": str(workdir / "astagi"),
            "host_files": [],
        },
        "agent": {"spool_dir": str(workdir / "spool")},
        "pipeline": {"interval": 60},
        "backup": {"target": str(workdir / "backups")},
        "reports": {"bind": bind, "secret_key": secrets.token_hex(32)},
    }
    if admin_hash:
        sections["reports"]["admins"] = [{"login": "admin", "password_hash": admin_hash}]
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in values.items()]
        lines.append("")
    return "\n".join(lines)


class Demo:
    """Runs `qfon` sub-commands against the demo's settings file."""

    def __init__(self, config_file: Path) -> None:
        self.config_file = config_file
        self.children: list[subprocess.Popen[bytes]] = []

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "qfon", "--config", str(self.config_file), *args]

    def step(self, title: str, *args: str, stdin: str | None = None) -> str:
        """Run one command to completion, echoing what it does; returns its output."""
        click.secho(f"\n== {title}: qfon {' '.join(args)}", fg="cyan", err=True)
        result = proc.run(
            self.argv()[0], *self.argv(*args)[1:], ok_codes=range(256), in_=stdin, err_to_out=True
        )
        output = str(result)
        if result.exit_code != 0:
            click.secho(f"   (exit status {result.exit_code})", fg="yellow", err=True)
        return output

    def background(self, *args: str) -> subprocess.Popen[bytes]:
        child = proc.start(self.argv(*args))
        self.children.append(child)
        return child

    def stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()


@contextmanager
def _server(settings: Settings, use_configured: bool, workdir: Path) -> Iterator[str]:
    if use_configured:
        yield settings.mysql.url
        return
    with PrivateMariaDB(base_dir=workdir / "mariadb", buffer_pool="512M") as server:
        click.echo(f"private MariaDB on {server.socket} (port {server.port})", err=True)
        yield server.url


def run_demo(
    settings: Settings,
    *,
    use_configured: bool = False,
    tenants: int = 5,
    days: int = 30,
    seed: int = 1,
    bind: str = "127.0.0.1:8080",
) -> int:
    """Seed tenants, run the pipeline, the agent, a backup and the reports until Ctrl-C."""
    from qfon.demo.load import seed_tenants  # the generator is only needed here

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qfon-demo-")))
        url = stack.enter_context(_server(settings, use_configured, workdir))
        admin_password = secrets.token_urlsafe(9)
        config_file = workdir / "qfon.toml"
        config_file.write_text(demo_config(url, workdir, bind, None))
        config_file.chmod(0o600)
        demo = Demo(config_file)
        stack.callback(demo.stop)
        has_reports = _available("reports.commands")
        if has_reports:
            admin_hash = (
                demo.step(
                    "hash the admin password",
                    "reports",
                    "hash-password",
                    stdin=admin_password + "\n",
                )
                .strip()
                .splitlines()[-1]
            )
            config_file.write_text(demo_config(url, workdir, bind, admin_hash))

        demo_settings = Settings.model_validate(
            {
                "mysql": {"url": url, "timezone": host_zone().key},
                "paths": {"recordings": str(workdir / "astspoolmonitor")},
            }
        )
        click.secho(f"\n== seeding {tenants} tenants x {days} days", fg="cyan", err=True)
        reports = seed_tenants(demo_settings, None, tenants, days, seed)
        names = [r.domain for r in reports]
        click.echo(f"tenants: {', '.join(names)}", err=True)

        if _available("pipeline.commands"):
            click.echo(demo.step("analytics pipeline, one pass", "pipeline", "run"), nl=False)
            demo.background("pipeline", "serve")
        if _available("agent.commands"):
            click.echo(demo.step("host agent, one round of metrics", "agent", "collect")[:3000])
        if _available("agent.backup.commands"):
            click.echo(demo.step("nightly backup", "backup", "run"), nl=False)
        if not has_reports:
            click.echo("reports are not installed; press Ctrl-C to stop", err=True)
            return _wait(demo)

        passwords = {}
        for name in names:
            password = secrets.token_urlsafe(9)
            demo.step(
                f"password of {name}'s manager",
                "reports",
                "passwd",
                name,
                MANAGER_LOGIN,
                stdin=password + "\n",
            )
            passwords[name] = password
        demo.background("reports", "serve")
        click.secho(f"\nReports on http://{bind}/  (Ctrl-C stops the demo)", fg="green", bold=True)
        click.echo(f"  platform admin: login admin / password {admin_password}")
        for name, password in passwords.items():
            click.echo(f"  tenant {name}: login {MANAGER_LOGIN} / password {password}")
        return _wait(demo)


def _wait(demo: Demo) -> int:
    """Block until Ctrl-C or SIGTERM, or until a background child dies."""
    stop = False

    def _on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _on_signal)
    try:
        while not stop:
            for child in demo.children:
                if child.poll() is not None:
                    click.echo(f"a demo process exited with status {child.returncode}", err=True)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    click.echo("\nstopping the demo", err=True)
    return 0

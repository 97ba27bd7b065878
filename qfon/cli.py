"""The one `qfon` command: foundation commands here, the siblings' loaded lazily by name."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from functools import cached_property

import click

from qfon.errors import QfonError
from qfon.lazy import LazyGroup
from qfon.logs import redact, setup_logging
from qfon.settings import Settings, load_settings

log = logging.getLogger("qfon")


class AppContext:
    """What every command gets: the settings, loaded (and validated) on first use."""

    def __init__(self, config_path: str | None, log_level: str | None, debug: bool) -> None:
        self.config_path = config_path
        self.log_level = log_level
        self.debug = debug
        setup_logging(log_level or "INFO")

    @cached_property
    def settings(self) -> Settings:
        settings = load_settings(self.config_path)
        setup_logging(self.log_level or settings.log.level)
        return settings


pass_app = click.make_pass_decorator(AppContext)

LAZY_COMMANDS = {
    "config": "qfon.commands.config_cmd:config",
    "tenant": "qfon.commands.tenant_cmd:tenant",
    "demo": "qfon.commands.demo_cmd:demo",
    "pipeline": "pipeline.commands:pipeline",
    "agent": "agent.commands:agent",
    "backup": "agent.backup.commands:backup",
    "restore": "agent.backup.commands:restore",
    "reports": "reports.commands:reports",
}


@click.group(cls=LazyGroup, lazy_subcommands=LAZY_COMMANDS)
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False),
    help="settings file (default: $QFON_CONFIG, else /etc/qfon/qfon.toml)",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="overrides [log] level",
)
@click.option("--debug", is_flag=True, envvar="QFON_DEBUG", help="show tracebacks of errors")
@click.version_option(package_name="qfon-ops", prog_name="qfon")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, log_level: str | None, debug: bool) -> None:
    """Operations and analytics of the hosted virtual-PBX platform."""
    ctx.obj = AppContext(config_path, log_level.upper() if log_level else None, debug)


def _report_error(message: str) -> None:
    for line in redact(message).splitlines() or [""]:
        click.echo(f"qfon: error: {line}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a command and turn every failure into one line and an exit status."""
    debug = "--debug" in (argv if argv is not None else sys.argv) or bool(
        os.environ.get("QFON_DEBUG")
    )
    try:
        result = cli.main(args=argv, prog_name="qfon", standalone_mode=False)
    except QfonError as exc:
        _report_error(str(exc))
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("qfon: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("qfon: interrupted", err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: one line, never a traceback
        if debug:
            traceback.print_exc()
        _report_error(f"unexpected {type(exc).__name__}: {exc} (run with --debug for details)")
        return 1
    return int(result) if isinstance(result, int) else 0


def run() -> None:
    """Console-script wrapper."""
    sys.exit(main())


if __name__ == "__main__":
    run()

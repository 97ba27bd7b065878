"""Click's documented LazyGroup: sub-commands imported only when used.

So the agent on a PBX host never imports pandas or Flask, and `qfon` (the foundation) names its
siblings only as strings.
"""

from __future__ import annotations

import importlib
from typing import Any

import click


class LazyGroup(click.Group):
    """A group whose `lazy_subcommands` map a name to `"module.path:attribute"`."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            return self._lazy_load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _lazy_load(self, cmd_name: str) -> click.Command:
        module_name, attribute = self.lazy_subcommands[cmd_name].split(":", 1)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            return _unavailable(cmd_name, f"module {exc.name} is missing")
        command = getattr(module, attribute)
        if not isinstance(command, click.Command):
            raise click.ClickException(f"{self.lazy_subcommands[cmd_name]} is not a command")
        return command


def _unavailable(cmd_name: str, reason: str) -> click.Command:
    """A stand-in that lists in --help and fails with one clear line when run."""

    def fail() -> None:
        raise click.ClickException(f"'{cmd_name}' is not available: {reason}")

    return click.Command(cmd_name, callback=fail, help=f"(not available: {reason})")

"""`qfon config check|example`: validate and show the settings."""

from __future__ import annotations

import click

from qfon.cli import AppContext, pass_app
from qfon.settings.render import example_toml, masked_toml


@click.group()
def config() -> None:
    """Check or print the settings."""


@config.command("check")
@pass_app
def check(app: AppContext) -> None:
    """Validate the settings and print the effective values, secrets masked."""
    click.echo(masked_toml(app.settings), nl=False)
    click.echo("# settings are valid", err=True)


@config.command("example")
def example() -> None:
    """Print the commented example configuration (config/qfon.example.toml)."""
    click.echo(example_toml(), nl=False)

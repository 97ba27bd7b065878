"""`qfon agent`: collect (print a round as JSON), run --once (collect and send), serve."""

from __future__ import annotations

import json

import click

from qfon.cli import AppContext, pass_app


@click.group()
def agent() -> None:
    """Host agent: system, service and tenant metrics pushed to Zabbix."""


@agent.command()
@pass_app
def collect(app: AppContext) -> int:
    """Measure one round and print it as JSON (no Zabbix needed)."""
    from agent.metrics import Collector

    collected = Collector(app.settings, background=False).collect()
    click.echo(json.dumps(collected.as_json(), indent=2, ensure_ascii=False))
    return 1 if collected.errors else 0


@agent.command()
@click.option("--once", is_flag=True, help="one round, then exit (else: as `agent serve`)")
@pass_app
def run(app: AppContext, once: bool) -> int:
    """Collect and send to Zabbix; values that cannot be delivered wait in the spool."""
    if not once:
        from agent.serve import serve

        return serve(app.settings)
    from agent.runner import Agent, succeeded

    collected, report = Agent.from_settings(app.settings, background=False).round()
    return 0 if succeeded(collected, report) else 1


@agent.command()
@pass_app
def serve(app: AppContext) -> int:
    """A round every `agent.interval` seconds and the nightly backup, until SIGTERM."""
    from agent.serve import serve as serve_loop

    return serve_loop(app.settings)

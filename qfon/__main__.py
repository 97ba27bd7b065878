"""`python -m qfon` is the `qfon` command."""

from qfon.cli import run

run()

#!/usr/bin/env bash
# The whole check suite, as CI runs it: lint, format, types, layering, units, tests.
# Expects scripts/setup.sh to have installed everything (it calls this script in `test` mode).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff check";          ruff check .
echo "== ruff format --check"; ruff format --check .
echo "== mypy qfon";           mypy qfon
echo "== import contracts";    lint-imports
echo "== systemd units";       bash scripts/verify-units.sh
echo "== pytest"
exec python -m pytest "$@"

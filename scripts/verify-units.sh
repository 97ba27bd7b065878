#!/usr/bin/env bash
# Verifies the shipped systemd units with systemd-analyze (their ExecStart must exist:
# scripts/setup.sh links /usr/local/bin/qfon to the virtual environment's command).
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
units=(config/systemd/*.service config/systemd/*.timer)
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "${units[@]}" 2>&1 || true)
# Outside a booted systemd (containers, CI) systemd-analyze also reports the host's own unit
# files; only lines naming our units count.
ours=$(printf '%s\n' "$out" | grep -E 'qfon-[a-z]+\.(service|timer)' || true)
if [ -n "$ours" ]; then
  printf '%s\n' "$ours"
  echo "verify-units: problems in the shipped units"
  exit 1
fi
echo "verify-units: ${#units[@]} units verified"

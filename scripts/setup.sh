#!/usr/bin/env bash
# Installs everything qfon-ops needs on Debian 12 (as root), then runs the demo or the tests.
#   bash scripts/setup.sh demo    install, then run `qfon demo` (Ctrl-C stops it)
#   bash scripts/setup.sh test    install, then run the whole check suite (what CI runs)
#   bash scripts/setup.sh         install only
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-install}"

apt_packages=(
  # the platform's own parts the tools drive
  mariadb-server mariadb-client rsync zstd gzip openssh-server openssh-client
  # Python (Debian refuses pip outside a virtual environment)
  python3 python3-venv python3-dev build-essential
  # Zabbix 6.0 server, frontend (API) and zabbix_sender, for the agent's integration tests
  zabbix-server-mysql zabbix-frontend-php zabbix-agent php-cli php-mysql php-bcmath php-gd
  php-mbstring php-xml
  # the browser the web reports are tested in
  chromium chromium-driver
  # systemd-analyze verifies the shipped units; fonts for CAPTCHA and screenshots
  systemd fonts-dejavu-core procps
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/qfon-apt.log 2>&1 \
    || { tail -n 30 /tmp/qfon-apt.log; echo "setup: apt-get install failed"; exit 1; }
fi

python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating the virtual environment .venv"
  "$python" -m venv .venv
fi
stamp=.venv/.qfon-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]'
  touch "$stamp"
fi

# The shipped systemd units run /usr/local/bin/qfon.
if [ "$(id -u)" = 0 ]; then ln -sf "$PWD/.venv/bin/qfon" /usr/local/bin/qfon; fi

case "$mode" in
  demo) exec .venv/bin/qfon demo ;;
  test) exec bash scripts/check.sh ;;
  install) echo "setup: done; activate with: . .venv/bin/activate" ;;
  *) echo "setup: unknown mode '$mode' (demo, test or nothing)"; exit 2 ;;
esac

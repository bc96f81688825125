#!/usr/bin/env bash
# Installs everything kechuang needs on a fresh machine. Idempotent; re-running skips what is already there.
#   scripts/setup.sh          Python packages (.venv) and the front-end libraries (node_modules: ECharts)
#   scripts/setup.sh --test   also Debian's Chromium, CJK fonts and a running PostgreSQL for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_install() {
  # Installs Debian packages that are missing; needs root (the case on CI and developer machines here).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
}

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3.11 python3; do command -v "$c" >/dev/null && { PY="$c"; break; }; done
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PY"
  "$PY" -m venv .venv
fi
hash_now=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat .venv/.requirements-hash 2>/dev/null)" != "$hash_now" ]; then
  echo "setup: installing Python packages"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  echo "$hash_now" > .venv/.requirements-hash
fi

# The fonts are needed for PDF reports (embedded Chinese fonts) and for Chinese text in the browser.
apt_install fonts-wqy-microhei

if [ ! -f node_modules/echarts/dist/echarts.min.js ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null || apt_install npm
  echo "setup: installing ECharts and axe-core (accessibility checks in the browser tests) from the npm registry"
  npm install --no-audit --no-fund --silent >/dev/null
fi

if [ $want_test -eq 1 ]; then
  apt_install chromium
  apt_install redis-server  # the distributed screening tests start a Redis of their own (screening/tests/test_distributed.py)
  # PostgreSQL: use the server on 127.0.0.1:5432 when one answers; start or install one when not.
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      apt_install postgresql
    fi
    ver=$(ls /etc/postgresql | sort -V | tail -n1)
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || pg_ctlcluster "$ver" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # The suite connects as postgres without a password; allow it where the cluster asks for one.
  if ! psql -h 127.0.0.1 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
    su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
    export PGPASSWORD=postgres
  fi
fi
echo "setup: done"

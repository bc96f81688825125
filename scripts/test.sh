#!/usr/bin/env bash
# Runs lint and the whole test suite on SQLite and then on PostgreSQL (127.0.0.1:5432), browser tests included.
# The PostgreSQL half runs only the tests that reach the database (KECHUANG_TEST_DATABASE_ONLY, see conftest.py):
# the others give the same outcome on both and run once, in the SQLite half; the tests marked postgres_half run in
# the PostgreSQL half only (KECHUANG_TEST_SQLITE_HALF).
# Tests run on every core (pytest-xdist, a database per worker: in memory on SQLite, test_<name>_gwN on PostgreSQL);
# KECHUANG_TEST_WORKERS sets how many (1: in this process, no workers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if ! psql -h 127.0.0.1 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then export PGPASSWORD=postgres; fi
.venv/bin/ruff check .
.venv/bin/lint-imports
# `openfisca test` over every YAML test file of policy_weihai runs inside the suite
# (policy/tests/test_openfisca_cli.py, which also checks that every case ran), in the SQLite half.
workers="${KECHUANG_TEST_WORKERS:-auto}"
parallel=(-n "$workers")
[ "$workers" = "1" ] && parallel=(-p no:xdist)
# The two halves run at the same time (each on every core): on 2 cores one half's waits (the browser, PostgreSQL, the
# queue workers of the distributed tests) are the other's CPU time. Each half's output is shown once it is over.
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
KECHUANG_TEST_SQLITE_HALF=1 env -u DATABASE_URL .venv/bin/pytest -q -p no:cacheprovider "${parallel[@]}" "$@" \
  >"$logs/sqlite" 2>&1 &
sqlite=$!
KECHUANG_TEST_DATABASE_ONLY=1 DATABASE_URL="${TEST_POSTGRES_URL:-postgres://postgres${PGPASSWORD:+:$PGPASSWORD}@127.0.0.1:5432/kechuang}" \
  .venv/bin/pytest -q -p no:cacheprovider "${parallel[@]}" "$@" >"$logs/postgres" 2>&1 &
postgres=$!
status=0
wait "$sqlite" || status=$?
echo "== tests on SQLite"
cat "$logs/sqlite"
wait "$postgres" || status=$?
echo "== tests on PostgreSQL"
cat "$logs/postgres"
exit "$status"

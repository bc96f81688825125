#!/usr/bin/env bash
# Runs lint and the whole test suite on SQLite and then on PostgreSQL (127.0.0.1:5432), browser tests included.
# The PostgreSQL half runs only the tests that reach the database (KECHUANG_TEST_DATABASE_ONLY, see conftest.py):
# the others give the same outcome on both and run once, in the SQLite half.
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
echo "== tests on SQLite"
env -u DATABASE_URL .venv/bin/pytest -q -p no:cacheprovider "${parallel[@]}" "$@"
echo "== tests on PostgreSQL"
KECHUANG_TEST_DATABASE_ONLY=1 DATABASE_URL="${TEST_POSTGRES_URL:-postgres://postgres${PGPASSWORD:+:$PGPASSWORD}@127.0.0.1:5432/kechuang}" \
  .venv/bin/pytest -q -p no:cacheprovider "${parallel[@]}" "$@"

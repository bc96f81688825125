#!/usr/bin/env bash
# Runs lint and the whole test suite on SQLite and then on PostgreSQL (127.0.0.1:5432), browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if ! psql -h 127.0.0.1 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then export PGPASSWORD=postgres; fi
.venv/bin/ruff check .
.venv/bin/lint-imports
PYTHONPATH=. .venv/bin/openfisca test $(find policy_weihai -name '*.yaml' \( -path '*/tests/*' -o -name tests.yaml \)) --country-package policy_weihai
echo "== tests on SQLite"
env -u DATABASE_URL .venv/bin/pytest -q -p no:cacheprovider "$@"
echo "== tests on PostgreSQL"
DATABASE_URL="${TEST_POSTGRES_URL:-postgres://postgres${PGPASSWORD:+:$PGPASSWORD}@127.0.0.1:5432/kechuang}" \
  .venv/bin/pytest -q -p no:cacheprovider "$@"

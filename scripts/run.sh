#!/usr/bin/env bash
# Runs the platform on http://127.0.0.1:8000 with the embedded SQLite database and a demo Weihai.
#   KECHUANG_DEMO_ENTERPRISES=4000 (default) sizes the demo city; DATABASE_URL selects another database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py generate_demo --if-empty --enterprises "${KECHUANG_DEMO_ENTERPRISES:-4000}"
exec .venv/bin/python manage.py runserver "${KECHUANG_ADDR:-127.0.0.1:8000}"

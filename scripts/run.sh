#!/usr/bin/env bash
# Runs the platform on http://127.0.0.1:8000 with the embedded SQLite database and a demo Weihai, plus one
# background-job worker (huey on an SQLite file: no server needed).
#   KECHUANG_DEMO_ENTERPRISES=4000 (default) sizes the demo city; DATABASE_URL selects another database.
set -euo pipefail
export KECHUANG_DEBUG="${KECHUANG_DEBUG:-1}"  # the demo runs in debug mode; production leaves it unset (off)
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py generate_demo --if-empty --enterprises "${KECHUANG_DEMO_ENTERPRISES:-4000}"
.venv/bin/python manage.py indicators demo --if-empty
.venv/bin/python manage.py incubation demo --if-empty
.venv/bin/python manage.py experts_demo --if-empty
.venv/bin/python manage.py funding demo --if-empty
.venv/bin/python manage.py vouchers_demo
.venv/bin/python manage.py techmarket_demo
.venv/bin/python manage.py finance_demo --if-empty
mkdir -p var
if .venv/bin/python manage.py help run_huey >/dev/null 2>&1; then
  .venv/bin/python manage.py run_huey > var/worker.log 2>&1 &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
  echo "后台任务进程已启动（日志 var/worker.log）。"
fi
echo "平台地址：http://${KECHUANG_ADDR:-127.0.0.1:8000}/"
.venv/bin/python manage.py runserver --noreload "${KECHUANG_ADDR:-127.0.0.1:8000}"

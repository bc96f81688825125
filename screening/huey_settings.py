"""Job queue configuration (huey) for screening and what-if runs.

Imported at the end of kechuang/settings.py (``from screening.huey_settings import HUEY``). Chosen by the
environment variable ``KECHUANG_HUEY``:

* ``sqlite`` (default): SqliteHuey, the queue is a file under var/ — no server needed. Start a worker next to the web
  server with ``python manage.py run_huey`` (it is the same process model as production).
* ``redis``: RedisHuey on ``REDIS_URL`` (default redis://127.0.0.1:6379/0) — the production setup; run
  ``python manage.py run_huey`` processes (systemd units or containers) on any number of machines against the same
  Redis and PostgreSQL: a run's batches are separate tasks that any of them takes.
* ``immediate``: tasks run inside the calling process at once (tests, or a demo without any worker).

Progress and results always live in the database (screening.ScreeningRun, RunBatch), never only in the queue, so a
run survives the death of a worker: the batch it held is queued again (the workers' watchdog and start-up hook).
"""

from __future__ import annotations

import os
from pathlib import Path

_BASE_DIR = Path(__file__).resolve().parent.parent
_VAR_DIR = Path(os.environ.get("KECHUANG_VAR_DIR", _BASE_DIR / "var"))
_MODE = os.environ.get("KECHUANG_HUEY", "sqlite").lower()
_WORKERS = int(os.environ.get("KECHUANG_HUEY_WORKERS", "2"))

if _MODE == "redis":
    HUEY: dict = {
        "huey_class": "huey.RedisHuey",
        "name": "kechuang",
        "url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "immediate": False,
        "consumer": {"workers": _WORKERS, "worker_type": "thread"},
    }
elif _MODE == "immediate":
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "kechuang", "immediate": True}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kechuang",
        # each pytest-xdist worker its own queue file: one worker's task locks and queued tasks are not another's
        "filename": str(_VAR_DIR / f"huey{'-' + os.environ['PYTEST_XDIST_WORKER'] if 'PYTEST_XDIST_WORKER' in os.environ else ''}.sqlite3"),
        "immediate": False,
        "consumer": {"workers": _WORKERS, "worker_type": "thread"},
    }

"""Queue tasks (huey). Workers: ``python manage.py run_huey`` (see screening/huey_settings.py)."""

from __future__ import annotations

import logging
import threading
import time

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

logger = logging.getLogger(__name__)


@db_task()
def run_job(run_id: int) -> None:
    from screening.services import execute_run

    execute_run(run_id, heartbeat=not HUEY.immediate)


def enqueue_run(run_id: int) -> None:
    """Queue a run once the transaction that created it has committed (at once in immediate mode)."""
    if HUEY.immediate:
        run_job(run_id)
    else:
        transaction.on_commit(lambda: run_job(run_id))


@on_startup()
def resume_after_restart() -> None:
    """A worker that starts picks up the runs a dead worker left half done (they resume at their cursor)."""
    from django.db import close_old_connections

    from screening.services import resume_interrupted

    try:
        resumed = resume_interrupted()
        if resumed:
            logger.warning("screening: resumed interrupted runs %s", resumed)
    except Exception:  # the database may not be migrated yet; the worker must still start
        logger.exception("screening: could not check for interrupted runs")
    finally:
        close_old_connections()
    _start_watchdog()


_watchdog: threading.Thread | None = None


def _start_watchdog() -> None:
    """Every HEARTBEAT_EVERY, re-queue runs whose heartbeat went stale (their worker was killed): a crash is
    noticed within STALE_AFTER + HEARTBEAT_EVERY (20 s by default), not at the next minute's periodic task."""
    global _watchdog
    if _watchdog is not None and _watchdog.is_alive():
        return

    def loop() -> None:
        from django.db import close_old_connections

        from screening.services import HEARTBEAT_EVERY, resume_interrupted

        while True:
            time.sleep(HEARTBEAT_EVERY.total_seconds())
            try:
                resumed = resume_interrupted()
                if resumed:
                    logger.warning("screening: worker crash noticed, resuming runs %s", resumed)
            except Exception:
                logger.exception("screening: watchdog could not check for stale runs")
            finally:
                close_old_connections()

    _watchdog = threading.Thread(target=loop, name="screening-watchdog", daemon=True)
    _watchdog.start()


@db_periodic_task(crontab(minute="*"))
def resume_stale_runs() -> None:
    """Every minute: a run whose heartbeat stopped (worker killed) is queued again and resumes at its cursor."""
    from screening.services import resume_interrupted

    resume_interrupted()

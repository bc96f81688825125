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
    """A run's own task: split it into batches and queue one batch task per batch (any worker, any machine)."""
    from screening.services import dispatch_run

    dispatch_run(run_id)


@db_task()
def batch_job(run_id: int, batch_no: int) -> None:
    """One batch of a run, computed and written exactly once by whichever worker takes it."""
    from screening.services import execute_batch

    execute_batch(run_id, batch_no, heartbeat=not HUEY.immediate)


def enqueue_run(run_id: int) -> None:
    """Queue a run once the transaction that created it has committed (at once in immediate mode)."""
    if HUEY.immediate:
        run_job(run_id)
    else:
        transaction.on_commit(lambda: run_job(run_id))


def queued_batches() -> set[tuple[int, int]]:
    """(run, batch number) of the batch tasks waiting in the queue (read only when a run looks stuck)."""
    return {tuple(t.args) for t in HUEY.pending() if isinstance(t, batch_job.task_class)}


def enqueue_batch(run_id: int, batch_no: int) -> None:
    """Queue one batch of a run (its row is committed already; at once in immediate mode)."""
    batch_job(run_id, batch_no)


@on_startup()
def resume_after_restart() -> None:
    """A worker that starts picks up what a dead worker left half done (runs not yet split, batches being computed)."""
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
    """Every HEARTBEAT_EVERY, re-queue runs and batches whose heartbeat went stale (their worker was killed): a crash is
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
    """Every minute: a run or batch whose heartbeat stopped (worker killed) is queued again."""
    from screening.services import resume_interrupted

    resume_interrupted()

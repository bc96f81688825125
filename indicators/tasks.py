"""Queue tasks (huey) of indicator monitoring: keeping the registry counts current (see indicators/counts.py).

Workers: ``python manage.py run_huey`` (screening/huey_settings.py). Two refreshes never run at once: the second
finds the lock taken and leaves (the changes it would take in stay noted for the next run, a minute later).
"""

from __future__ import annotations

import logging

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

logger = logging.getLogger(__name__)
LOCK = "indicators.refresh_counts"


def _refresh() -> None:
    """Take in the changes noted since the last refresh (all figures after an import)."""
    from indicators import counts

    try:
        with HUEY.lock_task(LOCK):
            summary = counts.refresh_changes()
    except TaskLockedException:
        logger.info("indicators: a refresh of the registry counts is already running")
        return
    logger.info("indicators: %d registry figures recounted (%s) in %.1f s", summary.figures,
                "all" if summary.full else "the changed regions and years", summary.seconds)


@db_task()
def refresh_counts() -> None:
    _refresh()


@db_periodic_task(crontab(minute="*"))
def refresh_stale_counts() -> None:
    """Every minute: take in the changes noted since the last refresh, and count any figure the pages lack."""
    from indicators import counts

    if counts.stale():
        _refresh()


def enqueue_refresh(**_) -> None:
    """After a registry import (bulk writes, no per-row notes; sent once its transaction committed): everything
    may have changed, so the next refresh recounts all; queued now (at once in immediate mode)."""
    from indicators import counts

    if not counts.enabled():
        return
    counts.mark_changed()
    if HUEY.immediate:
        _refresh()
    else:
        transaction.on_commit(refresh_counts)

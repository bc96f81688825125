"""Queue tasks (huey) of indicator monitoring: keeping the registry counts fresh (see indicators/counts.py).

Workers: ``python manage.py run_huey`` (screening/huey_settings.py). Two refreshes never run at once: the second
finds the lock taken and leaves (the first one's figures are as fresh).
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
    from indicators import counts

    try:
        with HUEY.lock_task(LOCK):
            summary = counts.refresh()
    except TaskLockedException:
        logger.info("indicators: a refresh of the registry counts is already running")
        return
    logger.info("indicators: %d registry figures recounted in %.1f s", summary.figures, summary.seconds)


@db_task()
def refresh_counts() -> None:
    _refresh()


@db_periodic_task(crontab(minute="*"))
def refresh_stale_counts() -> None:
    """Every minute: recount when the oldest figure is older than INDICATORS_CACHE_SECONDS or one is missing."""
    from indicators import counts

    if counts.stale():
        _refresh()


def enqueue_refresh(**_) -> None:
    """After a registry import: recount once its transaction has committed (at once in immediate mode)."""
    from indicators import counts

    if not counts.enabled():
        return
    if HUEY.immediate:
        _refresh()
    else:
        transaction.on_commit(refresh_counts)

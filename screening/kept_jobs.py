"""The queue's job that keeps each organisation's results fresh (screening.services.kept); imported by
``ScreeningConfig.ready`` so that every worker knows it."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task
from huey.exceptions import TaskLockedException


def _refresh() -> int:
    from screening.services.kept import refresh

    try:
        with lock_task("screening-kept-refresh"):  # one at a time: a second one would compute the same rows
            return refresh()
    except TaskLockedException:  # the one running, or the next minute's, takes the rows marked meanwhile
        return 0


@db_task()
def refresh_kept() -> int:
    return _refresh()


def enqueue_refresh() -> None:
    """Queue a refresh (run at once with an immediate queue)."""
    refresh_kept()


@db_periodic_task(crontab(minute="*"))
def refresh_kept_every_minute() -> None:
    """Rows a rules change left behind (reference data saved, a deployment) and any refresh a worker lost."""
    _refresh()

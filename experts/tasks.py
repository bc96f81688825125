"""Queue tasks (huey) of the expert review: background solves of large rounds and deadline reminders."""

from __future__ import annotations

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task


@db_task()
def solve_job(round_id: int, actor_id: int | None = None) -> None:
    from accounts.models import User
    from experts.matching import Infeasible
    from experts.models import ReviewRound
    from experts.services import ReviewError, solve_round

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        solve_round(ReviewRound.objects.get(pk=round_id), actor, queued=True)
    except (Infeasible, ReviewError):
        pass  # the round records the reason (solve_message) for the page


def enqueue_solve(round_id: int, actor_id: int | None) -> None:
    if HUEY.immediate:
        solve_job(round_id, actor_id)
    else:
        transaction.on_commit(lambda: solve_job(round_id, actor_id))


@db_periodic_task(crontab(minute="0", hour="*"))
def hourly_reminders() -> None:
    from experts.services import replace_silent, send_reminders

    send_reminders()
    replace_silent()

"""The evaluation job on the project's huey queue (workers: ``manage.py run_huey``; ``KECHUANG_HUEY=immediate`` runs it
inside the request, as the tests do). Progress and the result live in ``EvaluationRun``."""

from __future__ import annotations

from django.db import transaction
from huey.contrib.djhuey import HUEY, db_task


@db_task()
def run_evaluation(run_id: int) -> None:
    from evaluation.services import execute_run

    execute_run(run_id)


def enqueue(run_id: int) -> None:
    """Queue once the transaction that created the run has committed (at once in immediate mode)."""
    if HUEY.immediate:
        run_evaluation(run_id)
    else:
        transaction.on_commit(lambda: run_evaluation(run_id))

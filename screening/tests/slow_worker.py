"""A queue worker for the distributed tests: ``manage.py run_huey --workers 1`` whose batches each take at least
a second more, so that a test can kill it while it holds a batch (computed, not yet written).

    python -m screening.tests.slow_worker   (environment: DATABASE_URL, KECHUANG_HUEY=redis, REDIS_URL, …)
"""

from __future__ import annotations

import os
import time
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from screening.services import batching

    compute = batching._compute_batch

    def slow(*args: object, **kwargs: object) -> object:
        out = compute(*args, **kwargs)
        time.sleep(float(os.environ.get("KC_TEST_BATCH_DELAY_S", "1")))
        return out

    batching._compute_batch = slow
    if os.environ.get("KC_TEST_READY"):
        Path(os.environ["KC_TEST_READY"]).touch()  # Django set up: the test may start its run
    call_command("run_huey", "--workers", "1")

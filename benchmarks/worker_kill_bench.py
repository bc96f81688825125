"""Time from a killed screening worker to its run resuming (issue 12: a crash must be noticed within 30 s).

    createdb -h 127.0.0.1 -U postgres kc_bench_worker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench_worker .venv/bin/python benchmarks/worker_kill_bench.py

Migrates the database, builds a demo city once (--enterprises), starts a huey worker (``manage.py run_huey``, queue
file in a temporary folder, small batches), starts a city-wide screening run, kills the worker with SIGKILL in the
middle of the run, starts a new worker at once (as systemd's Restart=always would) and prints how long it took until
the batch the killed worker held was noticed as orphaned (queued again, or the run itself when it had not been split
into batch tasks yet) and until the run made progress again. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=50)
    args = ap.parse_args()
    var = tempfile.mkdtemp(prefix="kc-worker-bench-")
    env = {**os.environ, "KECHUANG_VAR_DIR": var, "KECHUANG_HUEY": "sqlite", "KECHUANG_DEBUG": "1",
           "KECHUANG_SCREENING_BATCH": str(args.batch), "DJANGO_SETTINGS_MODULE": "kechuang.settings"}
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q

    from registry.models import Organization
    from screening import services
    from screening.models import RunBatch, ScreeningRun

    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        call_command("generate_demo", enterprises=args.enterprises, verbosity=0)

    def worker() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "1"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    first = worker()
    run = services.start_run(None, year=2024, scope=ScreeningRun.Scope.ALL)
    deadline = time.time() + 120
    while time.time() < deadline:
        run.refresh_from_db()
        if run.status == ScreeningRun.Status.RUNNING and run.processed >= 2 * args.batch:
            break
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)
    killed_at, processed = time.time(), run.processed
    print(f"run #{run.pk}: {run.total} organisations, worker killed at {processed} processed")
    second = worker()
    noticed = resumed = None
    try:
        while time.time() - killed_at < 180:
            run.refresh_from_db()
            # A batch the dead worker held: queued again (taken once before) or taken a second time.
            taken_again = RunBatch.objects.filter(run=run).filter(
                Q(status=RunBatch.Status.QUEUED, attempts__gte=1) | Q(attempts__gte=2))
            if noticed is None and (run.status == ScreeningRun.Status.QUEUED or run.attempts > 1
                                    or taken_again.exists()):
                noticed = time.time() - killed_at
            if resumed is None and (run.processed > processed or run.status == ScreeningRun.Status.DONE):
                resumed = time.time() - killed_at
            if resumed is not None and (noticed is not None or run.status == ScreeningRun.Status.DONE):
                break
            time.sleep(0.2)
        print(f"crash noticed after {noticed:.1f} s" if noticed is not None else "crash not noticed within 180 s")
        print(f"run resumed (progress again) after {resumed:.1f} s" if resumed is not None else "run did not resume")
        while run.status not in (ScreeningRun.Status.DONE, ScreeningRun.Status.FAILED) and time.time() - killed_at < 600:
            time.sleep(1)
            run.refresh_from_db()
        print(f"run finished: {run.get_status_display()}, processed {run.processed}/{run.total}, batches taken "
              f"twice {RunBatch.objects.filter(run=run, attempts__gt=1).count()}")
    finally:
        os.killpg(second.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()

"""A screening run split into batch tasks taken by separate queue worker processes (issue 28 item 2), on PostgreSQL
and Redis, against its I/O floor measured the same way.

    createdb -h 127.0.0.1 -U postgres kc_dist_1m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_dist_1m REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python benchmarks/distributed_run.py --enterprises 1000000 --workers 2

The demo city is generated once (COPY; skipped when the database holds that many enterprises already — a city made
larger by benchmarks/replicate_city.py is taken as it is). Then K ``manage.py run_huey`` worker processes are started
(separate processes on one Redis queue, as they would be on K machines; each builds the rules once before it takes
work, as a long-running worker has; periodic tasks off, so that the indicator recount does not share the time) and:

* end to end: a city-wide screening started as staff start one — the run's task splits it into batches (id ranges)
  and queues one task per batch; the workers take them, each writing its batch's results, totals and the run's
  progress in one transaction; timed from the start until the run is done (its last batch landed);
* the I/O floor, measured the same way: a second run over the same batches taken by the same number of workers,
  started afresh, whose batches read the same rows (the selection's ids, then every fact the engine reads for the
  batch: ``policy.facts.load``) and write the same result rows (taken from the first run, COPY text on disk), totals
  and progress — only the engine's computation (openfisca and the explanations) skipped;
* the ratio end to end / floor, and organisations and result rows per second.

Prints figures; asserts none. The runs are deleted afterwards (``--keep`` keeps them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_DEBUG", "1")
os.environ["KECHUANG_HUEY"] = "redis"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--first-year", type=int, default=2023, help="first year of yearly facts generated")
    parser.add_argument("--year", type=int, default=2024, help="the year screened")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (run_huey --workers 1 each)")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the runs and their results")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # one worker process (internal)
    parser.add_argument("--floor", help=argparse.SUPPRESS)  # the worker's batches skip the engine (internal)
    args = parser.parse_args()
    os.environ["KECHUANG_SCREENING_BATCH"] = str(args.batch_size)
    if args.worker:
        worker(args)
        return

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from huey.contrib.djhuey import HUEY

    from benchmarks.common import ensure_demo_city
    from registry.models import Organization
    from screening import services
    from screening.models import ScreeningRun

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; queue {os.environ['REDIS_URL']}; "
          f"batch {args.batch_size:,}; {args.workers} worker processes")
    if Organization.objects.filter(kind="enterprise").count() < args.enterprises:
        ensure_demo_city(args.enterprises, args.first_year)
    total = Organization.objects.count()
    HUEY.flush()  # this queue's messages only (its own Redis keys)
    ScreeningRun.objects.filter(status__in=[ScreeningRun.Status.QUEUED, ScreeningRun.Status.RUNNING]).update(
        status=ScreeningRun.Status.CANCELLED, cancel_requested=True)

    floor_dir = Path(tempfile.mkdtemp(prefix="kc-floor-"))
    runs = []
    try:
        # End to end.
        with Workers(args) as workers:
            run = services.start_run(None, year=args.year)  # queued for the workers as staff would start it
            runs.append(run)
            e2e = wait(run.pk, workers)
        run.refresh_from_db()
        rows = run.results.count()
        print(f"end to end: {run.total:,} organisations in {run.batches_total:,} batches, {rows:,} result rows: "
              f"{e2e:,.1f} s = {run.total / e2e:,.0f} organisations/s, {rows / e2e:,.0f} result rows/s "
              f"({run.get_status_display()}, processed {run.processed:,})")

        # The floor: the same batches read and written by the same number of workers, the engine skipped.
        floor_run = services.start_run(None, year=args.year, enqueue=False)
        runs.append(floor_run)
        t0 = time.perf_counter()
        written = export_rows(run, floor_run.pk, floor_dir)
        print(f"  (floor's result rows taken from that run: {written / 1e6:,.0f} MB in "
              f"{time.perf_counter() - t0:,.1f} s, not timed)")
        with Workers(args, floor=floor_dir) as workers:
            from screening.tasks import enqueue_run

            enqueue_run(floor_run.pk)
            floor = wait(floor_run.pk, workers)
        floor_run.refresh_from_db()
        floor_rows = floor_run.results.count()
        print(f"I/O floor (same batches, same workers, engine skipped): {floor:,.1f} s, {floor_rows:,} result rows "
              f"({floor_run.get_status_display()})")
        print(f"end to end / floor = {e2e / floor:.2f} (target <= 1.5); {total:,} organisations in the registry")
    finally:
        shutil.rmtree(floor_dir, ignore_errors=True)
        if not args.keep:
            drop_runs([r.pk for r in runs])


class Workers:
    """K worker processes (``manage.py run_huey --workers 1`` each, through this script so that the floor's can skip
    the engine), started and ready — the rules built — on entry, killed on exit."""

    def __init__(self, args: argparse.Namespace, floor: Path | None = None) -> None:
        self.args, self.floor, self.procs = args, floor, []
        self.ready = Path(tempfile.mkdtemp(prefix="kc-workers-"))

    def __enter__(self) -> Workers:
        cmd = [sys.executable, __file__, "--worker", "--year", str(self.args.year),
               "--batch-size", str(self.args.batch_size)]
        if self.floor:
            cmd += ["--floor", str(self.floor)]
        for i in range(self.args.workers):
            env = {**os.environ, "KC_BENCH_READY": str(self.ready / str(i))}
            log = open(Path(tempfile.gettempdir()) / f"kc-dist-worker-{i}.log", "w")  # noqa: SIM115
            self.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                               start_new_session=True))
        deadline = time.time() + 300
        while len(list(self.ready.iterdir())) < len(self.procs):
            if time.time() > deadline or any(p.poll() is not None for p in self.procs):
                raise SystemExit("the workers did not start; see kc-dist-worker-*.log in the temporary folder")
            time.sleep(0.2)
        time.sleep(1)  # the consumers start listening
        return self

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs)

    def __exit__(self, *exc: object) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        shutil.rmtree(self.ready, ignore_errors=True)


def wait(run_id: int, workers: Workers) -> float:
    """Seconds from now until the run is no longer queued or running (polled every 0.2 s)."""
    from screening.models import ScreeningRun

    start = time.perf_counter()
    last = 0.0
    while True:
        run = ScreeningRun.objects.only("status", "processed", "total").get(pk=run_id)
        if not run.is_active:
            return time.perf_counter() - start
        if not workers.alive():
            raise SystemExit("a worker died; see kc-dist-worker-*.log in the temporary folder")
        if time.perf_counter() - last > 30:
            last = time.perf_counter()
            print(f"  {run.processed:,}/{run.total:,} after {last - start:,.0f} s", flush=True)
        time.sleep(0.2)


def export_rows(run: object, floor_run_id: int, folder: Path) -> int:
    """The run's result rows, batch by batch, as the COPY text the floor's batches write (with the floor run's id)."""
    from django.db import connection

    from screening.services.copy_writer import RESULT_COLUMNS

    cols = ", ".join((str(int(floor_run_id)),) + RESULT_COLUMNS[1:])
    size = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cur:
        for no, after, last in run.batches.order_by("batch_no").values_list("batch_no", "after_id", "last_id"):
            sql = (f"SELECT {cols} FROM screening_screeningresult WHERE run_id = {int(run.pk)} "
                   f"AND organization_id > {int(after)} AND organization_id <= {int(last)}")
            with open(folder / f"{no}.copy", "wb") as out, cur.copy(f"COPY ({sql}) TO STDOUT") as copy:
                for block in copy:
                    out.write(block)
                    size += len(block)
    return size


def drop_runs(ids: list[int]) -> None:
    """The benchmark's runs and everything they wrote, in SQL (a cascade through the ORM would load every row); the
    audit trail, append-only, keeps their start."""
    from django.db import connection

    if not ids:
        return
    listed = ", ".join(str(int(i)) for i in ids)
    with connection.cursor() as cur:
        for table in ("screening_screeningresult", "screening_runtotal", "screening_whatifaggregate",
                      "screening_runbatch"):
            cur.execute(f"DELETE FROM {table} WHERE run_id IN ({listed})")
        cur.execute(f"UPDATE screening_notice SET run_id = NULL WHERE run_id IN ({listed})")
        cur.execute(f"DELETE FROM screening_screeningrun WHERE id IN ({listed})")


def worker(args: argparse.Namespace) -> None:
    """One worker process: Django set up, the rules built (or, for the floor, the engine replaced by reading the
    batch's facts and its result rows from disk), then huey's consumer (``run_huey``) with one worker."""
    import django

    django.setup()
    from django.core.management import call_command

    from policy import services as engine
    from registry.models import Organization

    first = list(Organization.objects.order_by("id").values_list("id", flat=True)[:10])
    if args.floor:
        _skip_the_engine(Path(args.floor))
    else:
        list(engine.evaluate_many(first, args.year))  # the rules built once, as in a long-running worker
    Path(os.environ["KC_BENCH_READY"]).touch()
    call_command("run_huey", "--workers", "1", "--no-periodic")  # the indicator recount would share the time


def _skip_the_engine(folder: Path) -> None:
    """The floor's batches: the rows the engine would read are read (policy.facts.load), the result rows the engine
    gave are written; nothing is computed."""
    from policy import facts
    from screening.services import batching

    def compute(run: object, overrides: object, batch_no: int, batch: list[tuple[int, int]]) -> object:
        started = time.perf_counter()
        ids = [i for i, _ in batch]
        facts.load(ids, run.year)
        rows = (folder / f"{batch_no}.copy").read_bytes()
        return batching._Batch(batch_no, ids, rows, [], {}, time.perf_counter() - started)

    batching._compute_batch = compute


if __name__ == "__main__":
    main()

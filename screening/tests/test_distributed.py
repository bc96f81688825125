"""A run's batches taken by separate queue worker processes (huey on a Redis of the test's own, PostgreSQL), as on
separate machines: a worker killed while it holds a batch loses nothing and duplicates nothing; a run whose workers
all died resumes with a new worker and computes only its unfinished batches; cancel stops the remaining batches; a
what-if too. PostgreSQL only (the workers share the test database); needs ``redis-server`` (scripts/setup.sh)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from screening import services
from screening.models import RunBatch, RunTotal, ScreeningResult, ScreeningRun, WhatIfAggregate

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
YEAR = 2024
BATCH = 30


@pytest.fixture
def redis_url(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes share the test database: PostgreSQL only")
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh --test installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def cluster(redis_url, tmp_path):
    """Start workers (and commands) against the test database and the test's Redis; every process is killed after."""
    from registry import demo

    demo.generate(enterprises=300, seed=7, chunk_size=300, fact_years=(2022, 2025), with_accounts=False)
    s = connection.settings_dict
    db = f"postgres://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    env = {**os.environ, "DATABASE_URL": db, "KECHUANG_HUEY": "redis", "REDIS_URL": redis_url, "KECHUANG_DEBUG": "1",
           "KECHUANG_SCREENING_BATCH": str(BATCH), "KECHUANG_SCREENING_HEARTBEAT_S": "0.5",
           "KECHUANG_SCREENING_STALE_S": "2", "KECHUANG_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "kechuang.settings"}
    procs: list[subprocess.Popen] = []

    class Cluster:
        def worker(self) -> subprocess.Popen:
            """A worker process, once it is ready to take tasks."""
            ready = tmp_path / f"ready-{len(procs)}"
            proc = subprocess.Popen([sys.executable, "-m", "screening.tests.slow_worker"], cwd=ROOT,
                                    env={**env, "KC_TEST_READY": str(ready)}, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            procs.append(proc)
            _until(lambda: ready.exists() or proc.poll() is not None)
            assert proc.poll() is None, "the worker did not start"
            time.sleep(0.5)  # its consumer starts listening
            return proc

        def start(self, *args: str) -> ScreeningRun:
            """A run started from the command line (queued on Redis, as a web request queues it)."""
            subprocess.run([sys.executable, "manage.py", "screening_run", "--year", str(YEAR), *args], cwd=ROOT,
                           env=env, check=True, capture_output=True)
            return ScreeningRun.objects.latest("id")

        def kill(self, proc: subprocess.Popen) -> None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    yield Cluster()
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _until(check, seconds: float = 180) -> None:
    deadline = time.time() + seconds
    while not check():
        assert time.time() < deadline, "timed out"
        time.sleep(0.1)


def _run(pk: int) -> ScreeningRun:
    return ScreeningRun.objects.get(pk=pk)


def _results(run: ScreeningRun) -> list[tuple]:
    columns = ("organization_id", "provision_id", "seq", "amount", "status", "explanation", "missing")
    return [tuple(r) for r in ScreeningResult.objects.filter(run=run).order_by(*columns).values_list(*columns)]


def _kept(run: ScreeningRun) -> list[tuple]:
    columns = ("batch_no", "kind", "provision_id", "region_id_snapshot", "is_ceiling", "entities", "items", "amount")
    return sorted(RunTotal.objects.filter(run=run).values_list(*columns))


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(cluster):
    clean = services.execute_run(services.start_run(None, year=YEAR, enqueue=False).pk, batch_size=BATCH)
    first, second = cluster.worker(), cluster.worker()
    run = cluster.start()
    # Both workers hold a batch (computed, not yet written): kill the first.
    _until(lambda: RunBatch.objects.filter(run=run, status=RunBatch.Status.RUNNING).count() == 2)
    cluster.kill(first)
    _until(lambda: not _run(run.pk).is_active)
    run = _run(run.pk)
    assert second.poll() is None
    assert run.status == ScreeningRun.Status.DONE and run.processed == run.total == clean.total
    assert run.batches_done == run.batches_total == clean.batches_total > 5
    assert RunBatch.objects.filter(run=run, attempts=2).count() == 1  # the killed worker's batch, taken over
    got = _results(run)
    assert len(got) > 100 and got == _results(clean)  # every row once
    assert _kept(run) == _kept(clean) and services.totals(run) == services.totals(clean)


def test_a_run_whose_workers_all_died_resumes_its_unfinished_batches_what_if(cluster):
    """What-if: its only worker killed mid-run; a new worker (as systemd restarts one) takes the batch that was held
    and the batches still queued; the done ones are not computed again."""
    overrides = {"b.art_09.rate": "0.15"}
    clean = services.execute_run(services.start_run(None, year=YEAR, kind=ScreeningRun.Kind.WHATIF,
                                                    overrides=overrides, enqueue=False).pk, batch_size=BATCH)
    first = cluster.worker()
    run = cluster.start("--set", "b.art_09.rate=0.15")
    assert run.kind == ScreeningRun.Kind.WHATIF
    _until(lambda: _run(run.pk).batches_done >= 2
           and RunBatch.objects.filter(run=run, status=RunBatch.Status.RUNNING).exists())
    cluster.kill(first)
    done_before = set(RunBatch.objects.filter(run=run, status=RunBatch.Status.DONE).values_list("batch_no", flat=True))
    time.sleep(2.5)  # no worker: the run waits, its held batch goes stale
    assert _run(run.pk).status == ScreeningRun.Status.RUNNING
    cluster.worker()
    _until(lambda: not _run(run.pk).is_active)
    run = _run(run.pk)
    assert run.status == ScreeningRun.Status.DONE and run.processed == run.total
    assert set(RunBatch.objects.filter(run=run, batch_no__in=done_before).values_list("attempts", flat=True)) == {1}
    assert RunBatch.objects.filter(run=run, attempts=2).count() == 1
    columns = ("batch_no", "variant", "provision_id", "region_id_snapshot", "is_ceiling", "beneficiaries", "amount")
    got = sorted(WhatIfAggregate.objects.filter(run=run).values_list(*columns))
    assert len(got) > 10 and got == sorted(WhatIfAggregate.objects.filter(run=clean).values_list(*columns))
    assert services.whatif_comparison(run) == services.whatif_comparison(clean)


def test_cancel_stops_the_remaining_batches(cluster):
    cluster.worker()
    run = cluster.start()
    _until(lambda: _run(run.pk).batches_done >= 1)
    services.cancel_run(None, _run(run.pk))
    _until(lambda: _run(run.pk).status == ScreeningRun.Status.CANCELLED)
    time.sleep(1.5)  # the worker goes through the queued batches of a cancelled run without computing them
    run = _run(run.pk)
    done = RunBatch.objects.filter(run=run, status=RunBatch.Status.DONE)
    assert 1 <= done.count() == run.batches_done < run.batches_total and run.processed < run.total
    assert run.processed == sum(done.values_list("organizations", flat=True))
    assert not RunBatch.objects.filter(run=run, status=RunBatch.Status.RUNNING).exists()
    assert set(ScreeningResult.objects.filter(run=run).values_list("organization_id", flat=True)) <= set(
        services.selection(run).filter(id__lte=max(done.values_list("last_id", flat=True))).values_list("id", flat=True))

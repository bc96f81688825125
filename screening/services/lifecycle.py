"""A run's lifecycle: started, claimed by a worker, worked through batch by batch (in forked processes on PostgreSQL),
cancelled, run again, resumed after a worker died."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.audit import account, record
from policy import services as engine
from registry.models import IndustryChain, Region
from screening.models import ScreeningRun
from screening.services.batching import _batches, _commit_batch, _compute_batch
from screening.services.parameters import describe_overrides, overrides_for_engine, validate_overrides
from screening.services.selection import (
    BATCH_SIZE,
    EMPTY_SELECTION,
    HEARTBEAT_EVERY,
    STALE_AFTER,
    ScreeningInputError,
    _check_year,
    can_screen,
    selection,
)

# --------------------------------------------------------------------------------------------------------------
# Starting, running, cancelling


def start_run(
    user: Any,
    *,
    year: Any,
    kind: str = ScreeningRun.Kind.SCREENING,
    scope: str = ScreeningRun.Scope.ALL,
    region: Region | None = None,
    industry_chain: IndustryChain | None = None,
    organization_ids: Iterable[int] = (),
    overrides: dict[str, Any] | None = None,
    enqueue: bool = True,
) -> ScreeningRun:
    """Validate, create a queued run and hand it to the job queue. Refuses an empty selection."""
    if user is not None and not can_screen(user):
        raise ScreeningInputError("只有市科技局、区市和财政部门工作人员可以发起筛查或测算。")
    year = _check_year(year)
    if kind not in ScreeningRun.Kind.values:
        raise ScreeningInputError("任务类型无效。", "kind")
    if scope not in ScreeningRun.Scope.values:
        raise ScreeningInputError("范围须为：全部、区市、产业链或指定清单。", "scope")
    if user is not None and not (user.is_bureau or user.role == "finance"):
        if scope != ScreeningRun.Scope.REGION or region is None or region.pk != user.region_id:
            raise ScreeningInputError("区市账户只能对本区市发起筛查，请在“范围”中选择本区市。", "scope")
    if scope == ScreeningRun.Scope.REGION and region is None:
        raise ScreeningInputError("按区市筛查时请选择区市。", "region")
    if scope == ScreeningRun.Scope.CHAIN and industry_chain is None:
        raise ScreeningInputError("按产业链筛查时请选择产业链。", "industry_chain")
    ids = sorted(set(int(i) for i in organization_ids))
    if scope == ScreeningRun.Scope.LIST and not ids:
        raise ScreeningInputError("按清单筛查时请填写主体名称或统一社会信用代码。", "organization_ids")
    clean_overrides: dict[str, str] = {}
    if kind == ScreeningRun.Kind.WHATIF:
        clean_overrides = validate_overrides({} if overrides is None else overrides)
    run = ScreeningRun(
        kind=kind, year=year, scope=scope, region=region if scope == ScreeningRun.Scope.REGION else None,
        industry_chain=industry_chain if scope == ScreeningRun.Scope.CHAIN else None,
        organization_ids=ids if scope == ScreeningRun.Scope.LIST else [], overrides=clean_overrides,
        created_by=account(user),
    )
    total = selection(run).count()
    if total == 0:
        raise ScreeningInputError(f"{EMPTY_SELECTION}（{run.scope_label()}），请调整范围后再试。", "scope")
    run.total = total
    run.save()
    change = "；".join(f"{t} → {v}" for t, v in describe_overrides(clean_overrides))
    record(user, f"screening.{kind}_started", run,
           f"发起{run.get_kind_display()}：{year}年，{run.scope_label()}，{total} 家主体" + (f"；{change}" if change else ""),
           year=year, scope=scope, total=total, overrides=clean_overrides)
    if enqueue:
        from screening.tasks import enqueue_run

        enqueue_run(run.pk)
        run.refresh_from_db()  # in immediate mode (tests, demo without a worker) it has already run
    return run


def cancel_run(user: Any, run: ScreeningRun) -> ScreeningRun:
    if not run.is_active:
        raise ScreeningInputError(f"任务已{run.get_status_display()}，无需取消。")
    ScreeningRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    # A run no worker has claimed yet stops at once; a running one at its next batch.
    ScreeningRun.objects.filter(pk=run.pk, status=ScreeningRun.Status.QUEUED).update(
        status=ScreeningRun.Status.CANCELLED, finished_at=timezone.now()
    )
    run.refresh_from_db()
    record(user, "screening.run_cancelled", run, f"取消{run.get_kind_display()} #{run.pk}（已处理 {run.processed}/{run.total}）")
    return run


def rerun(user: Any, run: ScreeningRun) -> ScreeningRun:
    """Run again from scratch (facts may have changed); old results are replaced, never added to."""
    if run.is_active:
        raise ScreeningInputError("任务仍在运行，请等待完成或先取消。")
    with transaction.atomic():
        run.results.all().delete()
        run.aggregates.all().delete()
        run.kept_totals.all().delete()
        run.totals_kept = True
        run.total = selection(run).count()
        if run.total == 0:
            raise ScreeningInputError(f"{EMPTY_SELECTION}（{run.scope_label()}），无法重新运行。", "scope")
        run.status, run.processed, run.cursor, run.batches_done = ScreeningRun.Status.QUEUED, 0, 0, 0
        run.cancel_requested, run.error, run.finished_at, run.compute_seconds = False, "", None, 0
        run.save()
    record(user, "screening.run_restarted", run, f"重新运行{run.get_kind_display()} #{run.pk}")
    from screening.tasks import enqueue_run

    enqueue_run(run.pk)
    return run


def _claim(run_id: int) -> bool:
    """Atomically take a run for this worker: queued, or running with a stale heartbeat (its worker died)."""
    now = timezone.now()
    free = Q(status=ScreeningRun.Status.QUEUED) | Q(status=ScreeningRun.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    return bool(
        ScreeningRun.objects.filter(free, pk=run_id, cancel_requested=False).update(
            status=ScreeningRun.Status.RUNNING, heartbeat_at=now, attempts=F("attempts") + 1
        )
    )


class _Heartbeat:
    """A thread that stamps the run's heartbeat every HEARTBEAT_EVERY while this worker works on it. It dies with
    the worker, so a killed worker's run goes stale after STALE_AFTER and another (or the restarted) worker resumes it."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-run-{run_id}", daemon=True)

    def _beat(self) -> None:
        from django.db import close_old_connections

        try:
            while not self.stop.wait(HEARTBEAT_EVERY.total_seconds()):
                ScreeningRun.objects.filter(pk=self.run_id, status=ScreeningRun.Status.RUNNING).update(
                    heartbeat_at=timezone.now())
        except Exception:  # the run's own loop reports errors; a missed beat only makes it look stale sooner
            pass
        finally:
            close_old_connections()

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=HEARTBEAT_EVERY.total_seconds() + 5)


def execute_run(run_id: int, batch_size: int = BATCH_SIZE, *, heartbeat: bool = False) -> ScreeningRun | None:
    """Work through a run batch by batch. ``heartbeat``: beat from a thread (the queue's worker does; a run
    computed inside a request or a test has no separate worker that could die)."""
    if not _claim(run_id):
        return ScreeningRun.objects.filter(pk=run_id).first()
    if not heartbeat:
        return _execute_claimed(run_id, batch_size)
    with _Heartbeat(run_id):
        return _execute_claimed(run_id, batch_size)


def _execute_claimed(run_id: int, batch_size: int) -> ScreeningRun | None:
    """Work through a run batch by batch (the job queue's task). Safe to call twice: the second call finds the run
    taken (or finished) and returns; after a crash it resumes after the last committed batch.

    A long run on PostgreSQL computes its batches in PROCESSES worker processes (forked after the first batch, so
    they start with the rules already built); this process writes each batch's results and progress in one
    transaction, in batch order, so the cursor and the resumption are those of a run computed in one process."""
    run = ScreeningRun.objects.get(pk=run_id)
    if run.started_at is None:
        ScreeningRun.objects.filter(pk=run_id).update(started_at=timezone.now())
    overrides = overrides_for_engine(run.overrides) if run.kind == ScreeningRun.Kind.WHATIF else None
    batches = _batches(run, batch_size)
    try:
        stopped = _cancelled(run_id)
        first = None if stopped else next(batches, None)
        if first is not None:
            _commit_batch(run, _compute_batch(run, overrides, *first))
            processes = _processes(run, batch_size)
            if processes > 1:
                stopped = _run_in_processes(run, overrides, batches, processes)
            else:
                for batch in batches:
                    if stopped := _cancelled(run_id):
                        break
                    _commit_batch(run, _compute_batch(run, overrides, *batch))
            stopped = stopped or _cancelled(run_id)
        if not stopped:
            ScreeningRun.objects.filter(pk=run_id).update(status=ScreeningRun.Status.DONE,
                                                          finished_at=timezone.now(), heartbeat_at=timezone.now())
    except Exception as exc:  # recorded on the run for staff to see; the queue does not retry
        message = str(exc) or exc.__class__.__name__
        if isinstance(exc, engine.PolicyInputError):
            message = f"输入无效：{message}"
        ScreeningRun.objects.filter(pk=run_id).update(status=ScreeningRun.Status.FAILED, error=message[:2000],
                                                      finished_at=timezone.now())
    run.refresh_from_db()
    return run


#: Worker processes that compute a long run's batches (KECHUANG_SCREENING_PROCESSES; 1: the run's own process only).
PROCESSES = int(os.environ.get("KECHUANG_SCREENING_PROCESSES", "2"))


def _processes(run: ScreeningRun, batch_size: int) -> int:
    """How many processes compute the rest of the run: several only for a run of at least three more batches on
    PostgreSQL, outside a transaction (forked processes see only committed data) and with fork available."""
    import multiprocessing

    from django.db import connection

    if PROCESSES <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    run.refresh_from_db(fields=["total", "processed"])
    return PROCESSES if run.total - run.processed >= 3 * batch_size else 1


def _cancelled(run_id: int) -> bool:
    """Whether staff asked to stop the run; then it is marked cancelled (it stops between batches)."""
    if not ScreeningRun.objects.filter(pk=run_id, cancel_requested=True).exists():
        return False
    ScreeningRun.objects.filter(pk=run_id).update(status=ScreeningRun.Status.CANCELLED, finished_at=timezone.now())
    return True


def _run_in_processes(run: ScreeningRun, overrides: Any, batches: Iterator[tuple[int, list[tuple[int, int]]]],
                      processes: int) -> bool:
    """The remaining batches computed by ``processes`` forked processes, at most ``processes`` batches ahead of the
    one written; written here in batch order. A cancellation stops it before the next write (then: True)."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    connections.close_all()  # the forked processes open their own connections
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                             initializer=_worker_started) as pool:
        pending: deque = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(_compute_batch, run, overrides, *batch))
                if len(pending) > processes:
                    if _cancelled(run.pk):
                        return True
                    _commit_batch(run, pending.popleft().result())
            while pending:
                if _cancelled(run.pk):
                    return True
                _commit_batch(run, pending.popleft().result())
            return False
        finally:
            for future in pending:
                future.cancel()


_inherited_connections: list = []


def _worker_started() -> None:
    """In a forked worker: never use (nor close, which would end the parent's session) an inherited connection."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _inherited_connections.append(conn.connection)  # kept referenced: never closed from here
            conn.connection = None


def resume_interrupted(stale_after: dt.timedelta = STALE_AFTER) -> list[int]:
    """Re-enqueue runs whose worker died (status running, heartbeat older than ``stale_after``)."""
    from screening.tasks import enqueue_run

    limit = timezone.now() - stale_after
    ids = []
    for run_id in ScreeningRun.objects.filter(status=ScreeningRun.Status.RUNNING, heartbeat_at__lt=limit).values_list(
            "id", flat=True):
        # Back to "queued" first (atomically): the next check does not queue it again while it waits for a worker.
        if ScreeningRun.objects.filter(pk=run_id, status=ScreeningRun.Status.RUNNING,
                                       heartbeat_at__lt=limit).update(status=ScreeningRun.Status.QUEUED):
            ids.append(run_id)
            enqueue_run(run_id)
    return ids

"""A run's lifecycle: started, claimed and split into batches (id ranges), its batches taken by any queue worker on
any machine (or worked through in one process), cancelled, run again, resumed after a worker died."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, Max, Q
from django.utils import timezone

from core.audit import account, record
from policy import services as engine
from registry.models import IndustryChain, Region
from screening.models import RunBatch, ScreeningRun
from screening.services import batching
from screening.services.batching import _batch_members, finish_run
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
        run.batches.all().delete()
        run.status, run.processed, run.cursor, run.batches_done = ScreeningRun.Status.QUEUED, 0, 0, 0
        run.batches_total, run.dispatched = 0, False
        run.cancel_requested, run.error, run.finished_at, run.compute_seconds = False, "", None, 0
        run.save()
    record(user, "screening.run_restarted", run, f"重新运行{run.get_kind_display()} #{run.pk}")
    from screening.tasks import enqueue_run

    enqueue_run(run.pk)
    return run


def _claim(run_id: int) -> bool:
    """Atomically take a run for this worker: queued, or running with a stale heartbeat while its batches were not
    all handed to the queue yet (the worker that planned it, or computed it in its own process, died)."""
    now = timezone.now()
    free = Q(status=ScreeningRun.Status.QUEUED) | Q(status=ScreeningRun.Status.RUNNING, dispatched=False,
                                                    heartbeat_at__lt=now - STALE_AFTER)
    return bool(
        ScreeningRun.objects.filter(free, pk=run_id, cancel_requested=False).update(
            status=ScreeningRun.Status.RUNNING, heartbeat_at=now, attempts=F("attempts") + 1
        )
    )


class _Heartbeat:
    """A thread that runs ``beat`` every HEARTBEAT_EVERY while this worker works (on a run, or on a batch). It dies
    with the worker, so a killed worker's run or batch goes stale after STALE_AFTER and another worker resumes it."""

    def __init__(self, beat: Callable[[], object], name: str) -> None:
        self.beat = beat
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=name, daemon=True)

    def _beat(self) -> None:
        from django.db import close_old_connections

        try:
            while not self.stop.wait(HEARTBEAT_EVERY.total_seconds()):
                self.beat()
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


def _beat_run(run_id: int) -> Callable[[], None]:
    """A run computed in one process: the run and the batch it is on beat together."""
    def beat() -> None:
        now = timezone.now()
        ScreeningRun.objects.filter(pk=run_id, status=ScreeningRun.Status.RUNNING).update(heartbeat_at=now)
        RunBatch.objects.filter(run_id=run_id, status=RunBatch.Status.RUNNING).update(beat_at=now)
    return beat


def _beat_batch(run_id: int, batch_no: int) -> Callable[[], None]:
    def beat() -> None:
        RunBatch.objects.filter(run_id=run_id, batch_no=batch_no, status=RunBatch.Status.RUNNING).update(
            beat_at=timezone.now())
    return beat


def plan_batches(run_id: int, batch_size: int = BATCH_SIZE) -> ScreeningRun:
    """Split a claimed run into batches of ``batch_size`` organisations (id ranges of its selection, from its cursor
    on), once: RunBatch rows and the run's batch count in one transaction. Batches a dead worker held (the run went
    stale) are queued again. One pass over the selection's ids in the database (every batch_size-th id)."""
    from django.db import connection

    with transaction.atomic():
        run = ScreeningRun.objects.select_for_update().get(pk=run_id)
        if run.started_at is None:
            run.started_at = timezone.now()
            ScreeningRun.objects.filter(pk=run_id).update(started_at=run.started_at)
        if run.batches_total:
            RunBatch.objects.filter(run_id=run_id, status=RunBatch.Status.RUNNING).update(status=RunBatch.Status.QUEUED)
            return run
        ids = selection(run).filter(id__gt=run.cursor)
        sql, params = ids.order_by().values("id").query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute(f"SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM ({sql}) s) t "
                        f"WHERE MOD(n, {int(batch_size)}) = 0 ORDER BY id", params)
            bounds = [row[0] for row in cur.fetchall()]
        last = ids.aggregate(m=Max("id"))["m"]
        if last is not None and (not bounds or bounds[-1] != last):
            bounds.append(last)
        after, first_no = run.cursor, run.batches_done
        batches = []
        for no, bound in enumerate(bounds, start=first_no):
            batches.append(RunBatch(run_id=run_id, batch_no=no, after_id=after, last_id=bound))
            after = bound
        RunBatch.objects.bulk_create(batches, batch_size=5000)
        run.batches_total = first_no + len(batches)
        ScreeningRun.objects.filter(pk=run_id).update(batches_total=run.batches_total, heartbeat_at=timezone.now())
    if run.batches_done >= run.batches_total:  # nothing (left) to compute
        finish_run(run_id)
    return run


def dispatch_run(run_id: int, batch_size: int = BATCH_SIZE) -> ScreeningRun | None:
    """The run's own queue task: claim it, split it into batches and hand each unfinished batch to the queue, where
    any worker process on any machine takes it (in immediate mode they run here, one after another). Safe to call
    twice: a run already taken (or finished) is left alone; one whose planner died is planned on from its batches."""
    from screening.tasks import enqueue_batch

    if not _claim(run_id):
        return ScreeningRun.objects.filter(pk=run_id).first()
    try:
        plan_batches(run_id, batch_size)
        todo = list(RunBatch.objects.filter(run_id=run_id).exclude(status=RunBatch.Status.DONE)
                    .order_by("batch_no").values_list("batch_no", flat=True))
        for batch_no in todo:
            enqueue_batch(run_id, batch_no)
        ScreeningRun.objects.filter(pk=run_id).update(dispatched=True)
    except Exception as exc:  # recorded on the run for staff to see; the queue does not retry
        _fail(run_id, exc)
    return ScreeningRun.objects.filter(pk=run_id).first()


def execute_run(run_id: int, batch_size: int = BATCH_SIZE, *, heartbeat: bool = False) -> ScreeningRun | None:
    """Work through a run batch by batch in this process (the command line's ``--now``, tests, benchmarks): the same
    batches, written the same way, as when queue workers take them. ``heartbeat``: beat from a thread (a run
    computed inside a request or a test has no separate worker that could die)."""
    if not _claim(run_id):
        return ScreeningRun.objects.filter(pk=run_id).first()
    if not heartbeat:
        return _execute_claimed(run_id, batch_size)
    with _Heartbeat(_beat_run(run_id), f"heartbeat-run-{run_id}"):
        return _execute_claimed(run_id, batch_size)


def _execute_claimed(run_id: int, batch_size: int) -> ScreeningRun | None:
    try:
        plan_batches(run_id, batch_size)
        for batch_no in (RunBatch.objects.filter(run_id=run_id).exclude(status=RunBatch.Status.DONE)
                         .order_by("batch_no").values_list("batch_no", flat=True)):
            if _cancelled(run_id):
                break
            _run_batch(run_id, batch_no)  # False: another worker took it over (it looked dead); on with the next
    except Exception as exc:  # recorded on the run for staff to see; the queue does not retry
        _fail(run_id, exc)
    return ScreeningRun.objects.filter(pk=run_id).first()


def execute_batch(run_id: int, batch_no: int, *, heartbeat: bool = False) -> bool:
    """One batch of a run (the queue's batch task, on any worker): taken only if queued (or held by a worker whose
    heartbeat stopped), computed and written exactly once. False when there was nothing for this worker to do."""
    try:
        if _cancelled(run_id):
            return False
        if not heartbeat:
            return _run_batch(run_id, batch_no)
        with _Heartbeat(_beat_batch(run_id, batch_no), f"heartbeat-run-{run_id}-batch-{batch_no}"):
            return _run_batch(run_id, batch_no)
    except Exception as exc:
        _fail(run_id, exc)
        return False


def _run_batch(run_id: int, batch_no: int) -> bool:
    now = timezone.now()
    free = Q(status=RunBatch.Status.QUEUED) | Q(status=RunBatch.Status.RUNNING, beat_at__lt=now - STALE_AFTER)
    # The run's state as an uncorrelated EXISTS, not a join: with a join Django writes "id IN (subquery)", which
    # PostgreSQL, its statistics taken before the run's batches existed, joined as a nested loop over every batch
    # row — 0.8 s per claim at 2,112 batch rows (benchmarks/distributed_run.py at 10M).
    running = ScreeningRun.objects.filter(pk=run_id, status=ScreeningRun.Status.RUNNING)
    if not RunBatch.objects.filter(free, Exists(running), run_id=run_id, batch_no=batch_no).update(
            status=RunBatch.Status.RUNNING, beat_at=now, attempts=F("attempts") + 1):
        return False
    run = ScreeningRun.objects.get(pk=run_id)
    batch = RunBatch.objects.get(run_id=run_id, batch_no=batch_no)
    overrides = overrides_for_engine(run.overrides) if run.kind == ScreeningRun.Kind.WHATIF else None
    members = _batch_members(run, batch)
    out = (batching._compute_batch(run, overrides, batch_no, members) if members
           else batching._Batch(batch_no, [], b"", [], {}, 0.0))
    batching._commit_batch(run, out, batch)
    return True


def _fail(run_id: int, exc: Exception) -> None:
    message = str(exc) or exc.__class__.__name__
    if isinstance(exc, engine.PolicyInputError):
        message = f"输入无效：{message}"
    ScreeningRun.objects.filter(pk=run_id, status__in=[ScreeningRun.Status.QUEUED, ScreeningRun.Status.RUNNING]).update(
        status=ScreeningRun.Status.FAILED, error=message[:2000], finished_at=timezone.now())


def _cancelled(run_id: int) -> bool:
    """Whether staff asked to stop the run; then it is marked cancelled (it stops between batches)."""
    if not ScreeningRun.objects.filter(pk=run_id, cancel_requested=True).exists():
        return False
    ScreeningRun.objects.filter(pk=run_id, status__in=[ScreeningRun.Status.QUEUED, ScreeningRun.Status.RUNNING]).update(
        status=ScreeningRun.Status.CANCELLED, finished_at=timezone.now())
    return True


def resume_interrupted(stale_after: dt.timedelta = STALE_AFTER) -> list[int]:
    """Queue again what a dead worker left: a run whose batches were not all handed to the queue (or that was computed
    in one process) and whose heartbeat stopped — it goes on from its unfinished batches; each batch whose worker's
    heartbeat stopped — that batch alone; and the batches of a run that no worker is on and that made no progress for
    ``stale_after`` which are no longer in the queue (a worker killed after taking the message, before taking the
    batch). Returns the runs concerned."""
    from screening.tasks import enqueue_batch, enqueue_run, queued_batches

    limit = timezone.now() - stale_after
    ids: list[int] = []
    for run_id in ScreeningRun.objects.filter(status=ScreeningRun.Status.RUNNING, dispatched=False,
                                              heartbeat_at__lt=limit).values_list("id", flat=True):
        # Back to "queued" first (atomically): the next check does not queue it again while it waits for a worker.
        if ScreeningRun.objects.filter(pk=run_id, status=ScreeningRun.Status.RUNNING, dispatched=False,
                                       heartbeat_at__lt=limit).update(status=ScreeningRun.Status.QUEUED):
            ids.append(run_id)
            enqueue_run(run_id)
    for pk, run_id, batch_no in RunBatch.objects.filter(
            status=RunBatch.Status.RUNNING, beat_at__lt=limit, run__status=ScreeningRun.Status.RUNNING,
            run__dispatched=True).values_list("pk", "run_id", "batch_no"):
        if RunBatch.objects.filter(pk=pk, status=RunBatch.Status.RUNNING, beat_at__lt=limit).update(
                status=RunBatch.Status.QUEUED):
            if run_id not in ids:
                ids.append(run_id)
            enqueue_batch(run_id, batch_no)
    stuck = (ScreeningRun.objects.filter(status=ScreeningRun.Status.RUNNING, dispatched=True, heartbeat_at__lt=limit,
                                         batches__status=RunBatch.Status.QUEUED)
             .exclude(batches__status=RunBatch.Status.RUNNING).distinct().values_list("id", flat=True))
    waiting: set[tuple[int, int]] | None = None
    for run_id in stuck:
        waiting = queued_batches() if waiting is None else waiting
        lost = [n for n in RunBatch.objects.filter(run_id=run_id, status=RunBatch.Status.QUEUED).order_by(
            "batch_no").values_list("batch_no", flat=True) if (run_id, n) not in waiting]
        for batch_no in lost:
            enqueue_batch(run_id, batch_no)
        if lost and run_id not in ids:
            ids.append(run_id)
    return ids


def requeue_unfinished() -> list[int]:
    """Queue again every batch not yet taken of every running run (``screening_run --resume``, by hand: after the
    queue itself lost its messages, e.g. Redis restarted without its data). A batch queued twice is taken once."""
    from screening.tasks import enqueue_batch

    ids: list[int] = []
    for run_id, batch_no in RunBatch.objects.filter(
            status=RunBatch.Status.QUEUED, run__status=ScreeningRun.Status.RUNNING, run__dispatched=True
    ).order_by("run_id", "batch_no").values_list("run_id", "batch_no"):
        if run_id not in ids:
            ids.append(run_id)
        enqueue_batch(run_id, batch_no)
    return ids

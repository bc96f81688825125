"""One batch of a run: the organisations it holds (an id range), evaluated (the faulty ones found and skipped), and
written with the run's progress in one transaction, exactly once whichever worker, on whichever machine, takes it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from policy import services as engine
from registry.models import Organization
from screening.models import RunBatch, ScreeningRun, WhatIfAggregate
from screening.services.aggregation import _aggregate, _aggregate_arrays, _keep_totals, planner_knows
from screening.services.copy_writer import _copy_lines, _result_rows, _write_results
from screening.services.selection import selection


def _whatif_batch(batch_no: int, run: ScreeningRun, ids: list[int], regions: dict[int, int], overrides: Any,
                  skipped: dict[int, str]) -> list[WhatIfAggregate]:
    """Current and changed rules on the same arrays, aggregated with numpy; a batch holding data the engine refuses
    (or failing) is explained organisation by organisation, as before, so that only the faulty ones are skipped."""
    from policy import whatif

    todo = [i for i in ids if i not in skipped]
    try:
        org_ids, base, changed, bad = whatif.compare(todo, run.year, overrides)
    except Exception:  # noqa: BLE001 - the per-organisation path finds and skips the organisations at fault
        bad = {-1}
    if not bad:
        region_of = np.array([regions.get(int(i)) or 0 for i in org_ids], dtype=np.int64)
        return (_aggregate_arrays(batch_no, run, "base", region_of, base)
                + _aggregate_arrays(batch_no, run, "changed", region_of, changed))
    base_results = dict(_evaluate_batch(todo, run.year, None, skipped))
    changed_results = dict(_evaluate_batch(todo, run.year, overrides, skipped))
    base_results = {k: v for k, v in base_results.items() if k not in skipped}
    return (_aggregate(batch_no, run, "base", base_results, regions)
            + _aggregate(batch_no, run, "changed", changed_results, regions))


def _evaluate_batch(ids: list[int], year: int, overrides: Any, skipped: dict[int, str]) -> list[tuple[int, list]]:
    """Evaluate a batch; when it fails, split it until the organisations at fault are found and skip only them."""
    ids = [i for i in ids if i not in skipped]
    if not ids:
        return []
    try:
        return list(engine.evaluate_many(ids, year, overrides or None))
    except Exception as exc:
        if len(ids) == 1:
            skipped[ids[0]] = (str(exc) or exc.__class__.__name__)[:300]
            return []
        mid = len(ids) // 2
        return (_evaluate_batch(ids[:mid], year, overrides, skipped)
                + _evaluate_batch(ids[mid:], year, overrides, skipped))


def _skipped_rows(run: ScreeningRun, skipped: dict[int, str]) -> list[dict]:
    names = dict(Organization.objects.filter(pk__in=list(skipped)).values_list("pk", "name"))
    known = {row["id"] for row in run.skipped or []}
    return list(run.skipped or []) + [
        {"id": pk, "name": names.get(pk, ""), "reason": f"数据有误，无法计算：{reason}"}
        for pk, reason in skipped.items() if pk not in known
    ]


def _batch_members(run: ScreeningRun, batch: RunBatch) -> list[tuple[int, int]]:
    """[(organisation id, region id)…] of a batch: the run's selection with ids in the batch's range, in id order."""
    return list(selection(run).filter(id__gt=batch.after_id, id__lte=batch.last_id).order_by("id")
                .values_list("id", "region_id"))


@dataclass
class _Batch:
    """What a batch's computation gives the process that writes it."""

    batch_no: int
    ids: list[int]
    rows: list[tuple] | bytes  # screening: result rows (COPY text when computed in a worker process)
    aggregates: list[WhatIfAggregate]  # what-if
    skipped: dict[int, str]
    compute: float


def _compute_batch(run: ScreeningRun, overrides: Any, batch_no: int, batch: list[tuple[int, int]]) -> _Batch:
    """A batch evaluated: on PostgreSQL its results as COPY text, else as rows for bulk_create."""
    from django.db import connection

    from policy.explain import without_cycle_collection

    ids = [i for i, _ in batch]
    regions = dict(batch)
    started = time.perf_counter()
    skipped: dict[int, str] = {}
    rows: list[tuple] | bytes = []
    aggregates: list[WhatIfAggregate] = []
    with without_cycle_collection():  # the batch's results are freed by reference counting once written out
        if run.kind == ScreeningRun.Kind.WHATIF:
            aggregates = _whatif_batch(batch_no, run, ids, regions, overrides, skipped)
        elif connection.vendor == "postgresql":
            rows = _copy_lines(run.pk, _evaluate_batch(ids, run.year, None, skipped), regions)
        else:
            for org_id, results in _evaluate_batch(ids, run.year, None, skipped):
                rows.extend(_result_rows(run, org_id, regions.get(org_id, 0), results))
    return _Batch(batch_no, ids, rows, aggregates, skipped, time.perf_counter() - started)


def _commit_batch(run: ScreeningRun, out: _Batch, batch: RunBatch) -> bool:
    """A batch's results, its totals and the run's progress, in one transaction; the run finishes (done, or cancelled
    when staff asked) in the transaction of its last batch. Exactly once: the transaction first turns the batch's row
    to done (its row lock orders two workers writing the same batch) and writes nothing when it already was, or when
    the run was started again meanwhile (the row is another one then) — then False. On PostgreSQL its commit does not wait for the write-ahead log to reach the disk (synchronous_commit off):
    a crash of the database may lose the last batches, results and progress together, and they are computed again."""
    from django.db import connection

    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
        taken = RunBatch.objects.filter(pk=batch.pk).exclude(
            status=RunBatch.Status.DONE).update(status=RunBatch.Status.DONE, finished_at=now, organizations=len(out.ids),
                                                compute_seconds=out.compute, beat_at=now)
        if not taken:  # another worker wrote this batch (or the run was started again): nothing to add
            return False
        if run.kind == ScreeningRun.Kind.WHATIF:
            WhatIfAggregate.objects.bulk_create(out.aggregates, batch_size=5000, ignore_conflicts=True)
        else:
            _write_results(out.rows)
            _keep_totals(run, out.batch_no, out.ids)
        # The run's row last: its lock (every batch of the run takes it) is held only for the commit.
        updated = ScreeningRun.objects.filter(pk=run.pk).update(
            cursor=Greatest(F("cursor"), batch.last_id), processed=F("processed") + len(out.ids),
            batches_done=F("batches_done") + 1, heartbeat_at=now, compute_seconds=F("compute_seconds") + out.compute,
        )
        if not updated:  # the run was deleted meanwhile: its results are not kept (no foreign key says so)
            raise ScreeningRun.DoesNotExist(f"screening run {run.pk} no longer exists")
        state = ScreeningRun.objects.filter(pk=run.pk).values(
            "batches_done", "batches_total", "cancel_requested", "skipped").get()
        if out.skipped:  # one bad organisation never stops a run: skipped, counted, listed with its reason
            run.skipped = state["skipped"]
            run.skipped = _skipped_rows(run, out.skipped)
            ScreeningRun.objects.filter(pk=run.pk).update(skipped=run.skipped)
        if state["batches_done"] >= state["batches_total"]:
            finish_run(run.pk, cancelled=state["cancel_requested"])
    return True


def finish_run(run_id: int, *, cancelled: bool = False) -> None:
    """The run done (or cancelled): once, by whoever lands its last batch (the run's row is locked by then). Once
    that commits, the results table's statistics are brought up to date if the run is not in them, so that the
    first view of its page is planned on them (``aggregation.planner_knows``)."""
    now = timezone.now()
    ScreeningRun.objects.filter(pk=run_id, status=ScreeningRun.Status.RUNNING).update(
        status=ScreeningRun.Status.CANCELLED if cancelled else ScreeningRun.Status.DONE, finished_at=now,
        heartbeat_at=now)
    transaction.on_commit(lambda: planner_knows(run_id))

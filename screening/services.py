"""Business logic of 免申即享 (proactive_benefit): screening runs, what-if runs, notices, entitlements and their claims.

Views, the API, the management commands and the queue's tasks all call these functions. Rules are never evaluated
here: every figure comes from the policy engine (policy.services, imported as ``engine``) and carries the engine's
document number and article.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from accounts import access
from core.audit import account, record
from policy import services as engine
from registry.models import IndustryChain, Organization, Region
from screening.models import Notice, RunTotal, ScreeningResult, ScreeningRun, WhatIfAggregate

BATCH_SIZE = int(os.environ.get("KECHUANG_SCREENING_BATCH", "10000"))
#: A running run beats every HEARTBEAT_EVERY (a thread of the worker, also during a long batch); one whose
#: heartbeat is older than STALE_AFTER is taken to be orphaned by a dead worker and is resumed (issue 12: < 30 s).
HEARTBEAT_EVERY = dt.timedelta(seconds=float(os.environ.get("KECHUANG_SCREENING_HEARTBEAT_S", "5")))
STALE_AFTER = dt.timedelta(seconds=float(os.environ.get("KECHUANG_SCREENING_STALE_S", "15")))
ANY_PROVISION = "__any__"  # what-if aggregate row counting distinct beneficiaries (an entity with any provision)
EMPTY_SELECTION = "所选范围内没有主体"


class ScreeningInputError(ValueError):
    """Bad input from a person: the message (Chinese) names the field and the fix."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# --------------------------------------------------------------------------------------------------------------
# Who may do what


def can_screen(user: Any) -> bool:
    return access.is_staff_reader(user)


def visible_runs(user: Any) -> QuerySet[ScreeningRun]:
    """Bureau and finance staff see every run; district staff the runs over their own region."""
    qs = ScreeningRun.objects.select_related("region", "industry_chain", "created_by")
    if not can_screen(user):
        return qs.none()
    if user.is_bureau or user.role == "finance":
        return qs
    return qs.filter(scope=ScreeningRun.Scope.REGION, region_id__in=access.user_region_ids(user))


# --------------------------------------------------------------------------------------------------------------
# Selection


def _region_q(region_id: int) -> Q:
    return Q(region_id=region_id) | Q(region__parent_id=region_id)


def selection(run: ScreeningRun) -> QuerySet[Organization]:
    """The organisations a run covers (all kinds: enterprises, institutions, platforms, service providers)."""
    qs = Organization.objects.all()
    if run.scope == ScreeningRun.Scope.REGION:
        qs = qs.filter(_region_q(run.region_id))
    elif run.scope == ScreeningRun.Scope.CHAIN:
        qs = qs.filter(industry_chain_id=run.industry_chain_id)
    elif run.scope == ScreeningRun.Scope.LIST:
        qs = qs.filter(id__in=[int(i) for i in run.organization_ids])
    return qs


def parse_id_list(text: str) -> list[int]:
    """Organisation ids from a pasted list (commas, spaces or new lines)."""
    ids: list[int] = []
    for token in text.replace("，", ",").replace(",", " ").split():
        if not token.isdigit():
            raise ScreeningInputError(f"主体清单中“{token}”不是主体编号，请只填写数字编号，用逗号或换行分隔。", "organization_ids")
        ids.append(int(token))
    return ids


def resolve_organizations(text: str) -> list[int]:
    """The organisations a person listed by name or unified social credit code (one a line, or separated by commas
    or semicolons), looked up in one query; an entry the registry does not hold is refused, named."""
    import re

    entries = [e.strip() for e in re.split(r"[\n\r,，;；、]+", text or "") if e.strip()]
    if not entries:
        return []
    found: dict[str, int] = {}
    for pk, name, uscc in Organization.objects.filter(
            Q(name__in=entries) | Q(uscc__in=[e.upper() for e in entries])).values_list("pk", "name", "uscc"):
        found[name] = pk
        if uscc:
            found[uscc.upper()] = pk
    unknown = [e for e in entries if e not in found and e.upper() not in found]
    if unknown:
        raise ScreeningInputError(
            f"主体清单中“{'”“'.join(unknown[:5])}”在登记库中找不到：请填写主体的全称或统一社会信用代码，每行一个"
            "（可在主体登记库中搜索核对）。", "organization_ids")
    return sorted({found.get(e, found.get(e.upper())) for e in entries})


def _check_year(year: Any) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ScreeningInputError("年度须为四位数字，例如 2025。", "year") from None
    latest = timezone.localdate().year + 1
    if not 2000 <= value <= latest:
        raise ScreeningInputError(f"年度须在 2000 至 {latest} 之间，请重新填写。", "year")
    return value


# --------------------------------------------------------------------------------------------------------------
# What-if parameters


def validate_overrides(overrides: dict[str, Any]) -> dict[str, str]:
    """Check each changed parameter against the engine's list and its domain; returns path → decimal string."""
    if not isinstance(overrides, dict):
        raise ScreeningInputError("参数调整须为“参数路径 → 新值”的对象，例如 {\"a.b\": 100000}。", "overrides")
    if not overrides:
        raise ScreeningInputError("请至少选择一个要调整的参数。", "parameter")
    params = {p["path"]: p for p in engine.tunable_parameters()}
    clean: dict[str, str] = {}
    for path, raw in overrides.items():
        spec = params.get(path)
        if spec is None:
            raise ScreeningInputError(f"未知参数“{path}”：请从参数列表中选择可调整的参数。", "parameter")
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            raise ScreeningInputError(f"参数“{spec['title']}”的新值“{raw}”不是数字，请填写数字。", "value") from None
        if not value.is_finite():
            raise ScreeningInputError(f"参数“{spec['title']}”的新值须为有限数字。", "value")
        low = spec.get("min")
        low = Decimal(str(low)) if low is not None else Decimal(0)  # rates, caps, amounts, thresholds: never < 0
        from screening.parameters import display

        unit = spec.get("unit", "")
        if value < low:
            raise ScreeningInputError(
                f"参数“{spec['title']}”不能小于 {display(low, unit)}（填写的是 {display(value, unit)}），请调整后再试。",
                "value")
        high = spec.get("max")
        if high is not None and value > Decimal(str(high)):
            raise ScreeningInputError(
                f"参数“{spec['title']}”不能大于 {display(high, unit)}（填写的是 {display(value, unit)}），请调整后再试。",
                "value")
        clean[path] = str(value)
    return clean


def overrides_for_engine(overrides: dict[str, str]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in overrides.items()}


def describe_overrides(overrides: dict[str, str]) -> list[tuple[str, str]]:
    """(title, new value in its unit: "8%", "30 万元", "25 件") for each changed parameter."""
    from screening.parameters import display

    specs = {p["path"]: p for p in engine.tunable_parameters()}
    out = []
    for path, value in overrides.items():
        spec = specs.get(path)
        out.append((str(spec["title"]), display(value, spec.get("unit", ""))) if spec else ("（已停用的参数）", value))
    return out


def parameter_title(path: str) -> str:
    for p in engine.tunable_parameters():
        if p["path"] == path:
            return str(p["title"])
    return path


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


def missing_items(missing: Any) -> list[str]:
    """The engine's "what is missing" as a list (it may give one string or a list of strings)."""
    if not missing:
        return []
    if isinstance(missing, str):
        return [missing]
    return [str(m) for m in missing]


#: The columns of a result row, in the order ``_result_rows`` gives them (and COPY writes them).
RESULT_COLUMNS = ("run_id", "organization_id", "region_id_snapshot", "seq", "provision_id", "title", "document",
                  "article", "form", "is_ceiling", "amount", "status", "explanation", "missing")


def _result_rows(run: ScreeningRun, org_id: int, region_id: int, results: list) -> list[tuple]:
    rows = []
    for seq, r in enumerate(results):  # seq: each event's result kept (a provision may pay per event)
        if r.status not in ("applies", "near"):
            continue
        rows.append((run.pk, org_id, region_id or 0, seq, str(r.provision_id)[:120], str(r.title)[:200],
                     str(r.document or "")[:120], str(r.article or "")[:60], str(r.form or "")[:40],
                     bool(r.is_ceiling), Decimal(r.amount or 0), r.status, str(r.explanation or ""),
                     missing_items(r.missing)))
    return rows


def _write_results(rows: list[tuple] | bytes) -> None:
    """Write a batch's result rows inside the caller's transaction; a batch written twice stays single.

    PostgreSQL: COPY straight into the table; if some of the rows are there already (the batch was written before),
    COPY into a temporary table, then INSERT … ON CONFLICT DO NOTHING (the unique constraint decides, as
    bulk_create's ignore_conflicts does elsewhere). ``rows``: result rows for bulk_create on SQLite, COPY text
    (``_copy_lines``) on PostgreSQL."""
    from django.db import connection

    if not rows:
        return
    if connection.vendor != "postgresql":
        ScreeningResult.objects.bulk_create([ScreeningResult(**dict(zip(RESULT_COLUMNS, row, strict=True)))
                                             for row in rows], batch_size=5000, ignore_conflicts=True)
        return
    from psycopg.errors import UniqueViolation

    data = rows
    table = ScreeningResult._meta.db_table
    cols = ", ".join(RESULT_COLUMNS)
    try:
        with transaction.atomic(), connection.cursor() as cur, cur.cursor.copy(
                f"COPY {table} ({cols}) FROM STDIN") as copy:  # a savepoint: undone alone if a row is there
            copy.write(data)
        return
    except UniqueViolation:
        pass
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS screening_result_in AS SELECT {cols} FROM {table} WITH NO DATA")
        cur.execute("TRUNCATE screening_result_in")
        raw = cur.cursor  # psycopg's own cursor under Django's wrapper
        with raw.copy(f"COPY screening_result_in ({cols}) FROM STDIN") as copy:
            copy.write(data)
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM screening_result_in ON CONFLICT DO NOTHING")
        cur.execute("TRUNCATE screening_result_in")


def _copy_escape(value: str) -> str:
    """A value in PostgreSQL's COPY text format (backslash, tab, new line and carriage return escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_lines(run_id: int, evaluated: Iterable[tuple[int, list]], regions: dict[int, int]) -> bytes:
    """A screening batch's results straight to COPY text (the rows ``_result_rows`` would give, in PostgreSQL's COPY
    text format), without making a tuple per result: the columns that repeat for every organisation a provision
    applies to are escaped once per provision. Made where the batch is computed (a worker process), so that the
    process that writes only sends bytes."""
    import json

    out: list[str] = []
    append = out.append
    middles: dict[tuple, str] = {}
    head = f"{int(run_id)}\t"
    kept = ("applies", "near")
    for org_id, results in evaluated:
        if not results:
            continue
        prefix = f"{head}{int(org_id)}\t{int(regions.get(org_id) or 0)}\t"
        for seq, r in enumerate(results):
            status = r.status
            if status not in kept:
                continue
            key = (r.provision_id, r.title, r.document, r.article, r.form, r.is_ceiling)
            middle = middles.get(key)
            if middle is None:
                middle = middles[key] = "\t".join(
                    _copy_escape(str(v or "")[:width]) for v, width in zip(key[:5], (120, 200, 120, 60, 40), strict=True)
                ) + ("\tt" if r.is_ceiling else "\tf")
            missing = r.missing
            if not missing:
                items = "[]"
            elif isinstance(missing, str) and missing.isprintable() and '"' not in missing and "\\" not in missing:
                items = f'["{missing}"]'  # what json.dumps gives for such a string
            else:
                items = _copy_escape(json.dumps(missing_items(missing), ensure_ascii=False))
            amount = r.amount
            text = r.explanation or ""
            if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
                text = _copy_escape(text)
            append(f"{prefix}{seq}\t{middle}\t{amount if amount and amount.__class__ is Decimal else Decimal(amount or 0)}\t{status}\t"
                   f"{text}\t{items}\n")
    return "".join(out).encode("utf-8")


def _aggregate(batch_no: int, run: ScreeningRun, variant: str, evaluated: dict[int, list],
               regions: dict[int, int]) -> list[WhatIfAggregate]:
    """Aggregates from explained results (the path for a batch holding data the engine refuses)."""
    sums: dict[tuple[str, str, int, bool], list] = defaultdict(lambda: [0, Decimal(0)])
    for org_id, results in evaluated.items():
        region_id = regions.get(org_id) or 0
        any_amount, any_ceiling, hit = Decimal(0), False, False
        counted: set[tuple] = set()  # beneficiaries are organisations: one per provision, whatever its events
        for r in results:
            if r.status != "applies":
                continue
            hit = True
            key = (str(r.provision_id)[:120], str(r.title)[:200], region_id, bool(r.is_ceiling))
            cell = sums[key]
            if key not in counted:
                counted.add(key)
                cell[0] += 1
            cell[1] += Decimal(r.amount or 0)
            any_amount += Decimal(r.amount or 0)
            any_ceiling = any_ceiling or bool(r.is_ceiling)
        if hit:
            cell = sums[(ANY_PROVISION, "任一条款", region_id, False)]
            cell[0] += 1
            cell[1] += any_amount
    return [
        WhatIfAggregate(run_id=run.pk, batch_no=batch_no, variant=variant, provision_id=pid, title=title,
                        region_id_snapshot=region_id, is_ceiling=ceiling, beneficiaries=n, amount=amount)
        for (pid, title, region_id, ceiling), (n, amount) in sums.items()
    ]


def _aggregate_arrays(batch_no: int, run: ScreeningRun, variant: str, regions: np.ndarray,
                      amounts: dict[str, tuple[np.ndarray, np.ndarray]]) -> list[WhatIfAggregate]:
    """Aggregates by region and provision from policy.whatif's arrays (results counted, amounts in fen)."""
    from policy.catalogue import BY_ID

    codes, inverse = np.unique(regions, return_inverse=True)
    out = []
    any_count = np.zeros(len(regions), dtype=np.int64)
    any_fen = np.zeros(len(regions), dtype=np.int64)

    def cells(pid: str, title: str, ceiling: bool, count: np.ndarray, fen: np.ndarray) -> None:
        hit = count > 0
        if not hit.any():
            return
        n = np.bincount(inverse[hit], minlength=len(codes))  # beneficiaries are organisations, not results
        total = np.bincount(inverse[hit], weights=fen[hit], minlength=len(codes))
        for k in np.nonzero(n)[0]:
            out.append(WhatIfAggregate(run_id=run.pk, batch_no=batch_no, variant=variant, provision_id=pid,
                                       title=title, region_id_snapshot=int(codes[k]), is_ceiling=ceiling,
                                       beneficiaries=int(round(n[k])),
                                       amount=Decimal(int(round(total[k]))).scaleb(-2)))

    for pid, (count, fen) in amounts.items():
        p = BY_ID[pid]
        cells(str(pid)[:120], str(p.title)[:200], bool(p.is_ceiling), count, fen)
        any_count += count > 0
        any_fen += fen
    cells(ANY_PROVISION, "任一条款", False, (any_count > 0).astype(np.int64), any_fen)
    return out


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


def _batches(run: ScreeningRun, batch_size: int) -> Iterator[tuple[int, list[tuple[int, int]]]]:
    """(batch number, [(organisation id, region id)…]) from the run's cursor on, in id order: the same batches
    whether the run goes through in one go or resumes after a crash."""
    base_qs = selection(run).order_by("id")
    cursor, batch_no = run.cursor, run.batches_done
    while True:
        batch = list(base_qs.filter(id__gt=cursor).values_list("id", "region_id")[:batch_size])
        if not batch:
            return
        yield batch_no, batch
        cursor, batch_no = batch[-1][0], batch_no + 1


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


def _commit_batch(run: ScreeningRun, out: _Batch) -> None:
    """A batch's results and the run's progress, in one transaction. On PostgreSQL its commit does not wait for the
    write-ahead log to reach the disk (synchronous_commit off): a crash of the database may lose the last batches,
    results and progress together, and the run then computes them again."""
    from django.db import connection

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
        # The unique constraints decide: a batch written twice (two workers) stays single.
        if run.kind == ScreeningRun.Kind.WHATIF:
            WhatIfAggregate.objects.bulk_create(out.aggregates, batch_size=5000, ignore_conflicts=True)
        else:
            _write_results(out.rows)
            _keep_totals(run, out.batch_no, out.ids)
        updated = ScreeningRun.objects.filter(pk=run.pk).update(
            cursor=out.ids[-1], processed=F("processed") + len(out.ids), batches_done=F("batches_done") + 1,
            heartbeat_at=timezone.now(), compute_seconds=F("compute_seconds") + out.compute,
        )
        if not updated:  # the run was deleted meanwhile: its results are not kept (no foreign key says so)
            raise ScreeningRun.DoesNotExist(f"screening run {run.pk} no longer exists")
        if out.skipped:  # one bad organisation never stops a run: skipped, counted, listed with its reason
            run.skipped = _skipped_rows(run, out.skipped)
            ScreeningRun.objects.filter(pk=run.pk).update(skipped=run.skipped)


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


# --------------------------------------------------------------------------------------------------------------
# Results


@dataclass
class Totals:
    by_provision: list[dict] = field(default_factory=list)
    by_region: list[dict] = field(default_factory=list)
    by_form: list[dict] = field(default_factory=list)
    entitlement: Decimal = Decimal(0)
    ceiling: Decimal = Decimal(0)
    entities: int = 0
    near_entities: int = 0


def _keep_totals(run: ScreeningRun, batch_no: int, ids: list[int]) -> None:
    """The batch's totals (RunTotal), counted from its own result rows just written, in the batch's transaction.
    Results of the batch's organisations are those of the run with organisation ids in the batch's range (batches
    are consecutive in id order). Written once: a batch written twice keeps its first rows."""
    if not ids or not run.totals_kept:
        return
    batch = ScreeningResult.objects.filter(run_id=run.pk, organization_id__gte=ids[0], organization_id__lte=ids[-1])
    applies = batch.filter(status=ScreeningResult.Status.APPLIES)
    kind = RunTotal.Kind
    rows = [RunTotal(kind=kind.PROVISION, **r) for r in (
        applies.values("provision_id", "is_ceiling")
        .annotate(title=Max("title"), document=Max("document"), article=Max("article"),
                  entities=Count("organization", distinct=True), items=Count("id"), amount=Sum("amount")))]
    rows += [RunTotal(kind=kind.REGION_FORM, **r) for r in (
        applies.values("region_id_snapshot", "is_ceiling")
        .annotate(entities=Count("organization", distinct=True), items=Count("id"), amount=Sum("amount")))]
    rows += [RunTotal(kind=kind.REGION, **r) for r in (
        applies.values("region_id_snapshot").annotate(entities=Count("organization", distinct=True)))]
    rows += [RunTotal(kind=kind.NEAR, **r) for r in (
        batch.filter(status=ScreeningResult.Status.NEAR).values("region_id_snapshot")
        .annotate(entities=Count("organization", distinct=True)))]
    for r in rows:
        r.run_id, r.batch_no, r.amount = run.pk, batch_no, r.amount or Decimal(0)
    RunTotal.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def _region_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Region.objects.filter(id__in=set(ids)).values_list("id", "name"))


def totals(run: ScreeningRun) -> Totals:
    """The run's totals: by provision, by region, by form (entitlement / ceiling), organisations that qualify and
    those that nearly do. Summed from the totals kept with the run's batches (a few rows per batch, whatever the
    run's size); a run made before totals were kept counts them from its results."""
    if run.totals_kept:
        return _kept_totals(run)
    return counted_totals(run)


def _form_label(is_ceiling: bool) -> str:
    return "上限（不超过/最高，需评审）" if is_ceiling else "确定金额（应享）"


def _kept_totals(run: ScreeningRun) -> Totals:
    kept = RunTotal.objects.filter(run_id=run.pk)
    kind = RunTotal.Kind
    out = Totals()
    out.by_provision = [
        {**r, "amount": r["amount"] or Decimal(0)} for r in
        kept.filter(kind=kind.PROVISION).values("provision_id", "title", "document", "article", "is_ceiling")
        .annotate(entities=Sum("entities"), items=Sum("items"), amount=Sum("amount")).order_by("-amount", "provision_id")
    ]
    by_region: dict[int, dict] = {}
    forms: dict[bool, dict] = {}
    for row in kept.filter(kind=kind.REGION_FORM).values("region_id_snapshot", "is_ceiling").annotate(
            entities=Sum("entities"), items=Sum("items"), amount=Sum("amount")):
        cell = by_region.setdefault(row["region_id_snapshot"], {"entitlement": Decimal(0), "ceiling": Decimal(0)})
        cell["ceiling" if row["is_ceiling"] else "entitlement"] += row["amount"] or 0
        form = forms.setdefault(row["is_ceiling"], {"is_ceiling": row["is_ceiling"], "entities": 0, "items": 0,
                                                    "amount": Decimal(0)})
        form["entities"] += row["entities"] or 0
        form["items"] += row["items"] or 0
        form["amount"] += row["amount"] or 0
    region_entities = {rid: n or 0 for rid, n in kept.filter(kind=kind.REGION).values("region_id_snapshot")
                       .annotate(n=Sum("entities")).values_list("region_id_snapshot", "n")}
    names = _region_names(by_region)
    out.by_region = sorted(
        ({"region": names.get(rid, "—"), "entities": region_entities.get(rid, 0), **cell} for rid, cell in by_region.items()),
        key=lambda r: -(r["entitlement"] + r["ceiling"]),
    )
    for is_ceiling in sorted(forms):
        row = forms[is_ceiling]
        out.by_form.append({"form": _form_label(is_ceiling), **row})
        if is_ceiling:
            out.ceiling = row["amount"]
        else:
            out.entitlement = row["amount"]
    out.entities = sum(region_entities.values())
    out.near_entities = kept.filter(kind=kind.NEAR).aggregate(n=Sum("entities"))["n"] or 0
    return out


def counted_totals(run: ScreeningRun) -> Totals:
    """The run's totals counted from its result rows (runs made before totals were kept; the tests' reference)."""
    applies = run.results.filter(status=ScreeningResult.Status.APPLIES)
    out = Totals()
    out.by_provision = list(
        applies.values("provision_id", "title", "document", "article", "is_ceiling")
        .annotate(entities=Count("organization", distinct=True), items=Count("id"), amount=Sum("amount"))
        .order_by("-amount", "provision_id")
    )
    by_region: dict[int, dict] = {}
    for row in applies.values("region_id_snapshot", "is_ceiling").annotate(entities=Count("organization", distinct=True),
                                                                           amount=Sum("amount")):
        cell = by_region.setdefault(row["region_id_snapshot"], {"entitlement": Decimal(0), "ceiling": Decimal(0)})
        cell["ceiling" if row["is_ceiling"] else "entitlement"] += row["amount"] or 0
    region_entities = dict(applies.values("region_id_snapshot").annotate(n=Count("organization", distinct=True))
                           .values_list("region_id_snapshot", "n"))
    names = _region_names(by_region)
    out.by_region = sorted(
        ({"region": names.get(rid, "—"), "entities": region_entities.get(rid, 0), **cell} for rid, cell in by_region.items()),
        key=lambda r: -(r["entitlement"] + r["ceiling"]),
    )
    for row in applies.values("is_ceiling").annotate(entities=Count("organization", distinct=True), items=Count("id"),
                                                      amount=Sum("amount")).order_by("is_ceiling"):
        out.by_form.append({"form": _form_label(row["is_ceiling"]), **row})
        if row["is_ceiling"]:
            out.ceiling = row["amount"] or Decimal(0)
        else:
            out.entitlement = row["amount"] or Decimal(0)
    out.entities = applies.values("organization").distinct().count()
    out.near_entities = run.results.filter(status=ScreeningResult.Status.NEAR).values("organization").distinct().count()
    return out


def entities_to_notify(run: ScreeningRun) -> QuerySet:
    """Organisations with at least one applicable provision, most money first."""
    return (
        run.results.filter(status=ScreeningResult.Status.APPLIES)
        .values("organization_id", "organization__name", "organization__region__name")
        .annotate(items=Count("id"), amount=Sum("amount"))
        .order_by("-amount", "organization_id")
    )


def _money(amount: Decimal | int | None) -> str:
    return f"{Decimal(amount or 0):,.2f}"


def describe(r: Any, claim: ClaimState | None = None) -> str:
    """One line a clerk can read aloud: provision, citation, amount or ceiling (and its claim, where there is one)."""
    citation = "，".join(x for x in (r.document, r.article) if x)
    money = ("最高 " if r.is_ceiling else "") + _money(r.amount) + " 元"
    return f"{r.title}（{citation}）：{money}" + (f"——{claim.text()}" if claim else "")


def notice_body(results: Iterable[Any], year: int,
                claims: dict[tuple[int, str, int], ClaimState] | None = None) -> str:
    """The notice of a screening: what the organisation can claim, and for what it has claimed, where that claim
    stands (not offered as 可享受 again)."""
    results = list(results)
    claims = claims or {}
    found = [(r, claims.get((r.organization_id, r.provision_id, year))) for r in results]
    open_ = [(r, c) for r, c in found if c is None]
    claimed = [(r, c) for r, c in found if c is not None]
    lines = []
    if open_:
        lines.append(f"经平台依据登记信息测算，贵单位 {year} 年度可享受以下政策（免申即享，供核对）：")
    for i, (r, _) in enumerate(open_, 1):
        lines.append(f"{i}. {describe(r)}")
        if r.explanation:
            lines.append(f"   说明：{r.explanation}")
    if claimed:
        lines.append(f"贵单位 {year} 年度已申报的政策：")
    for i, (r, c) in enumerate(claimed, 1):
        lines.append(f"{i}. {describe(r, c)}")
    lines.append("“最高”为上限金额，需经评审确定；如登记信息有误，请在平台更正。")
    return "\n".join(lines)


def send_notices(user: Any, run: ScreeningRun, organization_ids: Iterable[int] | None = None) -> int:
    """Create one in-platform notice per listed organisation (once per run); returns how many were new."""
    if run.kind != ScreeningRun.Kind.SCREENING or run.status != ScreeningRun.Status.DONE:
        raise ScreeningInputError("只能对已完成的政策筛查发送通知。")
    applies = run.results.filter(status=ScreeningResult.Status.APPLIES)
    if organization_ids is not None:
        applies = applies.filter(organization_id__in=list(organization_ids))
    already = set(Notice.objects.filter(run=run).values_list("organization_id", flat=True))
    per_org: dict[int, list] = defaultdict(list)
    for r in applies.exclude(organization_id__in=already).order_by("organization_id", "-amount"):
        per_org[r.organization_id].append(r)
    claims = claim_states(per_org, [run.year])
    notices = [
        Notice(organization_id=org_id, run=run, title=f"{run.year} 年度可享受政策提示（{len(items)} 项）",
               body=notice_body(items, run.year, claims), link=f"/screening/mine/?year={run.year}",
               created_by=account(user))
        for org_id, items in per_org.items()
    ]
    Notice.objects.bulk_create(notices, batch_size=2000, ignore_conflicts=True)
    record(user, "screening.notices_sent", run, f"筛查 #{run.pk} 向 {len(notices)} 家主体发送政策提示通知",
           count=len(notices))
    return len(notices)


#: Excel's last row less the header: a run with more result rows than this exports its details as CSV.
EXCEL_DETAIL_ROWS = 1_048_575
DETAIL_TITLES = ["主体名称", "统一社会信用代码", "区市", "结论", "政策条款", "文件", "条款", "形式", "金额（元）", "说明",
                 "尚缺条件"]


def export_detail_rows(run: ScreeningRun, limit: int | None = None) -> Iterator[list]:
    """One row per entity and provision, in the export's order and wording (plain values, read as tuples)."""
    names = _region_names(run.results.values_list("region_id_snapshot", flat=True).distinct())
    statuses = dict(ScreeningResult.Status.choices)
    qs = (run.results.order_by("organization_id", "status", "provision_id")
          .values_list("organization__name", "organization__uscc", "region_id_snapshot", "status", "title",
                       "document", "article", "is_ceiling", "amount", "explanation", "missing"))
    if limit is not None:
        qs = qs[:limit]
    for name, uscc, region, status, title, document, article, ceiling, amount, explanation, missing in (
            qs.iterator(chunk_size=5000)):
        yield [name, uscc or "", names.get(region, ""), statuses.get(status, status), title, document, article,
               "上限" if ceiling else "应享", float(amount),
               explanation, missing if isinstance(missing, str) else "；".join(missing or [])]


def export_excel(run: ScreeningRun) -> bytes:
    """An .xlsx workbook: totals by provision and region, then one row per entity and provision.

    Amounts are numbers in yuan with a number format, provisions are named by their Chinese titles and citations
    (never by codes), headers are frozen and columns sized. Written in openpyxl's write-only mode (rows stream to the
    file). Details beyond Excel's row limit are left to the CSV export, which the workbook says.
    """
    from core import xlsx
    from core.xlsx import Column

    wb = xlsx.workbook()
    t = totals(run)
    ws = wb.create_sheet("按条款汇总")
    xlsx.write_table(ws, [Column("政策条款", 40, wrap=True), Column("文件", 24), Column("条款", 10),
                          Column("形式", 8), Column("主体数（家）", 12, xlsx.INTEGER), Column("金额（元）", 18, xlsx.YUAN)],
                     ([row["title"], row["document"], row["article"], "上限" if row["is_ceiling"] else "应享",
                       row["entities"], float(row["amount"] or 0)] for row in t.by_provision))
    ws = wb.create_sheet("按区市汇总")
    xlsx.write_table(ws, [Column("区市", 26), Column("主体数（家）", 12, xlsx.INTEGER),
                          Column("应享金额（元）", 18, xlsx.YUAN), Column("上限金额（元）", 18, xlsx.YUAN)],
                     ([row["region"], row["entities"], float(row["entitlement"]), float(row["ceiling"])]
                      for row in t.by_region))
    ws = wb.create_sheet("主体明细")
    widths = [34, 22, 16, 10, 36, 22, 10, 8, 16, 60, 40]
    formats = {8: xlsx.YUAN}
    written = xlsx.write_table(ws, [
        Column(title, width, formats.get(i), wrap=i in (4, 9, 10))
        for i, (title, width) in enumerate(zip(DETAIL_TITLES, widths, strict=True))
    ], export_detail_rows(run, limit=EXCEL_DETAIL_ROWS))
    if written == EXCEL_DETAIL_ROWS and run.results.count() > written:
        note = wb.create_sheet("说明")
        note.append([f"明细超过 Excel 的行数上限，只列出前 {written:,} 行；全部明细请在筛查页面点击“导出 CSV”。"])
    return xlsx.save(wb)


def export_csv(run: ScreeningRun) -> Iterator[bytes]:
    """The run's details as UTF-8 CSV (with the byte-order mark that Excel needs to read Chinese), streamed in blocks
    of rows: any size of run, no row limit. Formula-like text gets a leading apostrophe (the Excel export's guard,
    CSV's way). On PostgreSQL the database writes the CSV itself (COPY … TO STDOUT), the same rows and wording."""
    import csv

    from django.db import connection

    from core.xlsx import csv_value

    class _Buffer(list):
        def write(self, text: str) -> None:
            self.append(text)

    buf = _Buffer()
    writer = csv.writer(buf)
    writer.writerow(DETAIL_TITLES)
    yield ("\ufeff" + "".join(buf)).encode("utf-8")
    buf.clear()
    if connection.vendor == "postgresql":
        yield from _copy_csv(run)
        return
    for k, row in enumerate(export_detail_rows(run), start=1):
        row[8] = f"{row[8]:.2f}"
        writer.writerow([csv_value(v) for v in row])
        if k % 5000 == 0:
            yield "".join(buf).encode("utf-8")
            buf.clear()
    if buf:
        yield "".join(buf).encode("utf-8")


def _copy_csv(run: ScreeningRun) -> Iterator[bytes]:
    """export_detail_rows as CSV, written by PostgreSQL (no header)."""
    from django.db import connection

    def guard(col: str) -> str:  # core.xlsx.csv_value in SQL
        return (f"CASE WHEN left({col}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || {col} "
                f"ELSE {col} END")

    statuses = " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in ScreeningResult.Status.choices)
    missing = ("CASE jsonb_typeof(r.missing) WHEN 'array' THEN array_to_string(ARRAY(SELECT "
               "jsonb_array_elements_text(r.missing)), '；') WHEN 'string' THEN r.missing #>> '{}' ELSE '' END")
    uscc = "COALESCE(o.uscc, '')"
    sql = (
        f"SELECT {guard('o.name')}, {guard(uscc)}, COALESCE(g.name, ''), "
        f"CASE r.status {statuses} ELSE r.status END, {guard('r.title')}, {guard('r.document')}, "
        f"{guard('r.article')}, CASE WHEN r.is_ceiling THEN '上限' ELSE '应享' END, r.amount, "
        f"{guard('r.explanation')}, {guard(missing)} "
        f"FROM {ScreeningResult._meta.db_table} r JOIN {Organization._meta.db_table} o ON o.id = r.organization_id "
        f"LEFT JOIN {Region._meta.db_table} g ON g.id = r.region_id_snapshot "
        f"WHERE r.run_id = {int(run.pk)} ORDER BY r.organization_id, r.status, r.provision_id"
    )
    with connection.cursor() as cur, cur.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        pending: list[bytes] = []
        size = 0
        for block in copy:
            pending.append(bytes(block))
            size += len(block)
            if size >= 1 << 20:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)


@dataclass
class WhatIfComparison:
    by_provision: list[dict]
    by_region: list[dict]
    base_amount: Decimal
    changed_amount: Decimal
    base_beneficiaries: int
    changed_beneficiaries: int

    @property
    def delta_amount(self) -> Decimal:
        return self.changed_amount - self.base_amount

    @property
    def delta_beneficiaries(self) -> int:
        return self.changed_beneficiaries - self.base_beneficiaries


def whatif_comparison(run: ScreeningRun) -> WhatIfComparison:
    """Current rules vs changed rules: total cost and beneficiaries, by provision and by region."""
    agg = run.aggregates.all()
    prov: dict[str, dict] = {}
    for row in agg.exclude(provision_id=ANY_PROVISION).values("provision_id", "title", "variant").annotate(
            n=Sum("beneficiaries"), amount=Sum("amount")):
        cell = prov.setdefault(row["provision_id"], {"provision_id": row["provision_id"], "title": row["title"],
                                                     "base_n": 0, "changed_n": 0,
                                                     "base_amount": Decimal(0), "changed_amount": Decimal(0)})
        cell[f"{row['variant']}_n"] += row["n"] or 0
        cell[f"{row['variant']}_amount"] += row["amount"] or 0
    reg: dict[int, dict] = {}
    for row in agg.filter(provision_id=ANY_PROVISION).values("region_id_snapshot", "variant").annotate(
            n=Sum("beneficiaries"), amount=Sum("amount")):
        cell = reg.setdefault(row["region_id_snapshot"], {"base_n": 0, "changed_n": 0, "base_amount": Decimal(0),
                                                          "changed_amount": Decimal(0)})
        cell[f"{row['variant']}_n"] += row["n"] or 0
        cell[f"{row['variant']}_amount"] += row["amount"] or 0
    names = _region_names(reg)
    for rows in (prov.values(), reg.values()):
        for cell in rows:
            cell["delta_n"] = cell["changed_n"] - cell["base_n"]
            cell["delta_amount"] = cell["changed_amount"] - cell["base_amount"]
    by_region = [{"region": names.get(rid, "—"), **cell} for rid, cell in reg.items()]
    by_region.sort(key=lambda c: c["region"])
    by_provision = sorted(prov.values(), key=lambda c: (-abs(c["delta_amount"]), c["provision_id"]))
    return WhatIfComparison(
        by_provision=by_provision, by_region=by_region,
        base_amount=sum((c["base_amount"] for c in reg.values()), Decimal(0)),
        changed_amount=sum((c["changed_amount"] for c in reg.values()), Decimal(0)),
        base_beneficiaries=sum(c["base_n"] for c in reg.values()),
        changed_beneficiaries=sum(c["changed_n"] for c in reg.values()),
    )


# --------------------------------------------------------------------------------------------------------------
# One entity: what it can claim; claim drafts; notices


def entity_organization(user: Any) -> Organization | None:
    if not getattr(user, "is_authenticated", False) or not user.organization_id:
        return None
    return user.organization


def latest_fact_year(org: Organization) -> int:
    """The latest year (up to this year) for which the registry holds the entity's yearly facts, else last year."""
    this_year = timezone.localdate().year
    latest = (org.annual_facts.filter(year__lte=this_year).order_by("-year").values_list("year", flat=True).first())
    return latest or this_year - 1


def entitlements(org: Organization, years: Iterable[int]) -> list[dict]:
    """Per year: the provisions that apply and those nearly met (with what is missing)."""
    out = []
    years = list(years)
    claims = claim_states([org.pk], years)
    for result in engine.evaluate_organization_years(org, years):
        year = int(result.period)
        applies = [r for r in result.results if r.status == "applies"]
        for r in applies:  # an entitlement already claimed shows its claim instead of 申报 (issue 26 item 11)
            r.claim = claims.get((org.pk, str(r.provision_id), year))
        near = [r for r in result.results if r.status == "near"]
        out.append({
            "year": year, "applies": applies, "near": near,
            "entitlement": sum((Decimal(r.amount or 0) for r in applies if not r.is_ceiling), Decimal(0)),
            "ceiling": sum((Decimal(r.amount or 0) for r in applies if r.is_ceiling), Decimal(0)),
        })
    return out


@dataclass(frozen=True)
class ClaimState:
    """Where an entitlement's claim (funding) stands, in the applicant's words: 已拨付 and the amount paid, or
    已申报 with its step and the amount claimed or decided."""

    pk: int
    state: str
    amount: Decimal

    @property
    def paid(self) -> bool:
        return self.state == "paid"

    @property
    def label(self) -> str:
        from funding.workflow import STATES

        if self.paid:
            return "已拨付"
        return "已建申报，未提交" if self.state == "draft" else f"已申报（{STATES.get(self.state, ('', self.state))[1]}）"

    def text(self) -> str:
        from core.formatting import money

        return f"{self.label}，{'拨付' if self.paid else '金额'} {money(self.amount)}"


def claim_states(org_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, str, int], ClaimState]:
    """(organisation, provision, year) → its claim's state, read from funding's claims (one query)."""
    from funding.models import Claim

    out: dict[tuple[int, str, int], ClaimState] = {}
    rows = (Claim.objects.filter(organization_id__in=list(org_ids), year__in=list(years)).exclude(provision_id="")
            .order_by("event_key", "id")
            .values_list("pk", "organization_id", "provision_id", "year", "state", "decided_amount", "entitled_amount"))
    for pk, org_id, pid, year, state, decided, entitled in rows:
        out.setdefault((org_id, pid, year), ClaimState(pk, state, decided if decided is not None else entitled))
    return out


def notices_for(org: Organization) -> QuerySet[Notice]:
    return Notice.objects.filter(organization=org)


def mark_all_read(org: Organization) -> int:
    """全部标为已读: every unread notice of the organisation, in one statement; returns how many."""
    return Notice.objects.filter(organization=org, read_at__isnull=True).update(read_at=timezone.now())


def mark_read(org: Organization, notice_id: int) -> Notice:
    notice = Notice.objects.get(pk=notice_id, organization=org)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice

"""Sums of a run: the what-if's aggregates per batch, a screening run's totals kept per batch and summed for its page,
and the what-if comparison."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, Max, Q, Sum

from registry.models import Region
from screening.models import RunTotal, ScreeningResult, ScreeningRun, WhatIfAggregate
from screening.services.selection import ANY_PROVISION


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
    are consecutive in id order). Written once: a batch written twice keeps its first rows.

    The status is a condition of each sum, never of the rows read: the rows are then found by the run and the
    organisation range alone (the unique index), and PostgreSQL cannot take the (run, status) index instead, which
    reads every result of the run so far for each batch (a run of 10M organisations slowed to a crawl so)."""
    if not ids or not run.totals_kept:
        return
    batch = ScreeningResult.objects.filter(run_id=run.pk, organization_id__gte=ids[0], organization_id__lte=ids[-1])
    applies = Q(status=ScreeningResult.Status.APPLIES)
    near = Q(status=ScreeningResult.Status.NEAR)

    def sums(*keys: str, **extra: Any) -> list[dict]:
        return [r for r in batch.values(*keys).order_by().annotate(
            **extra, entities=Count("organization", distinct=True, filter=applies),
            items=Count("id", filter=applies), amount=Sum("amount", filter=applies)) if r["items"]]

    kind = RunTotal.Kind
    rows = [RunTotal(kind=kind.PROVISION, **r) for r in sums(
        "provision_id", "is_ceiling", title=Max("title", filter=applies), document=Max("document", filter=applies),
        article=Max("article", filter=applies))]
    rows += [RunTotal(kind=kind.REGION_FORM, **r) for r in sums("region_id_snapshot", "is_ceiling")]
    rows += [RunTotal(kind=kind.REGION, region_id_snapshot=r["region_id_snapshot"], entities=r["entities"])
             for r in sums("region_id_snapshot")]
    rows += [RunTotal(kind=kind.NEAR, **r) for r in batch.values("region_id_snapshot").order_by().annotate(
        entities=Count("organization", distinct=True, filter=near)) if r["entities"]]
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


#: Organisations listed per page of a run's 需通知的主体.
ENTITIES_PER_PAGE = 50
#: Rows written to the results since their last ANALYZE beyond which a run missing from the statistics is analyzed.
ANALYZE_AFTER = 10_000


@dataclass
class EntityPage:
    """One page of a run's organisations that qualify, in registry order (organisation id), found from a neighbour
    id (keyset) rather than an offset, so the last page costs what the first does; the number of pages comes from the
    kept totals, not from counting results."""

    rows: list[dict]
    number: int
    num_pages: int
    first_id: int | None
    last_id: int | None
    has_previous: bool
    has_next: bool

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def __iter__(self):
        return iter(self.rows)


def planner_knows(run_id: int) -> None:
    """PostgreSQL plans the page's queries from the results table's statistics. A run just written (COPY, up to
    millions of rows) is not in them until autovacuum gets to the table, and meanwhile the planner takes it for a few
    rows and reads all of them (2 s at 1M instead of 1 ms). Where the run is missing from the statistics and the
    table has changed much since, ANALYZE it now, as PostgreSQL's manual advises after a bulk load ("Populating a
    Database"): it reads a fixed sample (300 × default_statistics_target rows), so it costs the same at any size,
    and once only: when the run's last batch has landed (``batching.finish_run``), and again here if that was missed.
    """
    if connection.vendor != "postgresql":
        return
    table = ScreeningResult._meta.db_table
    with connection.cursor() as cur:
        cur.execute("SELECT s.n_mod_since_analyze, (SELECT p.most_common_vals::text FROM pg_stats p "
                    "WHERE p.schemaname = s.schemaname AND p.tablename = s.relname AND p.attname = 'run_id') "
                    "FROM pg_stat_user_tables s WHERE s.relname = %s", [table])
        row = cur.fetchone()
        if row is None or (row[0] or 0) < ANALYZE_AFTER:
            return
        if row[1] and str(int(run_id)) in row[1].strip("{}").split(","):
            return
        cur.execute(f'ANALYZE "{table}"')


def entities_to_notify(run: ScreeningRun, *, entities: int, after: int | None = None, before: int | None = None,
                       number: int = 1, size: int | None = None) -> EntityPage:
    """A page of organisations with at least one applicable provision: their provisions and money, read from the
    page's own results only (the run's unique index is in organisation order). ``entities`` is the run's count of
    such organisations (``totals(run).entities``); ``after``/``before`` the id next to the page wanted."""
    size = size or ENTITIES_PER_PAGE
    planner_knows(run.pk)
    applies = run.results.filter(status=ScreeningResult.Status.APPLIES)
    ids_qs = applies.order_by("organization_id" if before is None else "-organization_id")
    if before is not None:
        ids_qs = ids_qs.filter(organization_id__lt=before)
    elif after is not None:
        ids_qs = ids_qs.filter(organization_id__gt=after)
    ids = list(ids_qs.values_list("organization_id", flat=True).distinct()[:size + 1])
    more = len(ids) > size
    ids = sorted(ids[:size])
    rows = list(
        applies.filter(organization_id__in=ids)
        .values("organization_id", "organization__name", "organization__region__name")
        .annotate(items=Count("id"), amount=Sum("amount"))
        .order_by("organization_id")
    ) if ids else []
    num_pages = max(1, -(-entities // size))
    number = min(max(1, number), num_pages)
    if before is not None:
        has_previous, has_next = more, True
    else:
        has_previous, has_next = after is not None and number > 1, more
    return EntityPage(rows, number, num_pages, ids[0] if ids else None, ids[-1] if ids else None,
                      has_previous, has_next)


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

"""Each organisation's results kept per year, so that 我能享受的政策 reads a row instead of running the engine.

- ``read`` (the page): the rows of the years asked for; a year missing, stale or computed under other rules is
  computed at once for this organisation alone (``policy.services.evaluate_organization_years``) and stored.
- ``facts_changed`` (post_save/post_delete of the rows the engine reads, connected in ``ScreeningConfig.ready``):
  the organisations' rows are marked stale (``generation`` + 1) in the transaction that changes the facts, and the
  refresh job is queued once it commits.
- ``refresh`` (the huey job ``screening.kept_jobs``, queued after a change and every minute): every stale row, and
  every row computed under rules other than today's, computed again in batches through the screening engine path
  (``policy.services.evaluate_many``: facts in columns, one simulation per batch; faulty organisations found and
  left to their page, which shows their error).
- ``keep``: rows for every organisation of a year, to be filled by the job before a programme opens (claim season),
  so that no enterprise's first visit waits for the engine (``manage.py keep_entitlements``).

A row written from facts read before a change is never taken as fresh: it is written as fresh only if its
``generation`` is the one read before computing (one conditional upsert, ``_store``). The rules key covers the
jurisdiction, its package files (parameters, variables: a deployment), the reference data staff keep and the
interpretations chosen in settings.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from policy import services as engine
from policy.explain import ProvisionResult
from policy.jurisdiction import current
from screening.models import KeptEntitlements

#: organisations per evaluation of the refresh job (one openfisca simulation per policy.services.BATCH)
REFRESH_CHUNK = 10_000
#: cache key: the rules key under which the refresh job last found every row computed
SWEPT = "screening:kept:swept-rules"


@functools.cache
def _package_digest(name: str) -> str:
    """A digest of the jurisdiction package's files (parameters, variables, reference CSV): a deployment that
    changes a rule changes it. Read once per process (the files change only with a restart)."""
    import importlib

    root = Path(importlib.import_module(name).__file__ or "").parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml", ".csv") and "tests" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def rules_key() -> str:
    """Everything besides an organisation's facts that its results depend on, as one short key."""
    name = current().name
    chosen = sorted(engine._interpretation_settings(None).items())
    raw = f"{name}|{_package_digest(name)}|{engine._reference_version()}|{chosen}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _as_rows(results: Iterable[ProvisionResult]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in results if r.status in ("applies", "near")]


def _as_results(rows: list[dict[str, Any]]) -> list[ProvisionResult]:
    return [ProvisionResult(**{**row, "amount": Decimal(row["amount"])}) for row in rows]


def _store(rows: list[tuple[int, int, int, list[dict[str, Any]]]], key: str) -> None:
    """Write (organisation, year, generation read before computing, results) rows in one statement per 1,000; a row
    whose generation moved meanwhile keeps ``stale`` (its facts changed while it was computed)."""
    if not rows:
        return
    table = KeptEntitlements._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    for start in range(0, len(rows), 1000):
        part = rows[start:start + 1000]
        values = ", ".join([f"(%s, %s, %s, %s{cast}, %s, %s, %s)"] * len(part))
        params: list[Any] = []
        for org_id, year, generation, results in part:
            params += [org_id, year, key, json.dumps(results, ensure_ascii=False), False, generation, now]
        sql = (f"INSERT INTO {table} (organization_id, year, rules, results, stale, generation, computed_at) "
               f"VALUES {values} ON CONFLICT (organization_id, year) DO UPDATE SET rules = excluded.rules, "
               f"results = excluded.results, computed_at = excluded.computed_at, "
               f"stale = ({table}.generation <> excluded.generation)")
        with connection.cursor() as cur:
            cur.execute(sql, params)


def read(org: Any, years: Iterable[int]) -> dict[int, list[ProvisionResult]]:
    """Year → the organisation's results (applies and near, in the engine's order), from the kept rows; the years
    without a fresh row are computed now and kept. Raises what the engine raises for faulty facts."""
    years = list(dict.fromkeys(int(y) for y in years))
    key = rules_key()
    found = {y: (rules, results, stale, generation) for y, rules, results, stale, generation in
             KeptEntitlements.objects.filter(organization_id=org.pk, year__in=years).values_list(
                 "year", "rules", "results", "stale", "generation")}
    out: dict[int, list[ProvisionResult]] = {}
    todo = []
    for y in years:
        row = found.get(y)
        if row is not None and not row[2] and row[0] == key:
            out[y] = _as_results(row[1])
        else:
            todo.append(y)
    if todo:
        computed = engine.evaluate_organization_years(org, todo)
        fresh = []
        for y, result in zip(todo, computed, strict=True):
            rows = _as_rows(result.results)
            out[y] = _as_results(rows)  # new objects: the engine's are kept per process and must stay unchanged
            fresh.append((org.pk, y, found[y][3] if y in found else 0, rows))
        _store(fresh, key)
    return out


# ---------------------------------------------------------------- changes


def mark_stale(org_ids: Iterable[int]) -> int:
    """Mark the organisations' kept rows stale now; returns how many rows."""
    ids = sorted(set(org_ids))
    n = 0
    for start in range(0, len(ids), 5000):
        n += KeptEntitlements.objects.filter(organization_id__in=ids[start:start + 5000]).update(
            stale=True, generation=F("generation") + 1)
    return n


def mark_all_stale() -> int:
    """After a change whose organisations are not known one by one (an Excel import): every row."""
    return KeptEntitlements.objects.update(stale=True, generation=F("generation") + 1)


def _queue_refresh() -> None:
    from screening.kept_jobs import enqueue_refresh

    enqueue_refresh()


def facts_changed(org_ids: Iterable[int | str | None]) -> None:
    """Organisations whose facts changed in the current transaction ("*": all): their rows are marked stale in the
    same transaction (so nobody reads them as fresh once it commits, and a page computing them meanwhile writes
    them as stale: ``generation`` moved), and the refresh job is queued once it commits (once per transaction)."""
    ids = {i for i in org_ids if i is not None}
    if not ids:
        return
    n = mark_all_stale() if "*" in ids else mark_stale(ids)  # type: ignore[arg-type]
    if not n:
        return
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(entry[1] is _queue_refresh for entry in conn.run_on_commit):
        return
    transaction.on_commit(_queue_refresh)


# ---------------------------------------------------------------- the job


def keep(year: int, org_ids: Iterable[int] | None = None) -> int:
    """Rows (stale, to be computed by the refresh job) for every organisation of the registry, or those listed,
    that has none for the year; returns how many were added."""
    from registry.models import Organization

    ids = list(org_ids) if org_ids is not None else list(Organization.objects.order_by("id").values_list("id", flat=True))
    added = 0
    for start in range(0, len(ids), 5000):
        part = ids[start:start + 5000]
        rows = [KeptEntitlements(organization_id=i, year=year, stale=True) for i in part]
        added += len(KeptEntitlements.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000))
    return added


def refresh(limit: int | None = None) -> int:
    """Compute every stale row and every row computed under other rules, in batches; returns how many rows were
    written. Organisations the engine cannot compute lose their row (their page computes and shows why)."""
    from screening.services.batching import _evaluate_batch

    key = rules_key()
    written = 0
    # every row was computed under these rules at the last full pass: only the stale ones (a partial index) are read
    swept = cache.get(SWEPT) == key
    todo = KeptEntitlements.objects.filter(Q(stale=True) if swept else Q(stale=True) | ~Q(rules=key))
    for year in sorted(set(todo.values_list("year", flat=True).distinct())):
        after = 0
        while limit is None or written < limit:
            part = list(todo.filter(year=year, organization_id__gt=after).order_by("organization_id").values_list(
                "organization_id", "generation")[:REFRESH_CHUNK])
            if not part:
                break
            after = part[-1][0]
            generations = dict(part)
            results = _evaluate_batch(list(generations), year, None, {})
            gone = set(generations) - {org_id for org_id, _ in results}  # faulty, or no longer computable
            with transaction.atomic():
                _store([(org_id, year, generations[org_id], _as_rows(rs)) for org_id, rs in results], key)
                if gone:
                    KeptEntitlements.objects.filter(year=year, organization_id__in=list(gone)).delete()
            written += len(results)
    if limit is None or written < limit:
        cache.set(SWEPT, key, None)
    return written


# ---------------------------------------------------------------- the rows the engine reads

def _loan_parties(loan: Any) -> list[int | None]:
    return [loan.borrower_id, loan.lender.organization_id]


def _contract_parties(contract_id: int) -> list[int | None]:
    from techmarket.models import ContractParty

    return list(ContractParty.objects.filter(contract_id=contract_id).values_list("organization_id", flat=True))


#: model label → the organisations whose facts a saved or deleted row of it changes (the situation the engine reads:
#: policy.services._situations and the POLICY_EVENT_SOURCES; techmarket writes its events as Recognition rows).
SOURCES: dict[str, Any] = {
    "registry.Organization": lambda o: [o.pk],
    "registry.AnnualFacts": lambda o: [o.organization_id],
    "registry.Qualification": lambda o: [o.organization_id],
    "registry.Recognition": lambda o: [o.organization_id],
    "registry.PlatformMembership": lambda o: [o.organization_id],
    "scifinance.Loan": _loan_parties,
    "scifinance.Repayment": lambda o: _loan_parties(o.loan),
    "scifinance.LossClaim": lambda o: _loan_parties(o.loan),
    "scifinance.InsurancePolicy": lambda o: [o.insured_id, o.insurer.organization_id],
    "techmarket.TechContract": lambda o: _contract_parties(o.pk),
    "techmarket.ContractPayment": lambda o: _contract_parties(o.contract_id),
}


def sources() -> list[Any]:
    from django.apps import apps

    return [apps.get_model(label) for label in SOURCES if apps.is_installed(label.split(".")[0])]


def source_changed(sender: Any, instance: Any, **_: Any) -> None:
    """post_save/post_delete of a row the engine reads: its organisations' kept rows go stale once it commits."""
    try:
        ids = SOURCES[sender._meta.label](instance)
    except Exception:  # noqa: BLE001 - a related row already gone (a cascade): stale for everyone, never wrong
        ids = ["*"]
    facts_changed(ids)


def import_done(organization_ids: Iterable[int] | None = None, **_: Any) -> None:
    """registry_imported (an Excel import, sent after its commit): its rows were written in bulk, without signals.
    The organisations it wrote go stale; every organisation when the sender does not say which."""
    facts_changed(["*"] if organization_ids is None else organization_ids)

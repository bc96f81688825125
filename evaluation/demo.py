"""Plant a known effect (or a known null) in a generated demo city, so that an evaluation can be checked against it.

``plant("B.09.rd_growth_subsidy", effect=0.08, years=range(2023, 2026))`` goes through the qualifying years in order:
the firms the provision's own rule finds eligible that year (``evaluation.provisions``) claim with probability
``claim_share`` (a trait of the firm, drawn once, independent of its figures: some firms never claim); each claiming
firm is paid once, in its first eligible year, the provision's amount, written as a paid claim with its ledger
entries (``funding.demo.record_paid_claims``); and from the next year on its outcome is ``1 + effect`` times what the
generator made (``effect=0``: the known null). Later years' eligibility is read from the changed figures, as it
would be in a real city. ``pretrend`` makes the paid firms' outcome grow that much faster per year *before* payment
(a city in which a difference-in-differences must refuse to report). Everything here is 示范数据.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import transaction

from evaluation.data import load_panel
from evaluation.provisions import OUTCOMES, SPECS


@dataclass
class Planted:
    provision_id: str
    effect: float
    paid_by_year: dict[int, int] = field(default_factory=dict)
    amount: float = 0.0
    facts_changed: int = 0


def _last_fact_year() -> int:
    from django.db.models import Max

    from registry.models import AnnualFacts

    return int(AnnualFacts.objects.aggregate(m=Max("year"))["m"] or 0)


def plant(provision_id: str, effect: float, years: Iterable[int], claim_share: float = 0.6, seed: int = 11,
          outcome: str = "rd_expense", pretrend: float = 0.0) -> Planted:
    from funding.money import record_demo_paid_claims as record_paid_claims
    from registry.models import AnnualFacts

    spec, out = SPECS[provision_id], OUTCOMES[outcome]
    years = sorted(set(years))
    last = _last_fact_year()
    panel = load_panel(years[0] - max(spec.lags, 2), last, (*spec.fields, out.key))
    rng = np.random.default_rng(seed)
    claimer = rng.random(panel.n) < claim_share
    paid_before = np.zeros(panel.n, dtype=bool)
    values = panel.values[out.key]
    original = values.copy()
    planted = Planted(provision_id, effect)
    rows: list[tuple[int, int, Decimal]] = []
    for year in years:
        design = spec.design(panel, year) if panel.has(year) else None
        if design is None:
            continue
        pay = design.eligible & claimer & ~paid_before & (design.amount > 0)
        idx = np.flatnonzero(pay)
        rows += [(int(panel.ids[i]), year, Decimal(f"{design.amount[i]:.2f}")) for i in idx]
        planted.paid_by_year[year] = len(idx)
        planted.amount += float(design.amount[idx].sum())
        paid_before |= pay
        later = [j for j, y in enumerate(panel.years) if y > year]
        if effect and later:
            values[np.ix_(idx, later)] *= 1.0 + effect
        earlier = [(j, year - y) for j, y in enumerate(panel.years) if y < year]
        if pretrend and earlier:
            for j, k in earlier:
                values[idx, j] *= (1.0 - pretrend) ** k
    changed = np.argwhere(np.isfinite(values) & (np.abs(values - original) > 0.005))
    with transaction.atomic():
        if len(changed):
            by_key = {(int(panel.ids[i]), panel.years[j]): values[i, j] for i, j in changed}
            orgs = sorted({k[0] for k in by_key})
            objects = []
            for start in range(0, len(orgs), 5000):
                for pk, org, year in AnnualFacts.objects.filter(
                        organization_id__in=orgs[start:start + 5000], year__in=panel.years).values_list(
                        "pk", "organization_id", "year"):
                    v = by_key.get((org, year))
                    if v is not None:
                        objects.append(AnnualFacts(pk=pk, **{out.key: Decimal(f"{v:.2f}") if out.money
                                                            else int(round(v))}))
            AnnualFacts.objects.bulk_update(objects, [out.key], batch_size=2000)
            planted.facts_changed = len(objects)
        document, _, article = spec.citation.partition(" ")
        record_paid_claims(provision_id, spec.title, document, article, rows)
    return planted

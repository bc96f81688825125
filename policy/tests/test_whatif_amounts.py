"""Issue 11: the what-if's counts and amounts without explanations (policy.whatif.applies) are those the explanations
give (status "applies": one result counted once, its amount rounded to the fen), per organisation and provision."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

#: Changed parameters: an organisation-year rate, a per-event amount, a cap, a split reward (B 第1条).
CHANGES = [None, {"b.art_09.rate": "0.3"}, {"a.art_14.patent_volume_threshold": "2"}, {"b.art_14.cap": "100000"},
           {"b.art_01.provincial_platform": "600000"}]


def _by_explanations(facts, year, overrides):
    from policy import services

    tbs = services._system(year, services._check_overrides(overrides),
                           tuple(sorted(services._interpretation_settings(None).items())))
    arrays = services.compute(facts, year, tbs)
    results = services.explain(facts.rows(), arrays, year, tbs)
    out = defaultdict(lambda: [np.zeros(facts.n, np.int64), np.zeros(facts.n, np.int64)])
    for i, lst in enumerate(results):
        for r in lst:
            if r.status == "applies":
                out[r.provision_id][0][i] += 1
                out[r.provision_id][1][i] += int(r.amount * 100)
    return out, tbs, arrays


def _check(facts, year, overrides):
    from policy import whatif

    want, tbs, arrays = _by_explanations(facts, year, overrides)
    have = whatif.applies(facts, arrays, year, tbs)
    for pid in set(want) | set(have):
        count, cents = have.get(pid, (np.zeros(facts.n, np.int64), np.zeros(facts.n, np.int64)))
        assert count.tolist() == want[pid][0].tolist(), (pid, year, overrides)
        assert cents.tolist() == want[pid][1].tolist(), (pid, year, overrides)
    return sum(int(c.sum()) for c, _ in have.values())


def _known(overrides):
    from policy import services

    try:
        services._check_overrides(overrides)
    except services.PolicyInputError:
        return False
    return True


def test_seeded_situations_every_provision():
    from policy import services
    from policy.facts import Facts
    from policy.tests.test_demo_city_identical import _situations

    by_year = defaultdict(list)
    for year, situation in _situations(1500):
        by_year[year].append(services.normalise_situation(situation, year))
    hits = 0
    for year, rows in by_year.items():
        facts = Facts.from_rows(rows, year)
        for overrides in CHANGES:
            if _known(overrides):
                try:
                    hits += _check(facts, year, overrides)
                except services.PolicyInputError:  # parameter not in force that year
                    continue
    assert hits > 300


@pytest.mark.django_db
def test_demo_city_2024(monkeypatch):
    from policy import facts
    from registry import demo
    from registry.models import Organization

    monkeypatch.setattr(demo, "LAST_YEAR", 2026)
    demo.generate(enterprises=400, seed=7, chunk_size=400, fact_years=(2021, 2025), with_accounts=False)
    f, bad = facts.load(list(Organization.objects.order_by("id").values_list("id", flat=True)), 2024)
    assert not bad
    assert sum(_check(f, 2024, overrides) for overrides in CHANGES if _known(overrides)) > 100

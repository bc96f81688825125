"""Issue 11: the what-if's counts and amounts without explanations (policy.whatif.applies: each declared explanation's
vectorised ``tally``, numpy on the arrays) are those the explanations give (status "applies": one result counted once,
its amount rounded to the fen), per organisation and provision, under the current and changed parameters."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

#: Changed parameters: an organisation-year rate, a per-event amount, a cap, a split reward (B 第1条), a threshold on
#: the certification date (B 第17条), a matching ratio, a per-unit cap, rates and caps of the Custom articles.
CHANGES = [None, {"b.art_09.rate": "0.3"}, {"a.art_14.patent_volume_threshold": "2"}, {"b.art_14.cap": "100000"},
           {"b.art_01.provincial_platform": "600000"},
           {"b.art_17.cagr_threshold": "0.05", "b.art_22.provincial_award_matching_ratio": "0.5",
            "b.art_25.loan_interest_cap": "1000", "b.art_25.evaluation_fee_rate": "0.5", "b.art_27.loan_cap": "1000000",
            "b.art_14.rate": "0.123"},
           {"a.art_16.incubatee_upgrade_cap": "50000", "a.art_14.provincial_award_matching_ratio": "0.5"}]


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


def _check(facts, year, overrides, fallback=False):
    from policy import whatif

    want, tbs, arrays = _by_explanations(facts, year, overrides)
    have = _by_fallback(facts, arrays, year, tbs) if fallback else whatif.applies(facts, arrays, year, tbs)
    for pid in set(want) | set(have):
        count, cents = have.get(pid, (np.zeros(facts.n, np.int64), np.zeros(facts.n, np.int64)))
        assert count.tolist() == want[pid][0].tolist(), (pid, year, overrides)
        assert cents.tolist() == want[pid][1].tolist(), (pid, year, overrides)
    return sum(int(c.sum()) for c, _ in have.values())


def _by_fallback(facts, arrays, year, tbs):
    """The tally of every Custom article without its vectorised ``applies`` (per candidate through ``explain``)."""
    import dataclasses

    from policy.explain import Custom, tally
    from policy.jurisdiction import Jurisdiction, current

    j = current()
    stripped = [dataclasses.replace(p, explanation=dataclasses.replace(p.explanation, applies=None))
                if isinstance(p.explanation, Custom) else p for p in j.provisions]
    return tally(facts.rows(), arrays, year, tbs, Jurisdiction(**{**{f.name: getattr(j, f.name)
                                                                     for f in dataclasses.fields(j)},
                                                                  "provisions": stripped}))


def _known(overrides):
    """Every changed parameter exists and its value is within bounds (the test never skips a change silently)."""
    from policy import services

    services._check_overrides(overrides)
    return True


def _every_path(years=(2022, 2024)) -> list[tuple[int, dict]]:
    """For every path of every rule table, a situation whose events fit it (two events where the rule has a yearly
    cap, amounts large enough for thresholds and caps), in a year of each document: the seeded situations reach few
    of the tables."""
    from policy import services
    from policy.jurisdiction import current

    services._base_system()  # the rule tables are declared with the variables
    out = []
    for rule in current().rules.values():
        for path in rule.paths:
            for year in years:
                events = [{"kind": path.kind, "subject": path.subjects[k % len(path.subjects)],
                           "level": path.levels[0] if path.levels else "", "grade": path.grades[0] if path.grades else "",
                           "role": path.role, "occurred_on": f"{year}-0{k + 4}-15", "amount": str(30_000_000 * (k + 1))}
                          for k in range(2 if rule.cap else 1)]
                quals = [{"kind": q.removeprefix("is_"), "valid_from": f"{year - 1}-01-01", "valid_to": f"{year + 2}-12-31"}
                         for q in path.quals[:1] if q != "is_sme"]
                sit = {"kind": path.org_kinds[0] if path.org_kinds else "enterprise", "region": "371002",
                       "qualifications": quals, "recognitions": events, "annual_facts": {}}
                if "is_sme" in path.quals[:1]:  # 中小微企业 (issue 27 item 2): a declared size
                    sit["sme_size"] = "small"
                out.append((year, sit))
    return out


def test_seeded_situations_every_provision():
    from policy import services
    from policy.facts import Facts
    from policy.tests.test_demo_city_identical import _situations

    by_year = defaultdict(list)
    for year, situation in _situations(1500):
        by_year[year].append(services.normalise_situation(situation, year))
    for year, situation in _every_path():
        by_year[year].append(services.normalise_situation(situation, year, strict=False))
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


def test_every_custom_article_declares_its_tally():
    """No article leaves the what-if to its sentences: each Custom explanation has a vectorised ``applies``."""
    from policy.explain import NOTHING, Custom
    from policy.jurisdiction import load

    for name in ("policy_weihai", "policy.tests.fictional_city"):
        for p in load(name).provisions:
            if isinstance(p.explanation, Custom) and p.explanation is not NOTHING:
                assert p.explanation.applies is not None, (name, p.id)


def test_fallback_through_explain_for_a_custom_without_applies():
    from policy import services
    from policy.facts import Facts
    from policy.tests.test_demo_city_identical import _situations

    rows = [services.normalise_situation(s, 2024) for year, s in _situations(600) if year == 2024]
    assert _check(Facts.from_rows(rows, 2024), 2024, None, fallback=True) > 20


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

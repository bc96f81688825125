"""Acceptance (issue 29): an effect planted by the demo generator is found by both methods, and a planted null is
found to be null — on a generated city of 2,000 enterprises, through the background job.

Planted: firms paid under B 第9条 (研发投入递增补助) raise their R&D expense by 8 % from the next year on (on the log
scale the evaluation estimates, log 1.08 = 0.077); firms paid under B 第17条 (高企成长性奖励) change nothing. Claims
are made by 60 % of eligible firms, chosen at random, so the paid and unpaid eligible firms differ only by chance.
"""

from __future__ import annotations

import math

import pytest

from evaluation.tests.conftest import YEARS

pytestmark = pytest.mark.django_db

EFFECT = 0.08


@pytest.fixture
def planted_city(db):
    from evaluation.demo import plant
    from registry.demo import generate

    generate(enterprises=2000, seed=7, with_accounts=False)
    effect = plant("B.09.rd_growth_subsidy", effect=EFFECT, years=range(YEARS[0], YEARS[1] + 1), seed=11)
    null = plant("B.17.hte_growth_reward", effect=0.0, years=range(YEARS[0], YEARS[1] + 1), seed=12)
    return effect, null


def test_planted_effect_and_null_are_found_by_both_methods(planted_city, users, immediate_queue, client):
    from evaluation import services
    from evaluation.models import EvaluationRun

    effect, null = planted_city
    assert sum(effect.paid_by_year.values()) >= 150 and sum(null.paid_by_year.values()) >= 150
    planted = math.log1p(EFFECT)
    runs = {}
    for provision_id in ("B.09.rd_growth_subsidy", "B.17.hte_growth_reward"):
        run = services.start_run(users["bureau"], provision_id, "rd_expense", *YEARS)
        assert run.status == EvaluationRun.Status.DONE, run.error
        runs[provision_id] = run
    r = runs["B.09.rd_growth_subsidy"].result
    n = runs["B.17.hte_growth_reward"].result
    for method in ("rd", "did"):
        assert r[method]["reason"] == "" and n[method]["reason"] == "", (r[method]["reason"], n[method]["reason"])
        assert r[method]["ci_low"] <= planted <= r[method]["ci_high"], (method, r[method])
        assert n[method]["ci_low"] <= 0.0 <= n[method]["ci_high"], (method, n[method])
    # the planted effect is told apart from nothing by the difference-in-differences' point estimate being positive
    assert r["did"]["estimate"] > 0
    # sizes match what was planted: every paid firm is counted, in its year
    assert {c["year"]: c["paid"] for c in r["cohorts"]} == effect.paid_by_year
    assert r["paid_firms"] == sum(effect.paid_by_year.values())
    assert r["comparison"]["kind"] == "eligible_unpaid"
    assert r["rd"]["details"]["design"] == "fuzzy"  # 60 % of eligible firms claimed
    # the page shows the figures and the plain-Chinese finding with its interval
    client.force_login(users["bureau"])
    page = client.get(f"/evaluation/runs/{runs['B.09.rd_growth_subsidy'].pk}/").content.decode()
    assert f'<b id="paid-firms">{r["paid_firms"]}</b>' in page
    assert r["did"]["sentence"] in page and "95% 置信区间" in r["did"]["sentence"]
    assert "获得补助的企业次年研发投入平均" in r["did"]["sentence"]
    assert "断点回归" in page and "双重差分" in page


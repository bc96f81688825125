"""Guards (issue 29): too few paid firms gives "样本不足" instead of a number; a provision without a sharp threshold
gives no regression discontinuity and says why; a planted pre-trend makes the difference-in-differences refuse."""

from __future__ import annotations

import pytest

from evaluation.tests.conftest import YEARS

pytestmark = pytest.mark.django_db


def test_too_few_paid_firms_reports_sample_too_small(db, users, immediate_queue, client):
    from evaluation import services
    from evaluation.demo import plant
    from registry.demo import generate

    generate(enterprises=300, seed=7, with_accounts=False)
    planted = plant("B.09.rd_growth_subsidy", effect=0.08, years=range(YEARS[0], YEARS[1] + 1), claim_share=0.5)
    paid = sum(planted.paid_by_year.values())
    assert 0 < paid < 30
    run = services.start_run(users["bureau"], "B.09.rd_growth_subsidy", "rd_expense", *YEARS)
    r = run.result
    for method in ("rd", "did"):
        assert r[method]["estimate"] is None
        assert r[method]["reason"].startswith("样本不足"), r[method]["reason"]
        assert r[method]["sentence"] == r[method]["reason"]
    assert r["paid_firms"] == paid
    assert "没有可用的效应估计" in r["cost_effectiveness"]["reason"]
    client.force_login(users["bureau"])
    page = client.get(f"/evaluation/runs/{run.pk}/").content.decode()
    assert "样本不足" in page and f'<b id="paid-firms">{paid}</b>' in page


def test_no_payments_and_no_threshold(db, users, immediate_queue):
    """A 第7条 (high-tech certification reward): certification is the threshold, with no running variable."""
    from evaluation import services
    from registry.demo import generate

    generate(enterprises=300, seed=7, with_accounts=False)
    r = services.start_run(users["bureau"], "A.07.hte_reward", "rd_expense", 2020, 2022).result
    assert r["rd"]["reason"].startswith("无明确门槛")
    assert r["did"]["reason"].startswith("样本不足")
    assert r["paid_firms"] == 0


def test_pretrend_differs_withholds_the_difference_in_differences(db, users, immediate_queue):
    """Paid firms' R&D was already growing 15 % a year faster before payment: the pre-trend test must catch it."""
    from evaluation import services
    from evaluation.demo import plant
    from registry.demo import generate

    generate(enterprises=1200, seed=3, with_accounts=False)
    plant("B.17.hte_growth_reward", effect=0.0, years=range(YEARS[0], YEARS[1] + 1), pretrend=0.15)
    did = services.start_run(users["bureau"], "B.17.hte_growth_reward", "rd_expense", *YEARS).result["did"]
    assert did["estimate"] is None
    assert did["reason"].startswith("事前趋势不同"), did["reason"]
    assert did["details"]["pretrend_p"] < 0.05


def test_bad_requests_get_a_chinese_message_naming_the_field(users):
    from evaluation import services

    for args, field in ((("X.1", "rd_expense", 2023, 2025), "provision_id"),
                        (("B.09.rd_growth_subsidy", "profit", 2023, 2025), "outcome"),
                        (("B.09.rd_growth_subsidy", "rd_expense", "二〇二三", 2025), "year_from"),
                        (("B.09.rd_growth_subsidy", "rd_expense", 2025, 2023), "year_to")):
        with pytest.raises(services.EvaluationInputError) as exc:
            services.check_request(*args)
        assert exc.value.field == field
    with pytest.raises(services.EvaluationInputError):
        services.start_run(users["district"], "B.09.rd_growth_subsidy", "rd_expense", 2023, 2025)

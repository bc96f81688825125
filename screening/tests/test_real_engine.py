"""Contract with the policy engine (policy.services, issue 3): screening, what-if and calculator end to end."""

from __future__ import annotations

import pytest

from accounts.models import User
from policy import services as engine
from registry.models import Organization
from screening import calculator, services
from screening.models import ScreeningRun

YEAR = 2024


def test_real_engine_screening_and_whatif(demo_city):
    bureau = User.objects.get(username="bureau")
    ids = list(Organization.objects.order_by("id").values_list("id", flat=True)[:120])
    run = services.start_run(bureau, year=YEAR, scope=ScreeningRun.Scope.LIST, organization_ids=ids)
    assert run.status == ScreeningRun.Status.DONE, run.error
    assert run.processed == 120
    for r in run.results.all()[:50]:
        assert r.document and r.title  # every amount carries its citation
    params = engine.tunable_parameters()
    assert params and {"path", "title", "unit", "min", "max", "value_now", "reference"} <= set(params[0])
    with pytest.raises(services.ScreeningInputError):
        services.start_run(bureau, year=YEAR, kind=ScreeningRun.Kind.WHATIF, overrides={params[0]["path"]: "-1"})
    with pytest.raises(services.ScreeningInputError):
        services.start_run(bureau, year=YEAR, kind=ScreeningRun.Kind.WHATIF, overrides={"no.such.parameter": "1"})
    whatif = services.start_run(bureau, year=YEAR, kind=ScreeningRun.Kind.WHATIF, scope=ScreeningRun.Scope.LIST,
                                organization_ids=ids, overrides={params[0]["path"]: str(params[0]["value_now"])})
    assert whatif.status == ScreeningRun.Status.DONE, whatif.error
    assert services.whatif_comparison(whatif).delta_amount == 0  # same value: no change


def test_real_engine_entity_page_and_calculator(demo_city):
    org = User.objects.get(username="enterprise").organization
    years = services.entitlements(org, [YEAR, YEAR - 1])
    assert [y["year"] for y in years] == [YEAR, YEAR - 1]
    result = calculator.evaluate({"year": YEAR, "kind": "enterprise", "region": "371002",
                                  "qualifications": ["tech_sme"], "newly_certified": ["high_tech_enterprise"],
                                  "sales_revenue": None, "rd_expense": None, "employees": None, "rd_staff": None,
                                  "platform_type": "", "platform_level": ""})
    assert isinstance(result.results, list)


def test_real_engine_pages(demo_city):
    from django.test import Client

    c = Client()
    data = {"year": YEAR, "kind": "enterprise", "region": "371002", "qualifications": ["tech_sme"],
            "newly_certified": ["high_tech_enterprise"], "sales_revenue": "30000000", "rd_expense": "3000000",
            "rd_expense_prev": "1500000", "platform_type": "key_laboratory", "platform_level": "provincial",
            "certified_on": f"{YEAR}-11-10", "platform_approved_on": f"{YEAR}-05-10"}
    text = c.post("/screening/calculator/", data).content.decode()
    assert "20 万元" in text and "威政发" in text and "接近符合（还差什么）" in text  # B 第17条 lacks Y-1 and Y-3
    c.force_login(User.objects.get(username="enterprise"))
    assert c.get(f"/screening/mine/?year={YEAR}").status_code == 200
    assert c.get(f"/api/screening/mine/?year={YEAR}").status_code == 200


@pytest.mark.parametrize("overrides", [{"b.art_09.rate": "0.3"}, {"b.art_01.provincial_platform": "600000"}])
def test_whatif_aggregates_equal_those_of_the_explanations(demo_city, overrides):
    """Issue 11: the what-if aggregates from arrays (no explanations) equal those built from explained results."""
    ids = list(Organization.objects.order_by("id").values_list("id", flat=True))
    regions = dict(Organization.objects.values_list("id", "region_id"))
    run = ScreeningRun.objects.create(kind=ScreeningRun.Kind.WHATIF, year=YEAR, overrides=overrides, total=len(ids))
    engine_overrides = services.overrides_for_engine(overrides)

    def cells(rows):
        return sorted((a.variant, a.provision_id, a.title, a.region_id_snapshot, a.is_ceiling, a.beneficiaries,
                       a.amount) for a in rows)

    fast = services._whatif_batch(0, run, ids, regions, engine_overrides, {})
    base = dict(services._evaluate_batch(ids, YEAR, None, {}))
    changed = dict(services._evaluate_batch(ids, YEAR, engine_overrides, {}))
    slow = (services._aggregate(0, run, "base", base, regions)
            + services._aggregate(0, run, "changed", changed, regions))
    assert cells(fast) == cells(slow)
    assert any(a.provision_id == services.ANY_PROVISION and a.beneficiaries for a in fast)

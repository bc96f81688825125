"""Issue 13: every provision the public calculator offers is computable from the facts its form asks for.

Each example in ``screening.calculator.OFFERED`` is posted through the page (as a visitor would) to the real
engine (policy.services), and the provision must apply with an amount: A 第5、7、10、15、16条, B 第1、9、17、29条.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from screening import calculator

BASE = {"kind": "enterprise", "region": "371002"}


@pytest.fixture
def reference(db):
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)


@pytest.mark.parametrize("provision_id", list(calculator.OFFERED))
def test_each_offered_provision_is_computable_from_the_form(reference, provision_id):
    data = {**BASE, **calculator.OFFERED[provision_id]}
    form = calculator.CalculatorForm(data)
    assert form.is_valid(), form.errors
    result = calculator.evaluate(form.cleaned_data)
    hit = next(r for r in result.results if str(r.provision_id) == provision_id)
    assert hit.status == "applies", (hit.explanation, hit.missing)
    assert Decimal(hit.amount or 0) > 0
    page = Client().post("/screening/calculator/", data).content.decode()
    assert hit.title in page


def test_b17_needs_and_asks_for_the_year_before(reference):
    """B 第17条: 近3年销售收入复合增长率≥10% → 5 万元. The form asks Y-3, Y-1 and Y sales (the rule reads Y-1)."""
    form = calculator.CalculatorForm({**BASE, **calculator.OFFERED["B.17.hte_growth_reward"]})
    assert {"sales_revenue", "sales_revenue_prev", "sales_revenue_3y"} <= set(form.fields)
    assert form.is_valid()
    hit = next(r for r in calculator.evaluate(form.cleaned_data).results if r.provision_id == "B.17.hte_growth_reward")
    assert hit.status == "applies" and Decimal(hit.amount) == Decimal(50000)


def test_dates_are_asked_not_invented(reference):
    data = {**BASE, "year": 2025, "newly_certified": ["high_tech_enterprise"]}
    form = calculator.CalculatorForm(data)
    assert not form.is_valid() and "认定日期" in form.errors["certified_on"][0]
    form = calculator.CalculatorForm({**data, "certified_on": "2024-11-10"})
    assert not form.is_valid() and "2025年" in form.errors["certified_on"][0]
    form = calculator.CalculatorForm({**BASE, "year": 2025, "platform_type": "incubator", "platform_level": "national"})
    assert not form.is_valid() and "获批日期" in form.errors["platform_approved_on"][0]


def test_results_only_show_offered_provisions(reference):
    form = calculator.CalculatorForm({**BASE, **calculator.OFFERED["B.09.rd_growth_subsidy"]})
    assert form.is_valid()
    assert {str(r.provision_id) for r in calculator.evaluate(form.cleaned_data).results} <= set(calculator.OFFERED)


def test_recertification_is_asked_a_art7(reference):
    """A 第7条: 新认定 20 万元, 重新认定 10 万元 — the form asks which."""
    base = {**BASE, **calculator.OFFERED["A.07.hte_reward"]}
    amounts = {}
    for kind in ("first_certification", "recertification"):
        form = calculator.CalculatorForm({**base, "certification": kind})
        assert form.is_valid(), form.errors
        hit = next(r for r in calculator.evaluate(form.cleaned_data).results if r.provision_id == "A.07.hte_reward")
        amounts[kind] = Decimal(hit.amount)
    assert amounts == {"first_certification": Decimal(200000), "recertification": Decimal(100000)}

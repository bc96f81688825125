"""Issue 26 item 13 / issue 27 item 4: a near miss never reads as the threshold it misses — the figure is shown
with enough digits to differ from it, in the engine's text, hence on every page, export and API answer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from policy.explain import pct_short_of, wan_short_of
from policy.tests.helpers import event, situation

#: B 第17条: 复合增长率 ≥ 10%. 20,000,000 × 1.0995² = 24,178,005: a growth of 9.95% a year.
B17 = {"year": 2025, "kind": "enterprise", "region": "371002", "newly_certified": ["high_tech_enterprise"],
       "certified_on": "2025-11-10", "sales_revenue": "30000000", "sales_revenue_prev": "24178005",
       "sales_revenue_3y": "20000000"}


def test_the_figures_keep_the_digits_that_tell_them_from_the_threshold():
    assert pct_short_of(0.0995, 0.10) == "9.95%" and pct_short_of(0.05, 0.10) == "5%"
    assert pct_short_of(0.12, 0.10) == "12%"
    assert wan_short_of(999999.99, 1000000) == "999,999.99 元" and wan_short_of(990000, 1000000) == "99 万元"


@pytest.fixture
def reference(db):
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)


def test_b17_growth_of_9_95_percent_on_the_calculator_page(reference):
    """B 第17条: the calculator (a page) says 9.95%, not "10%，未达到 10%"."""
    page = Client().post("/screening/calculator/", B17).content.decode()
    assert "复合增长率 9.95%，未达到 10%" in page
    assert "10%，未达到 10%" not in page


def test_b15_investment_of_999999_99_yuan_in_the_api(reference):
    """B 第15条: 实物工作量不低于 100 万元; 999,999.99 元 is a miss, and the API says so in 元."""
    from accounts.models import User

    User.objects.create_user("staff", password="x", role="bureau")
    c = Client()
    c.login(username="staff", password="x")
    sit = situation(events=[event("other", "2024-03-01", "cooperation_event_startup", amount="999999.99")])
    resp = c.post("/api/policy/evaluate/", {"situation": sit, "period": "2024"}, content_type="application/json")
    near = next(r for r in resp.json()["results"] if r["provision_id"] == "B.15.startup_landing_ceiling")
    assert near["status"] == "near" and Decimal(near["amount"]) == 0
    assert "实物工作量 999,999.99 元，未达到 100 万元" in near["missing"]

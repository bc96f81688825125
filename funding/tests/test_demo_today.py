"""Issue 24 item 8: the funding demo lives today — on any day it is built, last year's programme has claims waiting
at every role's step (the demo district's 初审 on the demo enterprise's claim, the enterprise's own 确认, the bureau's
公示期满, finance's 拨付) and this year's programme is open with its budget confirmed. Checked today and two years on."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from funding import demo
from funding.models import Claim, Programme
from registry.demo import FIRST_YEAR
from registry.demo import generate as generate_city
from worklist.tasks import groups_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("years_on", [0, 2])
def test_every_demo_login_finds_claims_waiting(years_on):
    today = dt.date.today().replace(year=dt.date.today().year + years_on)
    generate_city(enterprises=300, seed=7, fact_years=(FIRST_YEAR, today.year))
    assert demo.generate(today=today) != {"skipped": 1}
    assert demo.generate(today=today) == {"skipped": 1}, "a second run changes nothing"
    for year in (today.year - 1, today.year):
        programme = Programme.objects.get(name=demo.NAME, year=year)
        assert programme.budget_lines.exists()
        assert not programme.budget_lines.filter(confirmed_at__isnull=True).exists()
    enterprise = User.objects.get(username="enterprise")
    district = User.objects.get(username="district")
    assert enterprise.organization.region_id == district.region_id, "the demo district covers the demo enterprise"
    assert Claim.objects.filter(organization__region=district.region, state="district_check").exists()

    def labels(username: str) -> set[str]:
        return {g.label for g in groups_for(User.objects.get(username=username), today)}

    assert "待区市初审的申报" in labels("district")
    assert "待本单位确认的免申即享申报" in labels("enterprise")
    assert {"公示期满、待确认的申报", "待形式审查的申报", "待决定资助金额的申报"} <= labels("bureau")
    assert {"待拨付的申报", "已拨付、待导入银行回单的付款"} <= labels("finance")

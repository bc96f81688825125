"""Issue 26 items 17 and 29: a figure entered by hand says who entered it and from which source; the change history
speaks plain Chinese (no annualfacts, organization, page or demo→statistics)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role, User
from registry.models import AnnualFacts, Organization, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_with_facts():
    region = Region.objects.filter(kind="division").first()
    org = Organization.objects.create(name="甲科技有限公司", uscc="91350100M000100Y43", kind="enterprise", region=region)
    AnnualFacts.objects.create(organization=org, year=2024, sales_revenue=1_000_000, source=AnnualFacts.Source.DEMO)
    return org


def test_staff_names_the_source_and_the_history_reads_plainly(org_with_facts):
    org = org_with_facts
    User.objects.create_user("staff", password="x", role=Role.BUREAU, first_name="张科长")
    c = Client()
    c.login(username="staff", password="x")
    url = f"/registry/{org.pk}/facts/2024/"
    page = c.get(url).content.decode()
    assert "数据来源" in page and "税务部门" in page
    # demo figures have no source staff may claim: saving without saying where the figures come from is refused
    response = c.post(url, {"sales_revenue": "1200000"})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    assert AnnualFacts.objects.get(organization=org).sales_revenue == 1_000_000
    response = c.post(url, {"sales_revenue": "1200000", "source": "tax"})
    assert response.status_code == 302
    facts = AnnualFacts.objects.get(organization=org)
    assert facts.source == "tax" and facts.entered_by.username == "staff"
    profile = c.get(f"/registry/{org.pk}/").content.decode()
    assert "税务部门（张科长 录入）" in profile
    history = profile[profile.index('id="changes"'):]
    assert "页面填报" in history and "年度数据 2024 年" in history and "示范数据" in history
    for word in ("annualfacts", "organization", ">page<", "statistics", ">demo<", ">tax<"):
        assert word not in history, word
    # a second save, unchanged, keeps the source staff chose
    assert 'value="tax" selected' in c.get(url).content.decode()


def test_an_enterprise_is_not_asked_for_a_source(org_with_facts):
    org = org_with_facts
    User.objects.create_user("ent", password="x", role=Role.ENTERPRISE, organization=org)
    c = Client()
    c.login(username="ent", password="x")
    url = f"/registry/{org.pk}/facts/2024/"
    assert "数据来源" not in c.get(url).content.decode()
    assert c.post(url, {"sales_revenue": "1300000"}).status_code == 302
    assert AnnualFacts.objects.get(organization=org).source == "self"

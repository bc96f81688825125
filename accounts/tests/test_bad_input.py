"""Bad input never gives a 500 and bad data cannot be stored (issue 12)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from registry import excel
from registry.models import AnnualFacts

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("url", ["/registry/?q=%00", "/registry/people/?q=%00", "/api/registry/organizations/?q=%00",
                                 "/registry/?q=a%00b&kind=enterprise"])
def test_nul_byte_in_search_is_a_chinese_400(parties, url):
    response = _client(parties.users["bureau"]).get(url)
    assert response.status_code == 400
    assert "无效字符" in response.content.decode()


def test_json_array_body_to_public_calculator_is_a_400(db):
    response = Client().post("/api/screening/calculator/", "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "JSON 对象" in response.json()["detail"]


def test_broken_json_is_a_400(parties):
    response = _client(parties.users["bureau"]).post("/api/screening/runs/", "{bad", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("overrides", [[1, 2], "x", 5])
def test_overrides_that_are_not_an_object_are_a_400(parties, overrides):
    body = {"kind": "whatif", "year": 2024, "scope": "all", "overrides": overrides}
    response = _client(parties.users["bureau"]).post("/api/screening/runs/", json.dumps(body),
                                                     content_type="application/json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("year", [7, 1800, 9999])
def test_enterprise_cannot_post_a_year_7(parties, year):
    """Issue 12: yearly facts for year 7 stopped every city-wide screening run."""
    org = parties.own_org
    response = _client(parties.users["enterprise"]).post(
        f"/api/registry/organizations/{org.pk}/facts/", {"year": year, "sales_revenue": "100"},
        content_type="application/json")
    assert response.status_code == 400
    assert not AnnualFacts.objects.filter(organization=org, year=year).exists()


def test_database_refuses_insane_facts(parties):
    org = parties.own_org
    for bad in ({"year": 7}, {"year": 2020, "sales_revenue": Decimal("10") ** 13}, {"year": 2020, "employees": 10**8}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AnnualFacts.objects.create(organization=org, **bad)


def test_import_with_1e20_and_overlong_name_lists_errors(parties):
    data = excel.build_workbook(
        [["91371000MA3C00001B", "长" * 500, "企业", "高区", "", ""]],
        [[parties.district_org.uscc, 2023, "1e20", "", "", "", "99999999999", "", "", ""]],
    )
    result = excel.import_workbook(data, parties.users["bureau"])
    messages = [str(e) for e in result.errors]
    assert any("名称过长" in m for m in messages)
    assert any("1 万亿元" in m for m in messages)
    assert any("1000 万" in m for m in messages)


def test_observation_with_1e20_or_long_text_is_a_400(parties):
    from indicators.models import Indicator
    from indicators.services import plan_years

    ind = Indicator.objects.filter(districts=False).order_by("code").first() or Indicator.objects.first()
    c = _client(parties.users["bureau"])
    year = plan_years(ind)[0]
    r = c.post(f"/api/indicators/{ind.code}/observations/", {"year": year, "value": "1e20", "source": "x"},
               content_type="application/json")
    assert r.status_code == 400 and "过大" in json.dumps(r.json(), ensure_ascii=False)
    r = c.post(f"/api/indicators/{ind.code}/observations/", {"year": year, "value": "1", "source": "长" * 500},
               content_type="application/json")
    assert r.status_code == 400 and "过长" in json.dumps(r.json(), ensure_ascii=False)

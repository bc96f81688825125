"""Registry: credit codes, validation messages, visibility, dated qualifications, change history, Excel, API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from registry import excel
from registry.demo import generate
from registry.models import AnnualFacts, ChangeRecord, Organization, PlatformMembership, Qualification, Recognition
from registry.services import apply_changes, qualification_holds, save_annual_facts
from registry.uscc import check_character, make_uscc, uscc_error

pytestmark = pytest.mark.django_db


def test_uscc_check_character_gb32100():
    # Published example codes validate; a wrong 18th character is refused naming the expected one.
    assert uscc_error("91350100M000100Y43") is None
    assert uscc_error("91440300708461136T") is None
    assert check_character("91350100M000100Y4") == "3"
    message = uscc_error("91350100M000100Y44")
    assert "第18位应为“3”" in message
    assert "18位" in uscc_error("9135010")
    assert "不使用 I、O、Z、S、V" in uscc_error("91350100M0001O0Y43")


def _org(demo, **kw) -> Organization:
    return Organization.objects.filter(kind="enterprise", **kw).order_by("id").first()


def test_demo_city_is_deterministic_and_consistent(demo_city):
    assert demo_city.enterprises == 300
    orgs = Organization.objects.filter(kind="enterprise")
    assert orgs.count() == 300
    assert all(uscc_error(code) is None for code in orgs.values_list("uscc", flat=True))
    # Every platform has a lead organisation and an approval event dated on or before today.
    platform = Organization.objects.filter(kind="platform").first()
    assert PlatformMembership.objects.filter(platform=platform, role="lead").exists()
    assert Recognition.objects.filter(platform=platform, kind="platform_approval").get().occurred_on <= dt.date.today()
    assert {"bureau", "district", "enterprise", "expert"} <= set(User.objects.values_list("username", flat=True))


def test_demo_default_size_matches_plan_2020_and_2025_counts():
    # Document C, 二(三): 738 high-tech enterprises and 1,136 tech SMEs in 2020; targets 1,500 and 2,500 in 2025.
    summary = generate(enterprises=4000, seed=7, fact_years=(2024, 2025), with_accounts=False)
    assert summary.counts_by_year["high_tech_enterprise"][2020] == 738
    assert summary.counts_by_year["high_tech_enterprise"][2025] == 1500
    assert summary.counts_by_year["tech_sme"][2020] == 1136
    assert summary.counts_by_year["tech_sme"][2025] == 2500


def test_high_tech_status_on_a_date_uses_inclusive_validity_window(demo_city):
    org = _org(demo_city)
    Qualification.objects.filter(organization=org).delete()
    Qualification.objects.create(organization=org, kind="high_tech_enterprise", certification="first_certification",
                                 valid_from=dt.date(2021, 12, 15), valid_to=dt.date(2024, 12, 14))
    assert not qualification_holds(org, "high_tech_enterprise", dt.date(2021, 12, 14))
    assert qualification_holds(org, "high_tech_enterprise", dt.date(2021, 12, 15))
    assert qualification_holds(org, "high_tech_enterprise", dt.date(2024, 12, 14))
    assert not qualification_holds(org, "high_tech_enterprise", dt.date(2024, 12, 15))


def test_bad_input_is_refused_with_field_and_fix(demo_city):
    org = _org(demo_city)
    with pytest.raises(ValidationError) as exc:
        apply_changes(None, org, {"uscc": org.uscc[:17] + ("0" if org.uscc[17] != "0" else "1")}, "test")
    assert "校验位错误" in exc.value.message_dict["uscc"][0]
    with pytest.raises(ValidationError) as exc:
        save_annual_facts(None, org, 2024, {"rd_expense": Decimal("-1")}, "test")
    assert "研发投入(元)不能为负数" in exc.value.message_dict["rd_expense"][0]
    membership = PlatformMembership(platform=Organization.objects.filter(kind="platform").first(), organization=org,
                                    role="participant", share_pct=Decimal("120"))
    with pytest.raises(ValidationError) as exc:
        membership.full_clean()
    assert "不能大于 100%" in exc.value.message_dict["share_pct"][0]
    event = Recognition(organization=org, kind="award", subject="x", occurred_on=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        event.full_clean()
    assert "不能晚于今天" in exc.value.message_dict["occurred_on"][0]
    other = Organization.objects.filter(kind="enterprise").exclude(pk=org.pk).first()
    with pytest.raises(ValidationError) as exc:
        apply_changes(None, other, {"uscc": org.uscc}, "test")
    assert "uscc" in exc.value.message_dict


def test_changes_are_recorded_with_who_when_old_and_new(demo_city):
    org = _org(demo_city)
    user = User.objects.get(username="bureau")
    old = org.legal_representative
    apply_changes(user, org, {"legal_representative": "张三"}, "page")
    change = ChangeRecord.objects.get(organization=org, field="法定代表人/负责人")
    assert (change.old_value, change.new_value, change.actor, change.channel) == (old, "张三", user, "page")
    assert apply_changes(user, org, {"legal_representative": "张三"}, "page") == []  # nothing changed, nothing recorded


def _rows(n: int, bad_row: int | None = None):
    orgs, facts = [], []
    for i in range(n):
        code = make_uscc(f"91371002TEK{i:06d}")
        region = "不存在区" if i == bad_row else "高区"
        orgs.append([code, f"威海导入测试{i}科技有限公司", "企业", region, "碳纤维及复合材料", "2015-06-01"])
        facts.append([code, 2024, 1200000 + i, 1100000, 60000, "是", 30, 5, 1, None])
    return orgs, facts


def test_excel_import_one_bad_row_among_a_thousand_imports_nothing(demo_city):
    before = Organization.objects.count()
    orgs, facts = _rows(1000, bad_row=637)
    facts[10][4] = -5  # a negative R&D expense in the facts sheet as well
    result = excel.import_workbook(excel.build_workbook(orgs, facts), None)
    assert not result.ok
    assert Organization.objects.count() == before
    messages = [str(e) for e in result.errors]
    assert any("主体 第639行 【区市/功能区】未知的区市或功能区“不存在区”" in m for m in messages)
    assert any("年度数据 第12行 【研发投入(元)】金额不能为负数" in m for m in messages)


def test_excel_good_file_imports_atomically_and_updates_are_recorded(demo_city):
    orgs, facts = _rows(1000)
    result = excel.import_workbook(excel.build_workbook(orgs, facts), None)
    assert result.ok, result.errors[:3]
    assert (result.organizations_created, result.facts_created) == (1000, 1000)
    facts[0][2] = 999
    result = excel.import_workbook(excel.build_workbook(orgs[:1], facts[:1]), None)
    assert result.facts_updated == 1
    org = Organization.objects.get(uscc=orgs[0][0])
    assert AnnualFacts.objects.get(organization=org, year=2024).sales_revenue == Decimal("999")
    assert ChangeRecord.objects.filter(organization=org, field="销售收入(元)", new_value="999.00").exists()


def test_import_template_downloads(client: Client, demo_city):
    client.login(username="bureau", password="demo12345")
    response = client.get("/registry/import/?template=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_pages_search_and_profile(client: Client, demo_city):
    client.login(username="bureau", password="demo12345")
    org = _org(demo_city)
    page = client.get("/registry/", {"q": org.name[2:6]})
    assert org.name in page.content.decode()
    assert client.get("/registry/", {"q": org.uscc}).context["page"].paginator.count == 1
    hte = client.get("/registry/", {"qualification": "high_tech_enterprise", "region": org.region.code})
    assert hte.status_code == 200
    profile = client.get(f"/registry/{org.pk}/").content.decode()
    assert org.uscc in profile and "梯次培育路径" in profile and "变更历史" in profile
    export = client.get("/registry/", {"kind": "platform", "export": "xlsx"})
    assert export.status_code == 200 and len(export.content) > 1000


def test_enterprise_account_sees_only_its_own_organization(client: Client, demo_city):
    user = User.objects.get(username="enterprise")
    other = Organization.objects.filter(kind="enterprise").exclude(pk=user.organization_id).first()
    client.login(username="enterprise", password="demo12345")
    assert client.get(f"/registry/{user.organization_id}/").status_code == 200
    assert client.get(f"/registry/{other.pk}/").status_code == 404
    assert client.get(f"/registry/{other.pk}/edit/").status_code == 404
    assert client.get(f"/api/registry/organizations/{other.pk}/").status_code == 404
    listing = client.get("/api/registry/organizations/").json()
    own_platforms = set(PlatformMembership.objects.filter(organization_id=user.organization_id)
                        .values_list("platform_id", flat=True))
    assert {o["id"] for o in listing["results"]} == {user.organization_id} | own_platforms  # issue 13: its platforms
    response = client.post(f"/registry/{user.organization_id}/facts/new/", {
        "year": 2025, "sales_revenue": "-10", "rd_expense": "100",
    })
    assert "不能为负数" in response.content.decode()  # the form comes back with the message and the typed values
    assert 'value="100"' in response.content.decode()


def test_api_token_filters_holds_and_facts(demo_city):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    token = Token.objects.create(user=User.objects.get(username="bureau"))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    data = api.get("/api/registry/organizations/", {"kind": "platform", "level": "national"}).json()
    assert data["count"] > 0 and all(o["kind"] == "platform" for o in data["results"])
    org = Qualification.objects.filter(kind="high_tech_enterprise").order_by("id").first()
    answer = api.get(f"/api/registry/organizations/{org.organization_id}/holds/",
                     {"kind": "high_tech_enterprise", "on": org.valid_from.isoformat()}).json()
    assert answer["holds"] is True
    bad = api.get(f"/api/registry/organizations/{org.organization_id}/holds/", {"kind": "nope", "on": "2024-01-01"})
    assert bad.status_code == 400 and "未知资质" in bad.json()["kind"]
    saved = api.post(f"/api/registry/organizations/{org.organization_id}/facts/", {"year": 2025, "rd_expense": "-3"}, format="json")
    assert saved.status_code == 400 and "不能为负数" in str(saved.json())
    saved = api.post(f"/api/registry/organizations/{org.organization_id}/facts/", {"year": 2025, "rd_expense": "300000"}, format="json")
    assert saved.status_code == 200 and saved.json()["rd_expense"] == "300000.00"
    assert api.get("/api/schema/").status_code == 200


def test_api_unknown_district_is_refused_in_chinese(demo_city):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(User.objects.get(username="bureau"))
    org = _org(demo_city)
    response = api.patch(f"/api/registry/organizations/{org.pk}/", {"region": "999999"}, format="json")
    assert response.status_code == 400
    assert "未知的区市或功能区编码“999999”" in response.json()["region"][0]


def test_home_page_counts_for_staff(client: Client, demo_city):
    client.login(username="district", password="demo12345")
    page = client.get("/").content.decode()
    assert "威海火炬高技术产业开发区科技创新主体概况" in page and "高新技术企业" in page


def test_people_directory_filters_by_kind(client: Client, demo_city):
    client.login(username="bureau", password="demo12345")
    page = client.get("/registry/people/", {"kind": "expert"})
    assert page.status_code == 200
    assert all(p.kind == "expert" for p in page.context["page"])
    client.login(username="enterprise", password="demo12345")
    assert client.get("/registry/people/").status_code == 404

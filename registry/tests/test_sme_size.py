"""Issue 27 item 2 in the registry: the facts that size an enterprise by 《中小企业划型标准规定》(工信部联企业〔2011〕300号)
— 所属行业 on the organisation, 资产总额 and a declared 企业规模 in its yearly facts — are kept, edited with their
history (pages, API, Excel) and read by screening and 我能享受的政策 (威政发〔2023〕5号 第25条 pays 中小微企业 only)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Role, User
from policy import services
from registry import excel
from registry.models import AnnualFacts, ChangeRecord, Organization, Region
from registry.uscc import make_uscc
from scifinance.models import Partner

pytestmark = pytest.mark.django_db

LOAN = "B.25.ip_loan_interest"


def _enterprise(name: str, code: str) -> Organization:
    """An enterprise of 环翠区 with an IP-pledge loan of 500 万元 signed 2024-03-15 at a partner bank (B 第25条: the
    loans come from scifinance, as registered by the bank)."""
    from scifinance import services as finance
    from scifinance.models import PartnerKind, Scheme

    region = Region.objects.get(code="371002")
    org = Organization.objects.create(name=name, uscc=make_uscc(f"91371000MA3H{code}"), kind="enterprise",
                                      region=region)
    bank = Partner.objects.filter(kind=PartnerKind.BANK).first()
    if bank is None:
        bea = User.objects.create_user("bea", password="x", role=Role.BUREAU)
        bank = finance.register_partner(bea, Organization.objects.create(
            kind="service_provider", provider_type="finance", name="威海示范银行", uscc=make_uscc("91371000MA3H09999"),
            region=region), PartnerKind.BANK)
        for scheme in Scheme.values:
            finance.file_partner(bea, bank, scheme, dt.date(2020, 1, 1))
        User.objects.create_user("banker", password="x", role="provider", organization=bank.organization)
    finance.register_loan(User.objects.get(username="banker"), bank, {
        "borrower_uscc": org.uscc, "product": "知识产权质押贷款", "contract_no": f"HT-{code}",
        "contract_date": "2024-03-15", "amount": "5000000", "term_months": "12", "rate": "3.45",
        "collateral": "知识产权质押"})
    return org


def _screened(org: Organization):
    """B 第25条's loan-interest result for ``org`` in 2024, from screening (columns) and from the entity's page
    (one situation): both must agree."""
    (org_id, rows), = services.evaluate_many([org.id], 2024)
    hit = [r for r in rows if r.provision_id == LOAN]
    one = [r for r in services.evaluate_organization(org, 2024).results if r.provision_id == LOAN]
    assert [r.to_dict() for r in hit] == [r.to_dict() for r in one]
    return hit[0]


def _login(username: str, **kw) -> Client:
    User.objects.create_user(username, password="x", **kw)
    c = Client()
    c.login(username=username, password="x")
    return c


def test_unknown_size_is_near_and_the_bureau_records_the_industry():
    """5,000 staff and 50 亿元 do not decide the size without the industry (建筑业 also reads 资产总额): near, naming
    what to provide; once the bureau records 工业, the enterprise is large (第四条（二）: 1000 人 and 4 亿元) and
    第25条 does not apply."""
    org = _enterprise("甲制造有限公司", "00001")
    AnnualFacts.objects.create(organization=org, year=2024, employees=5000, sales_revenue=Decimal("5000000000"))
    r = _screened(org)
    assert r.status == "near" and r.amount == 0
    assert "请在年度数据中填写从业人员、营业收入（销售收入）、资产总额，并在主体信息中选择所属行业" in r.missing
    assert "或在年度数据中申报企业规模" in r.missing and "从业人员 5000 人" in r.missing

    c = _login("staff", role=Role.BUREAU)
    page = c.get(f"/registry/{org.pk}/edit/").content.decode()
    assert "所属行业" in page and "软件和信息技术服务业" in page
    response = c.post(f"/registry/{org.pk}/edit/", {"name": org.name, "uscc": org.uscc, "region": org.region_id,
                                                    "industry_sector": "industry"})
    assert response.status_code == 302, response.content.decode()
    org.refresh_from_db()
    assert org.industry_sector == "industry"
    change = ChangeRecord.objects.get(organization=org, field="所属行业")
    assert change.old_value == "" and change.new_value == "工业"
    profile = c.get(f"/registry/{org.pk}/").content.decode()
    assert '<span id="industry-sector">工业</span>' in profile

    r = _screened(org)
    assert r.status == "not_applicable" and r.amount == 0
    assert "大型企业" in r.missing and "行业：工业" in r.missing


def test_an_enterprise_declares_its_size_on_its_own_facts_page():
    """No figures: near; the enterprise declares 小型企业 for 2024 on its facts page → 第25条 pays
    500 万元 × 上月（2024-02）1 年期 LPR 3.45% × 20% = 3.45 万元, on 我能享受的政策 too."""
    org = _enterprise("乙科技有限公司", "00002")
    assert _screened(org).status == "near"
    c = _login("ent", role=Role.ENTERPRISE, organization=org)
    page = c.get(f"/registry/{org.pk}/facts/new/").content.decode()
    assert "资产总额(元)" in page and "企业规模" in page and "小型企业" in page
    response = c.post(f"/registry/{org.pk}/facts/new/", {"year": "2024", "sme_size": "small",
                                                         "total_assets": "3000000"})
    assert response.status_code == 302, response.content.decode()
    facts = AnnualFacts.objects.get(organization=org, year=2024)
    assert facts.sme_size == "small" and facts.total_assets == Decimal("3000000")
    fields = dict(ChangeRecord.objects.filter(organization=org, record_key="2024").values_list("field", "new_value"))
    assert fields["企业规模"] == "小型企业" and fields["资产总额(元)"] == "3000000"
    profile = c.get(f"/registry/{org.pk}/").content.decode()
    assert "小型企业" in profile and "300 万元" in profile

    r = _screened(org)
    assert r.status == "applies" and r.amount == Decimal("34500.00")
    mine = c.get("/screening/mine/?year=2024").content.decode()
    assert "知识产权质押贷款贴息" in mine and "3.45 万元" in mine


def test_codes_are_checked_by_the_model():
    org = Organization(name="丙", uscc="91350100M000100Y43", kind="enterprise",
                       region=Region.objects.get(code="371002"), industry_sector="steel")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "industry_sector" in exc.value.message_dict
    facts = AnnualFacts(organization=org, year=2024, sme_size="big", total_assets=Decimal("-1"))
    with pytest.raises(ValidationError) as exc:
        facts.full_clean(exclude=["organization"])
    assert {"sme_size", "total_assets"} <= set(exc.value.message_dict)


def test_api_states_industry_assets_and_size():
    org = _enterprise("丁科技有限公司", "00003")
    c = _login("staff", role=Role.BUREAU)
    response = c.patch(f"/api/registry/organizations/{org.pk}/", {"industry_sector": "software_it"},
                       content_type="application/json")
    assert response.status_code == 200 and response.json()["industry_sector"] == "software_it"
    bad = c.patch(f"/api/registry/organizations/{org.pk}/", {"industry_sector": "steel"},
                  content_type="application/json")
    assert bad.status_code == 400 and "industry_sector" in bad.json()
    response = c.post(f"/api/registry/organizations/{org.pk}/facts/",
                      {"year": 2024, "employees": 80, "sales_revenue": "20000000", "total_assets": "30000000"},
                      content_type="application/json")
    assert response.status_code == 200 and response.json()["total_assets"] == "30000000.00"
    # 软件和信息技术服务业 (第四条（十一）): 80 人 and 2,000 万元 is small → paid
    assert _screened(org).amount == Decimal("34500.00")
    bad = c.post(f"/api/registry/organizations/{org.pk}/facts/", {"year": 2024, "sme_size": "big"},
                 content_type="application/json")
    assert bad.status_code == 400 and "sme_size" in bad.json()


def test_excel_template_import_and_export():
    c = _login("staff", role=Role.BUREAU)
    data = excel.build_workbook(
        [["91371000MA3C00000M", "戊制造有限公司", "企业", "环翠区", "", "2015-06-01", "工业"]],
        [["91371000MA3C00000M", 2025, 5000000000, None, None, None, 5000, None, None, None, 3000000000, ""],
         ["91371000MA3C00000M", 2024, None, None, None, None, None, None, None, None, None, "中型"]])
    result = excel.import_workbook(data, User.objects.get(username="staff"))
    assert result.ok, [str(e) for e in result.errors]
    org = Organization.objects.get(uscc="91371000MA3C00000M")
    assert org.industry_sector == "industry"
    assert AnnualFacts.objects.get(organization=org, year=2025).total_assets == Decimal("3000000000")
    assert AnnualFacts.objects.get(organization=org, year=2024).sme_size == "medium"
    bad = excel.build_workbook([["91371000MA3C00000M", "戊", "企业", "环翠区", "", "", "钢铁"]],
                               [["91371000MA3C00000M", 2025, *[None] * 9, "巨型"]])
    errors = [str(e) for e in excel.import_workbook(bad, User.objects.get(username="staff")).errors]
    assert any("【所属行业】未知的行业“钢铁”" in e for e in errors)
    assert any("【企业规模】未知的企业规模“巨型”" in e for e in errors)
    template = c.get("/registry/import/?template=1")
    assert template.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in wb["年度数据"][1]][-2:] == ["资产总额(元)", "企业规模"]
    assert [c.value for c in wb["主体"][1]][-1] == "所属行业"
    # a file from the earlier template (without the new columns) is still read, and states none of them
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "主体"
    wb.active.append(excel.ORG_COLUMNS[:-1])
    wb.active.append(["91371000MA3C00000M", "戊制造有限公司", "企业", "环翠区", "", "2015-06-01"])
    facts = wb.create_sheet("年度数据")
    facts.append([c for c, _ in excel.FACT_COLUMNS][:-2])
    facts.append(["91371000MA3C00000M", 2024, 1000000])
    buf = io.BytesIO()
    wb.save(buf)
    assert excel.import_workbook(buf.getvalue(), User.objects.get(username="staff")).ok
    org.refresh_from_db()
    assert org.industry_sector == "industry"
    assert AnnualFacts.objects.get(organization=org, year=2024).sme_size == "medium"

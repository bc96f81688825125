"""Issue 27 items 1, 2 and 5: where a provision applies (我市, 在威), enterprise size by the national standard
(中小微企业), and strict codes — each case cites the article it reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from policy import services
from policy.tests.helpers import event, qual, results, situation


def _buyer(region: str, seller_located: str = "local") -> dict:
    sit = situation(quals=[qual("tech_sme", "2025-01-01", "2025-12-31")], events=[
        event("tech_contract", "2025-03-01", "tech_development", role="buyer", amount="1000000",
              attributes={"seller_located": seller_located, "seller_kind": "research_institution",
                          "registered": True})])
    sit["region"] = region
    return sit


def test_b14_buyer_registered_in_yantai_is_not_paid_and_told_why():
    """B 第14条 “我市科技型企业与高校院所在威开展的技术转移转化”: a tech SME of 烟台市芝罘区 (370602) buying from a
    Weihai university gets nothing, with the reason; the same buyer in 环翠区 gets 5 万元."""
    r = results(_buyer("370602"), 2025)["B.14.contract_subsidy"]
    assert r.status == "not_applicable" and r.amount == Decimal("0.00")
    assert "370602" in r.missing and "烟台市" in r.missing and "威海市" in r.missing
    assert results(_buyer("371002"), 2025)["B.14.contract_subsidy"].amount == Decimal("50000.00")
    assert results(_buyer("Z-GAOQU"), 2025)["B.14.contract_subsidy"].amount == Decimal("50000.00")


def test_b14_seller_outside_weihai_by_region_code_is_not_paid():
    """B 第14条 在威: the seller's place may be given as its region code; 370602 is outside."""
    r = results(_buyer("371002", seller_located="370602"), 2025)["B.14.contract_subsidy"]
    assert r.status == "near" and "卖方不在威海" in r.missing
    assert results(_buyer("371002", seller_located="371003"), 2025)["B.14.contract_subsidy"].status == "applies"


@pytest.mark.parametrize("region", ["nowhere", "371099", "990000"])
def test_unknown_region_is_refused_with_the_valid_codes(region):
    with pytest.raises(services.PolicyInputError, match="region：未知的区划代码") as exc:
        services.evaluate_situation(_buyer(region), "2025")
    assert "371002 环翠区" in str(exc.value)


def test_unknown_region_is_a_chinese_400_in_the_api(db):
    from accounts.models import User

    User.objects.create_user("staff", password="x", role="bureau")
    c = Client()
    c.login(username="staff", password="x")
    resp = c.post("/api/policy/evaluate/", {"situation": _buyer("nowhere"), "period": "2025"},
                         content_type="application/json")
    assert resp.status_code == 400 and "未知的区划代码" in resp.json()["error"]


def _ip_loan(**extra) -> dict:
    sit = situation(events=[event("financing", "2025-01-10", "ip_pledge_loan", amount="10000000")], sme_size="")
    sit.update(extra)
    return sit


def test_b25_large_enterprise_is_not_paid():
    """B 第25条 “鼓励中小微企业知识产权质押融资”, sized by 工信部联企业〔2011〕300号 第四条（二）: 5,000 staff and
    50 亿元 revenue in industry is a large enterprise — no interest subsidy, and the reason says so."""
    sit = _ip_loan(industry_sector="industry",
                   annual_facts={"2025": {"employees": 5000, "sales_revenue": "5000000000"}})
    r = results(sit, 2025)["B.25.ip_loan_interest"]
    assert r.status == "not_applicable" and r.amount == 0
    assert "大型企业" in r.missing and "从业人员 5000 人" in r.missing


def test_b25_size_unknown_is_near_with_what_to_provide():
    """Without the industry, 5,000 staff and 50 亿元 do not decide the size (建筑业 needs 资产总额): near."""
    sit = _ip_loan(annual_facts={"2025": {"employees": 5000, "sales_revenue": "5000000000"}})
    r = results(sit, 2025)["B.25.ip_loan_interest"]
    assert r.status == "near" and "从业人员、营业收入" in r.missing and "工信部联企业〔2011〕300号" in r.missing


def test_b25_small_enterprise_and_declared_size_are_paid():
    """50 staff and 2,000 万元 is small in every industry; a declared size stands where the registry lacks facts:
    1000 万元 × 3.10% × 20% = 6.2 万元."""
    small = _ip_loan(annual_facts={"2025": {"employees": 50, "sales_revenue": "20000000"}})
    assert results(small, 2025)["B.25.ip_loan_interest"].amount == Decimal("62000.00")
    assert results(_ip_loan(sme_size="micro"), 2025)["B.25.ip_loan_interest"].amount == Decimal("62000.00")


def test_b30_needs_an_sme():
    """B 第30条 “对中小微企业……”: the city's 20% of shared-instrument service fees for an SME only."""
    sit = situation(events=[event("other", "2025-05-01", "shared_instrument_service", amount="100000")], sme_size="")
    assert results(sit, 2025)["B.30.instrument_voucher_subsidy"].status == "near"
    sit["sme_size"] = "small"
    assert results(sit, 2025)["B.30.instrument_voucher_subsidy"].amount == Decimal("20000.00")


@pytest.mark.parametrize(("where", "patch", "words"), [
    ("attributes.seller_located", {"attributes": {"seller_located": "weihai"}}, "local（在本市（在威））"),
    ("subject", {"subject": "development"}, "tech_development（技术开发）"),
    ("role", {"role": "purchaser"}, "buyer（技术合同买方）"),
    ("attributes.seller_kind", {"attributes": {"seller_kind": "university"}}, "research_institution（高校院所）"),
])
def test_unknown_codes_are_refused_with_the_valid_list(where, patch, words):
    sit = _buyer("371002")
    sit["recognitions"][0].update(patch)
    with pytest.raises(services.PolicyInputError) as exc:
        services.evaluate_situation(sit, "2025")
    assert str(exc.value).startswith(f"recognitions[0].{where}：未知的代码") and words in str(exc.value)


def test_unknown_industry_and_size_codes_are_refused():
    for field, value in (("industry_sector", "steel"), ("sme_size", "big")):
        with pytest.raises(services.PolicyInputError, match=f"{field}：未知的代码"):
            services.evaluate_situation(_ip_loan(**{field: value}), "2025")


def test_openapi_schema_lists_the_codes(db):
    text = Client().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for code in ("tech_development", "research_institution", "software_it",
                 "first_certification", "micro", "buyer"):
        assert code in text, code

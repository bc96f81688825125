"""In a real headless Chromium: a bank registers a loan by Excel; the borrower's 免申即享 page shows the interest
subsidy of 威政发〔2023〕5号 第25条 with the LPR month and the citation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password

from accounts.models import User
from conftest import login
from registry.models import AnnualFacts, IndustryChain, Organization, Region
from registry.reference import load_reference
from registry.uscc import make_uscc
from scifinance import excel, services
from scifinance.models import PartnerKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bank_and_borrower(transactional_db):
    if not Region.objects.exists():
        load_reference(Region, IndustryChain)
    region = Region.objects.filter(kind="division").order_by("code").first()
    borrower = Organization.objects.create(kind="enterprise", name="威海示范知识产权企业", region=region,
                                           uscc=make_uscc("91371000MA3G00001"))
    # B 第25条 pays 中小微企业 only: 60 staff and 3,000 万元 are small in every industry of the 2011 standard
    AnnualFacts.objects.create(organization=borrower, year=2025, employees=60, sales_revenue=30_000_000)
    bank_org = Organization.objects.create(kind="service_provider", provider_type="finance", name="威海示范银行",
                                           region=region, uscc=make_uscc("91371000MA3G00002"))
    services.register_partner(None, bank_org, PartnerKind.BANK)
    pw = make_password("demo12345")
    User.objects.create(username="bankclerk", password=pw, role="provider", organization=bank_org)
    User.objects.create(username="borrower", password=pw, role="enterprise", organization=borrower)
    return borrower


def test_bank_imports_a_loan_and_the_borrower_sees_the_interest_subsidy(page, bank_and_borrower, tmp_path):
    """B.25.ip_loan_interest: 500 万 知识产权质押贷款 signed 2025-04-15 → March 2025 1-year LPR 3.10% × 20% × 500 万 =
    3.1 万元, shown on the borrower's 免申即享 page with the LPR month and 威政发〔2023〕5号 第25条."""
    borrower = bank_and_borrower
    path = tmp_path / "loans.xlsx"
    path.write_bytes(excel.build_workbook([[borrower.uscc, "知识产权质押贷款", "IP-2025-001", "2025-04-15", "5000000",
                                            "12", "3.10", "知识产权质押", "", ""]]))
    login(page, "bankclerk")
    page.goto(page.base_url + "/scifinance/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("#import-submit")
    page.wait_for_load_state("networkidle")
    assert "已导入贷款 1 笔" in page.inner_text(".messages")
    assert "IP-2025-001" in page.inner_text("#loans") and "5,000,000.00" in page.inner_text("#loans")

    page.context.clear_cookies()
    login(page, "borrower")
    page.goto(page.base_url + "/screening/mine/?year=2025")
    card = page.locator("[data-year='2025']")
    text = card.locator("table.applies").inner_text()
    assert "知识产权质押贷款贴息" in text
    assert "2025-03" in text and "3.10%" in text and "第25条" in text and "威政发〔2023〕5号" in text
    assert "IP-2025-001" in text and ("3.1 万元" in text or "3.10 万元" in text or "31,000" in text)
    assert dt.date.today() >= dt.date(2025, 4, 15)

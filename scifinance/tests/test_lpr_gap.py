"""B 第25条 and the LPR gap (issue 24 item 3), from the lender's and the borrower's side: IP-pledge loans reported by
the bank in months whose previous month's 1-year LPR nobody has entered yet wait with a plain-words reason, cannot be
claimed, and count in the bureau's 我的待办; the bureau's Excel import of the months computes each of them, and the
borrower can then claim the amount."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from funding import services as funding
from funding.services import FundingError
from policy import services as policy
from reference import services as reference
from reference.todo import groups
from scifinance import services
from scifinance.tests.conftest import loan_values

B25 = "B.25.ip_loan_interest"
TODAY = dt.date(2026, 2, 10)  # the previous quarter ends with 2025-12; the seeded months end with 2025-09


def b25(org, year: int):
    return {r.provision_id: r for r in policy.evaluate_organization(org, year).results}[B25]


def _xlsx(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "lpr.xlsx"
    return buf


def test_loans_in_months_without_lpr_wait_in_plain_words_and_the_import_computes_them(fw, client):
    services.register_loan(fw.banker, fw.bank, loan_values(fw, product="知识产权质押贷款", amount="5000000",
                                                           contract_date="2025-11-20", contract_no="ZY-1"))
    services.register_loan(fw.banker, fw.bank, loan_values(fw, product="知识产权质押贷款", amount="2000000",
                                                           contract_date="2026-01-08", contract_no="ZY-2"))
    r25, r26 = b25(fw.ent_a, 2025), b25(fw.ent_a, 2026)
    assert (r25.status, r25.amount, r26.status, r26.amount) == ("near", 0, "near", 0)
    assert r25.missing.startswith("缺少 2025 年 10 月 1 年期 LPR，录入后自动计算（2025-11-20 签订的贷款按上月 LPR 贴息）")
    assert r26.missing.startswith("缺少 2025 年 12 月 1 年期 LPR，录入后自动计算（2026-01-08 签订的贷款按上月 LPR 贴息）")
    for text in (r25.missing, r26.missing):
        assert "lpr_1y" not in text and "nan" not in text.lower() and "policy_weihai" not in text
    # the borrower cannot claim a subsidy that is not computed yet; the reason is the entitlement's
    with pytest.raises(FundingError, match="不符合该条款"):
        funding.create_claim_from_entitlement(fw.alice, fw.ent_a, B25, 2025)
    # the bureau's work list counts the months that rules need: 2025-10 … 2025-12
    (group,) = groups(fw.bea, TODAY)
    assert group.label == "缺少的1 年期 LPR" and group.count == 3

    client.force_login(fw.bea)
    page = client.get("/reference/lpr_1y/").content.decode()
    assert "缺少 2025 年 10 月" in page and "2025 年 12 月" in page
    response = client.post("/reference/lpr_1y/import/", {"file": _xlsx([
        ["月份", "数值（%）", "来源"], ["2025-10", 3.0, ""], ["2025-11", "3.00", ""], ["2025-12", "3.00", ""]])})
    assert response.status_code == 302
    assert reference.filled(reference.table("lpr_1y"), TODAY).missing == []
    assert groups(fw.bea, TODAY) == []

    r25, r26 = b25(fw.ent_a, 2025), b25(fw.ent_a, 2026)
    # 500 万 × 3.00% × 20% = 3 万; 200 万 × 3.00% × 20% = 1.2 万
    assert (r25.status, r25.amount, r26.status, r26.amount) == ("applies", Decimal("30000.00"), "applies",
                                                                Decimal("12000.00"))
    assert "2025-10 1年期LPR 3.00%" in r25.explanation and "2025-12 1年期LPR 3.00%" in r26.explanation
    assert not r25.missing and not r26.missing
    client.force_login(fw.alice)
    page = client.get("/screening/mine/?year=2026").content.decode()
    assert "缺少 2025 年 12 月" not in page and "1.2 万元" in page


def test_entering_one_month_computes_only_the_loan_that_needs_it(fw):
    """Two loans needing two missing months: entering the first computes the first; the second still says which
    month it waits for."""
    services.register_loan(fw.banker, fw.bank, loan_values(fw, product="知识产权质押贷款", amount="5000000",
                                                           contract_date="2025-11-20", contract_no="ZY-1"))
    services.register_loan(fw.banker, fw.bank, loan_values(fw, product="知识产权质押贷款", amount="5000000",
                                                           contract_date="2025-12-05", contract_no="ZY-3"))
    r = b25(fw.ent_a, 2025)
    assert r.status == "near"
    assert "缺少 2025 年 10 月 1 年期 LPR" in r.missing and "缺少 2025 年 11 月 1 年期 LPR" in r.missing
    reference.save_value(reference.table("lpr_1y"), dt.date(2025, 10, 1), Decimal("3.00"),
                         "中国人民银行授权全国银行间同业拆借中心公布", fw.bea)
    by_status = {x.status: x for x in policy.evaluate_organization(fw.ent_a, 2025).results if x.provision_id == B25}
    assert by_status["applies"].amount == Decimal("30000.00")
    assert "缺少 2025 年 10 月" not in by_status["near"].missing
    assert "缺少 2025 年 11 月 1 年期 LPR，录入后自动计算（2025-12-05 签订的贷款按上月 LPR 贴息）" in by_status["near"].missing

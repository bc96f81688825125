"""Bad numbers and dates answer a Chinese 400 (API) or form error (page) naming the field; maturity keeps the month's
end (issue 25 items 7 and 10, issue 26 item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from scifinance import services
from scifinance.models import Loan, Repayment
from scifinance.tests.conftest import loan_values
from scifinance.tests.test_views import client_for

API = "/api/scifinance/loans/"


def coded(fw, **over) -> dict:
    """A loan as the API and the page's choice fields send it (codes, not labels)."""
    return loan_values(fw, product="transformation_loan", collateral="ip_pledge", **over)


@pytest.mark.parametrize(("signed", "months", "due"), [
    ("2026-11-30", 12, "2027-11-30"), ("2025-01-31", 1, "2025-02-28"), ("2024-01-31", 1, "2024-02-29"),
    ("2024-08-31", 6, "2025-02-28"), ("2024-03-29", 36, "2027-03-29")])
def test_maturity_keeps_the_month_end(fw, signed, months, due):
    """A 12-month loan signed 2026-11-30 is due 2027-11-30 (was 2027-11-28), on the page and in its schedule."""
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_date=signed, term_months=months))
    body = client_for(fw.banker).get(f"/scifinance/loans/{loan.pk}/").content.decode()
    assert f"{months} 个月（到期 {due}）" in body
    assert [str(s.due_on) for s in loan.schedule.all()] == [due]


def test_api_refuses_an_impossible_loan_amount_in_chinese(fw):
    c = client_for(fw.banker)
    for amount, words in [("1e30", "不能超过 100,000,000,000.00 元"), ("100000000000.01", "不能超过"),
                          ("inf", "“inf”不是金额"), ("-Infinity", "不是金额"), ("NaN", "“NaN”不是金额"),
                          ("-5", "须大于 0 元")]:
        r = c.post(API, coded(fw, amount=amount), content_type="application/json")
        assert r.status_code == 400, r.content
        assert r.json()["amount"][0].startswith("贷款金额：") and words in r.json()["amount"][0]
    assert not Loan.objects.exists()


def test_loan_page_refuses_1e30_and_nan_naming_the_field(fw):
    c = client_for(fw.banker)
    body = c.post("/scifinance/loans/new/", coded(fw, amount="1e30")).content.decode()
    assert "贷款金额：金额不能超过 100,000,000,000.00 元（1,000 亿元）" in body
    body = c.post("/scifinance/loans/new/", coded(fw, amount="NaN")).content.decode()
    assert "贷款金额：“NaN”不是金额" in body and not Loan.objects.exists()


def test_loan_dates_outside_the_window_are_refused(fw):
    c = client_for(fw.banker)
    for day in ["0001-01-01", "1999-12-31", "9999-12-31"]:
        r = c.post(API, coded(fw, contract_date=day), content_type="application/json")
        assert r.status_code == 400
        assert r.json()["contract_date"][0] == (f"合同签订日：{day} 超出可登记的日期范围（2000-01-01 至 2099-12-31），"
                                                "请核对年份。")
        body = c.post("/scifinance/loans/new/", coded(fw, contract_date=day)).content.decode()
        assert f"合同签订日：{day} 超出可登记的日期范围" in body
    assert not Loan.objects.exists()


def test_schedule_dates_and_amounts_are_checked(fw):
    c = client_for(fw.banker)
    bad = [([{"due_on": "9999-03-15", "principal": "5000000"}], "schedule", "超出可登记的日期范围"),
           ([{"due_on": "2026-03-15", "principal": "5000000"}], "schedule", "到期日 2025-03-15 之前"),
           ([{"due_on": "2025-03-15", "principal": "-5000000"}], "schedule", None)]
    for schedule, field, words in bad:
        r = c.post(API, {**coded(fw), "schedule": schedule}, content_type="application/json")
        assert r.status_code == 400 and field in r.json(), r.content
        assert words is None or words in str(r.json()[field])
    assert not Loan.objects.exists()


def test_repayments_refuse_impossible_dates_and_amounts(fw):
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw))
    c = client_for(fw.banker)
    for paid_on, principal, field, words in [
            ("0001-01-01", "100", "paid_on", "还款日期：0001-01-01 超出可登记的日期范围"),
            ("9999-12-31", "100", "paid_on", "还款日期：9999-12-31 超出可登记的日期范围"),
            ("2024-05-01", "1e30", "principal", "归还本金：金额不能超过"),
            ("2024-05-01", "NaN", "principal", "归还本金：“NaN”不是金额"),
            ("2024-05-01", "-1", "principal", "归还本金：金额不能为负数")]:
        r = c.post(f"{API}{loan.pk}/repayments/", {"paid_on": paid_on, "principal": principal},
                   content_type="application/json")
        assert r.status_code == 400 and r.json()[field][0].startswith(words)
        body = c.post(f"/scifinance/loans/{loan.pk}/", {"action": "repay", "paid_on": paid_on,
                                                        "principal": principal}).content.decode()
        assert words in body
    assert not Repayment.objects.exists()


def test_the_database_refuses_a_year_0001_loan(fw):
    """The window holds below the services too (a CHECK constraint on SQLite and PostgreSQL alike)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(lender=fw.bank, borrower=fw.ent_a, product="transformation_loan", contract_no="X",
                            contract_date=dt.date(1, 1, 1), amount=1, term_months=1, rate=1, collateral="credit")


def test_year_end_revocation_refuses_an_impossible_year(fw):
    c = client_for(fw.bea)
    for year in ["99999999999", "0001", "abc"]:
        r = c.post("/scifinance/pools/revoke/", {"year": year}, follow=True)
        assert "年度：请填写 2000 至 2099 之间的四位年份，例如 2025。" in r.content.decode()

"""Loan and policy registration: limits and bad input, in Chinese, nothing half-written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from scifinance import services
from scifinance.models import Loan, Repayment
from scifinance.services import FinanceError
from scifinance.tests.conftest import loan_values


def test_it_registers_a_loan_with_its_schedule(fw):
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw), schedule=[
        (dt.date(2024, 9, 15), Decimal(2000000)), (dt.date(2025, 3, 15), Decimal(3000000))])
    assert loan.borrower == fw.ent_a and loan.schedule.count() == 2
    assert services.outstanding(loan) == Decimal(5000000)


def test_it_refuses_an_unknown_borrower(fw):
    from registry.uscc import make_uscc

    code = make_uscc("91371000MA3F09999")
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, borrower_uscc=code))
    assert "平台登记的创新主体中没有" in str(e.value) and Loan.objects.count() == 0


def test_it_refuses_a_blacklisted_borrower(fw):
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, borrower_uscc=fw.blacklisted.uscc))
    assert "科研失信名单" in str(e.value)


def test_it_refuses_a_future_contract_date(fw):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_date=tomorrow))
    assert "晚于今天" in str(e.value) and e.value.field == "contract_date"


def test_it_lists_every_bad_field_at_once(fw):
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, amount="-5", term_months="abc", product="房贷"))
    assert set(e.value.errors) == {"amount", "term_months", "product"}


def test_it_refuses_a_repayment_above_the_outstanding_balance(fw):
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw))
    services.record_repayment(fw.banker, loan, "2024-06-15", "4000000")
    with pytest.raises(FinanceError) as e:
        services.record_repayment(fw.banker, loan, "2024-07-15", "1000000.01")
    assert "超过该笔贷款未还本金余额 1,000,000.00 元" in str(e.value) and Repayment.objects.count() == 1


def test_b27_talent_loan_limits_per_person_term_and_collateral(fw):
    """威政发〔2023〕5号 第27条: 人才贷 ≤ 1000 万元 per talent a year, term ≤ 1 year, credit only."""
    talent = {"product": "人才贷", "collateral": "信用（无抵质押）", "talent_name": "张三", "talent_id": "T001"}
    services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="R1", amount="6000000", **talent))
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="R2", amount="4000000.01", **talent))
    assert "超过每人不超过 1,000 万元 的额度（威政发〔2023〕5号 第27条）" in str(e.value)
    services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="R3", amount="4000000", **talent))  # at cap
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="R4", amount="100",
                                                                term_months="13", **{**talent, "talent_id": "T2",
                                                                                     "collateral": "担保"}))
    assert "期限不超过 1 年" in e.value.errors["term_months"] and "无抵押" in e.value.errors["collateral"]


def test_talent_id_is_encrypted_and_the_cap_still_finds_the_person(fw):
    """Issue 25: 人才证件号 is a token in the database; the per-person cap finds the talent's loans by a keyed hash
    (one spelling of the number or another: 37…x and 37…X are one person)."""
    from django.db import connection

    from core import crypto

    talent = {"product": "人才贷", "collateral": "信用（无抵质押）", "talent_name": "张三"}
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="R1", amount="6000000",
                                                                  talent_id="37100019800101123x", **talent))
    with connection.cursor() as cur:
        cur.execute("SELECT talent_id, talent_key FROM scifinance_loan WHERE id = %s", [loan.pk])
        raw, key = cur.fetchone()
    assert crypto.is_token(raw) and "3710" not in raw and key == crypto.lookup_key("37100019800101123X")
    assert Loan.objects.get(pk=loan.pk).talent_id == "37100019800101123x"
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="R2", amount="4000000.01",
                                                                talent_id="37100019800101123X", **talent))
    assert "超过每人不超过 1,000 万元 的额度" in str(e.value)


def test_b27_talent_loan_limit_per_enterprise_with_several_talents(fw):
    """威政发〔2023〕5号 第27条: 多个高层次人才任职的企业贷款总额不超过 5000 万元 (same calendar year)."""
    for i in range(5):
        services.register_loan(fw.banker, fw.bank, loan_values(
            fw, contract_no=f"R{i}", amount="10000000", product="人才贷", collateral="信用（无抵质押）",
            talent_name=f"人才{i}", talent_id=f"T{i}"))
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(
            fw, contract_no="R9", amount="1", product="人才贷", collateral="信用（无抵质押）", talent_name="人才9",
            talent_id="T9"))
    assert "5,000 万元" in str(e.value)
    # next year the limits start again (window edge: 1 January)
    services.register_loan(fw.banker, fw.bank, loan_values(
        fw, contract_no="R10", amount="1000000", contract_date="2025-01-01", product="人才贷",
        collateral="信用（无抵质押）", talent_name="人才9", talent_id="T9"))


def test_b24_chokepoint_loan_limits(fw):
    """威政发〔2023〕5号 第24条: 卡脖子攻关贷 ≤ 2000 万元, ≤ 3 年, no collateral."""
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, product="卡脖子攻关贷", amount="20000000.01",
                                                                term_months="37"))
    assert set(e.value.errors) == {"amount", "term_months", "collateral"}
    services.register_loan(fw.banker, fw.bank, loan_values(fw, product="卡脖子攻关贷", amount="20000000",
                                                            term_months="36", collateral="信用（无抵质押）"))


def test_tech_bank_loans_only_through_a_tech_branch(fw):
    with pytest.raises(FinanceError) as e:
        services.register_loan(fw.banker, fw.bank, loan_values(fw, product="科技支行普通贷款"))
    assert "须由科技支行登记" in str(e.value)
    services.register_loan(fw.brancher, fw.branch, loan_values(fw, product="科技支行普通贷款"))


def test_b23_covered_balance_cap_per_enterprise(fw):
    """威政发〔2023〕5号 第23条: 每家企业纳入风险补偿的贷款余额不超过 2000 万元."""
    a = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="A", amount="15000000"))
    b = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="B", amount="5000000.01"))
    services.file_loan(fw.bea, a, "2024-03-20")
    with pytest.raises(FinanceError) as e:
        services.file_loan(fw.bea, b, "2024-03-20")
    assert "2,000 万元 的上限（威政发〔2023〕5号 第23条）" in str(e.value)
    c = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="C", amount="5000000"))
    services.file_loan(fw.bea, c, "2024-03-20")  # exactly at the cap


def test_a_banks_exposure_limit_counts_its_tech_branches(fw):
    """A bank's 敞口上限 of 1000 万 covers its 科技支行's loans too (the branch was counted alone, so bank and branch
    could each file up to the limit); a limit not yet in force on the filing day does not apply."""
    services.file_partner(fw.bea, fw.bank, "transformation_loan", dt.date(2024, 1, 1), exposure_limit=Decimal(10**7))
    own = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="B1", amount="6000000"))
    services.file_loan(fw.bea, own, "2024-03-20")
    branch = services.register_loan(fw.brancher, fw.branch, loan_values(
        fw, contract_no="S1", amount="5000000", borrower_uscc=fw.ent_b.uscc))
    with pytest.raises(FinanceError) as e:
        services.file_loan(fw.bea, branch, "2024-03-20")
    assert str(e.value) == "威海示范银行（含其科技支行）纳入风险补偿的贷款余额将超过敞口上限 1,000 万元（现为 600 万元）。"
    early = services.register_loan(fw.brancher, fw.branch, loan_values(
        fw, contract_no="S0", amount="5000000", contract_date="2023-06-01", borrower_uscc=fw.ent_b.uscc))
    services.file_loan(fw.bea, early, "2023-06-05")  # before the limit was filed


def test_a_loan_filing_needs_the_bank_filed_with_the_scheme(fw):
    loan = services.register_loan(fw.stranger, fw.other_bank, loan_values(fw, product="知识产权质押贷款"))
    with pytest.raises(FinanceError) as e:
        services.file_loan(fw.bea, loan, "2024-03-20")
    assert "未取得“知识产权质押融资风险补偿”备案" in str(e.value)


def test_unmet_filings_are_revoked_at_year_end(fw):
    """A 备案 whose condition (国家科技型中小企业 in that year) is not met by year end is revoked on 31 December."""
    ok = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="OK"))
    bad = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="BAD", borrower_uscc=fw.ent_b.uscc))
    services.file_loan(fw.bea, ok, "2024-03-20")
    services.file_loan(fw.bea, bad, "2024-03-20")
    assert services.revoke_unmet_filings(fw.bea, 2024) == 1
    bad.refresh_from_db()
    assert bad.filing_revoked_on == dt.date(2024, 12, 31) and not bad.filed(dt.date(2025, 1, 1))


def test_it_registers_a_policy_and_refuses_a_future_payment(fw):
    p = services.register_policy(fw.insurer_user, fw.insurer, {
        "insured_uscc": fw.ent_a.uscc, "product": "卡脖子研发损失险", "policy_no": "P1", "start_on": "2024-05-01",
        "premium_paid_on": "2024-05-01", "premium": "300000"})
    assert p.premium == Decimal(300000)
    with pytest.raises(FinanceError) as e:
        services.register_policy(fw.insurer_user, fw.insurer, {
            "insured_uscc": fw.ent_a.uscc, "product": "卡脖子研发损失险", "policy_no": "P2", "start_on": "2024-05-01",
            "premium_paid_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "premium": "1"})
    assert "晚于今天" in str(e.value)

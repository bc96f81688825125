"""The policy engine computes the finance provisions from registered loans and policies (not typed events):
qualifies, fails, hits the cap, sits at the window's edge; each test cites its article."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from policy import services as policy
from registry.models import Recognition
from scifinance import pools, services
from scifinance.tests.conftest import PDF, loan_values

W = Decimal(10000)


def results(org, year: int) -> dict:
    return {r.provision_id: r for r in policy.evaluate_organization(org, year).results if r.status == "applies"}


def loan(fw, lender=None, **over):
    lender = lender or fw.bank
    return services.register_loan(fw.banker, lender, loan_values(fw, **over))


# ---- B 第25条 知识产权质押贷款贴息: 20% of the 1-year LPR of the month before the contract, ≤ 20 万 a year


def test_b25_ip_loan_interest_from_a_registered_loan_names_the_lpr_month(fw):
    """B.25.ip_loan_interest (威政发〔2023〕5号 第25条): 500 万 signed 2024-03-15 → Feb 2024 LPR 3.45% × 20% = 3.45 万."""
    loan(fw, product="知识产权质押贷款", amount="5000000", contract_date="2024-03-15")
    r = results(fw.ent_a, 2024)["B.25.ip_loan_interest"]
    assert r.amount == Decimal("34500.00")
    assert "2024-02" in r.explanation and "3.45%" in r.explanation and "第25条" in r.article
    assert "知识产权质押贷款 HT-001（威海示范银行）" in r.explanation  # the loan is named


def test_b25_ip_loan_interest_hand_typed_events_are_replaced(fw):
    """B.25.ip_loan_interest: a hand-typed financing event of the same subject no longer counts; the loans do."""
    Recognition.objects.create(organization=fw.ent_a, kind="financing", subject="ip_pledge_loan",
                               occurred_on=dt.date(2024, 3, 15), amount=Decimal(90000000))
    assert "B.25.ip_loan_interest" not in results(fw.ent_a, 2024)


def test_b25_ip_loan_interest_at_cap(fw):
    """B.25.ip_loan_interest: 5,000 万 → 34.5 万 > 年贴息额度最高 20 万元 → 20 万."""
    loan(fw, product="知识产权质押贷款", amount="50000000", contract_date="2024-03-15")
    assert results(fw.ent_a, 2024)["B.25.ip_loan_interest"].amount == 20 * W


def test_b25_ip_loan_interest_window_edge(fw):
    """B.25.ip_loan_interest: B in force from 2023-07-13: a loan of 2023-07-12 gets nothing, 2023-07-13 does."""
    loan(fw, product="知识产权质押贷款", amount="5000000", contract_date="2023-07-12", contract_no="A")
    assert "B.25.ip_loan_interest" not in results(fw.ent_a, 2023)
    loan(fw, product="知识产权质押贷款", amount="5000000", contract_date="2023-07-13", contract_no="B")
    assert results(fw.ent_a, 2023)["B.25.ip_loan_interest"].amount == Decimal("35500.00")  # June 2023 LPR 3.55%


def test_b25_ip_loan_interest_fails_for_other_products(fw):
    """B.25.ip_loan_interest: an ordinary 科技成果转化贷款 is not an IP pledge loan."""
    loan(fw, product="科技成果转化贷款", amount="5000000", contract_date="2024-03-15")
    assert "B.25.ip_loan_interest" not in results(fw.ent_a, 2024)


# ---- B 第23条 科技成果转化贷款省级贴息: first 备案, repaid on time, 国家科技型中小企业, ≤ 50 万


def _filed_loan(fw, **over):
    x = loan(fw, **over)
    return services.file_loan(fw.bea, x, x.contract_date)


def test_b23_interest_qualifies_for_a_first_filed_loan_repaid_on_time(fw):
    """B.23.transformation_loan_interest_ceiling (威政发〔2023〕5号 第23条): 科技型中小企业, first 备案, on time → ≤ 50 万."""
    x = _filed_loan(fw, contract_date="2024-03-15")
    services.record_repayment(fw.banker, x, "2025-03-10", "5000000")
    r = results(fw.ent_a, 2024)["B.23.transformation_loan_interest_ceiling"]
    assert r.amount == 50 * W and r.is_ceiling and "第23条" in r.article


def test_b23_interest_fails_when_not_filed_or_late(fw):
    """B.23.transformation_loan_interest_ceiling: no 备案 → nothing; a late repayment → nothing."""
    loan(fw, contract_date="2024-03-15", contract_no="NF")
    assert "B.23.transformation_loan_interest_ceiling" not in results(fw.ent_a, 2024)
    late = _filed_loan(fw, contract_date="2023-09-01", contract_no="LATE", term_months="6")
    services.record_repayment(fw.banker, late, "2024-04-01", "5000000")  # due 2024-03-01
    assert "B.23.transformation_loan_interest_ceiling" not in results(fw.ent_a, 2023)


def test_b23_interest_window_edge_and_only_tech_smes(fw):
    """B.23.transformation_loan_interest_ceiling: a loan of 2023-07-12 (before B) gets nothing; ent_b is not a 科技型中小企业."""
    _filed_loan(fw, contract_date="2023-07-12", term_months="60")
    assert "B.23.transformation_loan_interest_ceiling" not in results(fw.ent_a, 2023)
    _filed_loan(fw, contract_date="2024-03-15", contract_no="B", borrower_uscc=fw.ent_b.uscc, term_months="60")
    assert "B.23.transformation_loan_interest_ceiling" not in results(fw.ent_b, 2024)


# ---- B 第27条 科技支行贷款贴息: ≤ 1% of the year's balance on at most 3,000 万


def test_b27_interest_ceiling_from_the_year_end_balance(fw):
    """B.27.tech_bank_loan_interest_ceiling (威政发〔2023〕5号 第27条): 1,000 万 through a 科技支行, 400 万 repaid in the
    year → 年末余额 600 万 × 1% = 6 万."""
    x = loan(fw, lender=fw.branch, product="科技支行普通贷款", amount="10000000", contract_date="2024-03-15",
             term_months="24", borrower_uscc=fw.ent_b.uscc)
    services.record_repayment(fw.brancher, x, "2024-09-15", "4000000")
    r = results(fw.ent_b, 2024)["B.27.tech_bank_loan_interest_ceiling"]
    assert r.amount == 6 * W


def test_b27_interest_ceiling_at_cap_and_fails_for_other_banks(fw):
    """B.27.tech_bank_loan_interest_ceiling: 5,000 万 → the loan cap 3,000 万 × 1% = 30 万; a loan of an ordinary
    bank branch does not count."""
    loan(fw, lender=fw.branch, product="科技支行普通贷款", amount="50000000", contract_date="2024-03-15",
         term_months="24", borrower_uscc=fw.ent_b.uscc)
    assert results(fw.ent_b, 2024)["B.27.tech_bank_loan_interest_ceiling"].amount == 30 * W
    loan(fw, product="知识产权质押贷款", amount="5000000", contract_date="2024-03-15", contract_no="X")
    assert "B.27.tech_bank_loan_interest_ceiling" not in results(fw.ent_a, 2024)


def test_b27_interest_ceiling_window_edge(fw):
    """B.27.tech_bank_loan_interest_ceiling: contracted 2023-07-12 (before B) → nothing that year."""
    loan(fw, lender=fw.branch, product="科技支行普通贷款", amount="10000000", contract_date="2023-07-12",
         term_months="12", borrower_uscc=fw.ent_b.uscc)
    assert "B.27.tech_bank_loan_interest_ceiling" not in results(fw.ent_b, 2023)


# ---- B 第24条 研发损失险 50% ≤ 20 万; the bank's 0.6% on new 卡脖子攻关贷 balance


def _policy(fw, premium: str, paid_on: str, no: str = "P1"):
    return services.register_policy(fw.insurer_user, fw.insurer, {
        "insured_uscc": fw.ent_b.uscc, "product": "卡脖子研发损失险", "policy_no": no, "start_on": paid_on,
        "premium_paid_on": paid_on, "premium": premium})


def test_b24_premium_subsidy_qualifies_and_hits_the_cap(fw):
    """B.24.chokepoint_insurance_subsidy (威政发〔2023〕5号 第24条): 保费 30 万 × 50% = 15 万; another 30 万 → 20 万 cap."""
    _policy(fw, "300000", "2024-05-01")
    assert results(fw.ent_b, 2024)["B.24.chokepoint_insurance_subsidy"].amount == 15 * W
    _policy(fw, "300000", "2024-08-01", "P2")
    assert results(fw.ent_b, 2024)["B.24.chokepoint_insurance_subsidy"].amount == 20 * W


def test_b24_premium_subsidy_window_edge(fw):
    """B.24.chokepoint_insurance_subsidy: premium paid 2023-07-12 → nothing; 2023-07-13 → 50%."""
    _policy(fw, "100000", "2023-07-12")
    assert "B.24.chokepoint_insurance_subsidy" not in results(fw.ent_b, 2023)
    _policy(fw, "100000", "2023-07-13", "P2")
    assert results(fw.ent_b, 2023)["B.24.chokepoint_insurance_subsidy"].amount == 5 * W


def test_b24_bank_risk_subsidy_on_new_chokepoint_balance(fw):
    """B.24.chokepoint_loan_risk_ceiling (威政发〔2023〕5号 第24条): the bank's new 卡脖子攻关贷 in 2024: 2,000 万 + 1,000 万,
    500 万 repaid → 余额 2,500 万 × 0.6% = 不超过 15 万 to the bank; nothing to the borrower."""
    x = loan(fw, product="卡脖子攻关贷", amount="20000000", contract_date="2024-02-01", term_months="36",
             collateral="信用（无抵质押）", contract_no="K1")
    loan(fw, product="卡脖子攻关贷", amount="10000000", contract_date="2024-06-01", term_months="36",
         collateral="信用（无抵质押）", contract_no="K2")
    services.record_repayment(fw.banker, x, "2024-12-01", "5000000")
    r = results(fw.bank.organization, 2024)["B.24.chokepoint_loan_risk_ceiling"]
    assert r.amount == 15 * W and r.is_ceiling
    assert "B.24.chokepoint_loan_risk_ceiling" not in results(fw.ent_a, 2024)
    assert "B.24.chokepoint_loan_risk_ceiling" not in results(fw.bank.organization, 2025)  # not new in 2025


def test_b24_bank_risk_subsidy_window_edge(fw):
    """B.24.chokepoint_loan_risk_ceiling: 卡脖子攻关贷 of 2023-07-12 (before B) → nothing."""
    loan(fw, product="卡脖子攻关贷", amount="20000000", contract_date="2023-07-12", term_months="36",
         collateral="信用（无抵质押）")
    assert "B.24.chokepoint_loan_risk_ceiling" not in results(fw.bank.organization, 2023)


# ---- A 第19条 the bank's risk compensation, from a loss claim


def test_a19_risk_compensation_from_a_loss_claim(fw):
    """A.19.risk_compensation (威政发〔2018〕20号 第19条): a 备案 loan defaults with 300 万 outstanding → the bank's 35% =
    105 万; the same figure the pool pays."""
    x = _filed_loan(fw, contract_date="2024-01-10", amount="3000000")
    services.mark_default(fw.bea, x, "2024-06-01")
    lc = pools.file_loss_claim(fw.banker, x, "3000000", "2024-09-15", [("证明材料", "e.pdf", PDF)],
                               bank_account="6222000011112222")
    r = results(fw.bank.organization, 2024)["A.19.risk_compensation"]
    assert r.amount == 105 * W == lc.city_amount


def test_one_organisation_gets_the_events_a_whole_batch_gives_it(db):
    """An entity's own page reads its situation alone (scifinance first asks in one query whether it borrows,
    insures or lends); the events are those the same organisation gets when read with the whole city."""
    from registry import demo
    from registry.models import Organization
    from scifinance import demo as finance_demo

    demo.generate(enterprises=120, seed=7, chunk_size=120, fact_years=(2022, 2025))
    finance_demo.generate(loans=200, seed=11, today=dt.date(2025, 12, 31))
    orgs = list(Organization.objects.order_by("id"))
    together = policy._situations(orgs)
    financed = 0
    for org in orgs:
        alone = policy._situations([org])[org.id]
        assert alone == together[org.id], org.id
        financed += any(r["kind"] == "financing" for r in alone["recognitions"])
    assert financed > 20

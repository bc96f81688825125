"""Risk-compensation pools (威政发〔2018〕20号 第19条): a loss claim from filing to payment through the funding ledger,
recoveries back into the pool, refusals; and the property that the pool's balance always equals its ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding.models import LedgerEntry
from scifinance import pools, services
from scifinance.models import LossClaim, Scheme
from scifinance.services import FinanceError
from scifinance.tests.conftest import PDF, loan_values

EVIDENCE = [("证明材料", "default.pdf", PDF)]


def defaulted_loan(fw, no: str = "HT-001", amount: str = "3000000", product: str = "科技成果转化贷款", filed=True):
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no=no, amount=amount, product=product,
                                                                   contract_date="2024-01-10"))
    if filed:
        services.file_loan(fw.bea, loan, "2024-01-15")
    return services.mark_default(fw.bea, loan, "2024-03-01")


def test_a19_claim_from_filing_to_payment_is_a_ledger_entry(fw):
    """A.19.risk_compensation: loss 300 万 → the city's 35% = 105 万 paid from the pool by a ledger entry naming the
    budget line, the bank, the amount, the decision, the document and the article; the province's 105 万 recorded."""
    pool = fw.pools[Scheme.TRANSFORMATION_LOAN]
    loan = defaulted_loan(fw)
    lc = pools.file_loss_claim(fw.banker, loan, "3000000", "2024-06-15", EVIDENCE, "威海示范银行", "6222000011112222")
    assert (lc.city_amount, lc.province_amount, lc.days_overdue) == (Decimal(1050000), Decimal(1050000), 106)
    assert lc.claim.state == "formal_check" and lc.claim.attachments.count() == 1
    pools.approve_loss_claim(fw.bea, lc)
    entry = pools.pay_loss_claim(fw.fin, lc)
    assert entry.amount == Decimal(1050000) and entry.organization == fw.bank.organization
    assert (entry.document, entry.article, entry.budget_line.programme) == ("威政发〔2018〕20号", "第19条", pool.programme)
    assert "市科技局决定" in entry.decision
    assert pools.ledger_balance(pool) == pools.pool_balance(pool) == Decimal(10000000 - 1050000)


def test_a19_recovery_flows_back_pro_rata(fw):
    """A.19.risk_compensation: 100 万 recovered after payment → 35 万 back to the city pool (clawback entry), 35 万 to
    the province, 30 万 stays with the bank; recoveries above the loss are refused."""
    pool = fw.pools[Scheme.TRANSFORMATION_LOAN]
    lc = pools.file_loss_claim(fw.banker, defaulted_loan(fw), "3000000", "2024-06-15", EVIDENCE, "", "6222000011112222")
    pools.approve_loss_claim(fw.bea, lc)
    pools.pay_loss_claim(fw.fin, lc)
    rec = pools.record_recovery(fw.fin, lc, "1000000", "2024-10-01")
    assert (rec.city_amount, rec.province_amount, rec.bank_amount) == (Decimal(350000), Decimal(350000), Decimal(300000))
    assert rec.ledger_entry.kind == LedgerEntry.Kind.CLAWBACK
    assert pools.ledger_balance(pool) == pools.pool_balance(pool) == Decimal(10000000 - 1050000 + 350000)
    with pytest.raises(FinanceError) as e:
        pools.record_recovery(fw.fin, lc, "2000000.01", "2024-11-01")
    assert "超过损失本金" in str(e.value)


def test_a19_claim_refused_on_a_loan_not_filed_before_default(fw):
    loan = defaulted_loan(fw, filed=False)
    with pytest.raises(FinanceError) as e:
        pools.file_loss_claim(fw.banker, loan, "3000000", "2024-06-15", EVIDENCE, "", "6222000011112222")
    assert "前未在“科技成果转化贷款风险补偿”备案" in str(e.value) and not LossClaim.objects.exists()


def test_a19_claim_refused_on_a_product_not_covered_by_any_pool(fw):
    loan = services.register_loan(fw.banker, fw.bank, loan_values(
        fw, product="卡脖子攻关贷", collateral="信用（无抵质押）", contract_date="2024-01-10"))
    services.mark_default(fw.bea, loan, "2024-03-01")
    with pytest.raises(FinanceError) as e:
        pools.file_loss_claim(fw.banker, loan, "1000", "2024-06-15", EVIDENCE, "", "6222000011112222")
    assert "不在任何风险补偿资金池的补偿范围内" in str(e.value)


def test_a19_claim_trigger_and_deadline_edges(fw):
    """Claims open 90 days after default (day 89 refused, day 90 accepted) and close 180 days later."""
    loan = defaulted_loan(fw)
    with pytest.raises(FinanceError) as e:
        pools.file_loss_claim(fw.banker, loan, "100", dt.date(2024, 3, 1) + dt.timedelta(days=89), EVIDENCE, "", "6222000011112222")
    assert "逾期 89 天。本笔贷款 2024-03-01 违约，逾期满 90 天后方可申请：2024-05-30 起、2024-11-26 前（含）" in str(e.value)
    with pytest.raises(FinanceError):
        pools.file_loss_claim(fw.banker, loan, "100", dt.date(2024, 3, 1) + dt.timedelta(days=271), EVIDENCE, "", "6222000011112222")
    lc = pools.file_loss_claim(fw.banker, loan, "100", dt.date(2024, 3, 1) + dt.timedelta(days=90), EVIDENCE, "", "6222000011112222")
    assert lc.days_overdue == 90


def test_a19_claim_refused_above_the_outstanding_balance_and_without_evidence(fw):
    loan = defaulted_loan(fw)
    with pytest.raises(FinanceError) as e:
        pools.file_loss_claim(fw.banker, loan, "3000000.01", "2024-06-15", EVIDENCE, "", "6222000011112222")
    assert "超过违约时未还本金" in str(e.value)
    with pytest.raises(FinanceError) as e:
        pools.file_loss_claim(fw.banker, loan, "1", "2024-06-15", [], "", "1")
    assert "证明材料" in str(e.value)


def test_a19_several_claims_of_one_bank_in_one_year_are_all_paid(fw):
    """A.19.risk_compensation has no yearly cap: three losses of one bank in 2024 → 3 × 35% paid."""
    for k in range(3):
        lc = pools.file_loss_claim(fw.banker, defaulted_loan(fw, no=f"M{k}", amount="1000000"), "1000000",
                                   "2024-06-15", EVIDENCE, "", "6222000011112222")
        pools.approve_loss_claim(fw.bea, lc)
        pools.pay_loss_claim(fw.fin, lc)
    pool = fw.pools[Scheme.TRANSFORMATION_LOAN]
    assert pools.figures(pool).paid == Decimal(1050000) == Decimal(10000000) - pools.ledger_balance(pool)


def test_exposure_loss_rate_and_suspension(fw):
    """Exposure = covered balance by bank; a bank whose loss rate passes the pool's 5% threshold is suspended and can
    file no new 备案."""
    pool = fw.pools[Scheme.TRANSFORMATION_LOAN]
    ok = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="OK", amount="7000000",
                                                                 contract_date="2024-01-10"))
    services.file_loan(fw.bea, ok, "2024-01-15")
    lc = pools.file_loss_claim(fw.banker, defaulted_loan(fw), "3000000", "2024-06-15", EVIDENCE, "", "6222000011112222")
    rows = {r["name"]: r for r in pools.exposure_by_bank(pool, dt.date(2024, 7, 1))}
    assert rows["威海示范银行"]["balance"] == Decimal(7000000)
    assert rows["威海示范银行"]["loss_rate"] == pytest.approx(0.3)
    assert lc.pool == pool and pools.suspend_over_threshold(fw.bea, pool, dt.date(2024, 7, 1)) == [fw.bank]
    late = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no="LATE", amount="1000",
                                                                   contract_date="2024-07-02"))
    with pytest.raises(FinanceError) as e:
        services.file_loan(fw.bea, late, "2024-07-02")
    assert "暂停新增备案" in str(e.value)


OPS = st.lists(st.one_of(
    st.tuples(st.just("claim"), st.integers(1, 4_000_000_00)),
    st.tuples(st.just("approve"), st.integers(0, 9)),
    st.tuples(st.just("pay"), st.integers(0, 9)),
    st.tuples(st.just("recover"), st.integers(0, 9), st.integers(1, 2_000_000_00)),
    st.tuples(st.just("contribute"), st.integers(1, 3_000_000_00)),
), min_size=1, max_size=16)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_pool_balance_equals_the_sum_of_its_ledger_entries(fw, ops):
    """Property (A 第19条 pools): over any sequence of claims, approvals, payments, recoveries and top-ups — some of
    them refused — the pool's balance from its own records equals the balance read from the funding ledger, and
    never goes below zero."""
    pool = fw.pools[Scheme.TRANSFORMATION_LOAN]
    with transaction.atomic():
        claims: list[LossClaim] = []
        for k, op in enumerate(ops):
            try:
                with transaction.atomic():
                    if op[0] == "claim":
                        cents = Decimal(op[1]) / 100
                        loan = defaulted_loan(fw, no=f"P{k}", amount=str(cents))
                        claims.append(pools.file_loss_claim(fw.banker, loan, str(cents), "2024-06-15", EVIDENCE, "",
                                                            "6222000011112222"))
                    elif op[0] == "approve" and claims:
                        lc = claims[op[1] % len(claims)]
                        lc.claim.refresh_from_db()
                        if lc.claim.state == "formal_check":  # refused only when the pool has no room
                            pools.approve_loss_claim(fw.bea, lc)
                    elif op[0] == "pay" and claims:
                        lc = claims[op[1] % len(claims)]
                        lc.claim.refresh_from_db()
                        if lc.claim.state == "approved":
                            pools.pay_loss_claim(fw.fin, lc)
                    elif op[0] == "recover" and claims:
                        pools.record_recovery(fw.fin, claims[op[1] % len(claims)], str(Decimal(op[2]) / 100),
                                              "2024-12-01")
                    elif op[0] == "contribute":
                        pools.contribute(fw.bea, pool, "city", str(Decimal(op[1]) / 100), "2024-07-01",
                                         confirm_as=fw.fin)
            except FinanceError:
                pass  # refused steps (no room in the pool, recovery above the loss, claim not yet paid) write nothing
            balance = pools.ledger_balance(pool)
            assert balance == pools.pool_balance(pool)
            assert balance >= 0
        transaction.set_rollback(True)


def test_monthly_bulletin_and_cli(fw, capsys):
    from django.core.management import call_command

    lc = pools.file_loss_claim(fw.banker, defaulted_loan(fw), "2000000", "2024-06-15", EVIDENCE, "", "6222000011112222")
    pools.approve_loss_claim(fw.bea, lc)
    b = pools.monthly_bulletin(fw.pools[Scheme.TRANSFORMATION_LOAN], 2024, 6)
    assert (b["claims_filed"], b["losses_claimed"]) == (1, Decimal(2000000))
    assert b["balance"] == Decimal(10000000 - 700000)
    call_command("scifinance", "bulletin", "--month", "2024-06")
    out = capsys.readouterr().out
    assert "科技成果转化贷款风险补偿 2024-06：新增补偿申请 1 笔（损失 2,000,000.00 元）" in out
    assert "当前余额 9,300,000.00 元" in out

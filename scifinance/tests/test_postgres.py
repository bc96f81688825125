"""PostgreSQL only: every cap of science-and-technology finance holds under parallel requests. 50 requests on 25
connections (the shared server allows 100 in all); a barrier starts the first 25 together."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from rest_framework.test import APIClient

from conftest import in_parallel
from core.crypto import lookup_key
from funding.money import FundingError
from scifinance import pools, services
from scifinance.models import Loan, LossClaim, Scheme
from scifinance.services import FinanceError
from scifinance.tests.conftest import loan_values
from scifinance.tests.test_pools import EVIDENCE, defaulted_loan

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

TALENT = {"product": "talent_loan", "collateral": "credit", "contract_date": "2024-03-15", "term_months": 12}



def post_loans(fw, body: Callable[[int], dict]) -> list[str]:
    def one(i: int) -> str:
        api = APIClient()
        api.force_authenticate(fw.banker)
        r = api.post("/api/scifinance/loans/", body(i), format="json")
        return "created" if r.status_code == 201 else r.json().get("amount", [str(r.status_code)])[0]

    return in_parallel(50, one)


def talent_total(**filters) -> Decimal:
    return Loan.objects.filter(product="talent_loan", **filters).aggregate(s=Sum("amount"))["s"]


@pytest.mark.django_db(transaction=True)
def test_50_parallel_talent_loans_of_one_talent_stop_at_1000_wan(fw):
    """B 第27条 每人不超过 1000 万元: 50 × 100 万 for one talent and borrower → exactly 10 registered."""
    outcomes = post_loans(fw, lambda i: {**loan_values(fw, contract_no=f"P{i}", amount="1000000"), **TALENT,
                                         "talent_name": "张三", "talent_id": "T001"})
    assert outcomes.count("created") == 10, outcomes
    assert all("超过每人不超过 1,000 万元 的额度" in o for o in outcomes if o != "created")
    assert talent_total(talent_key=lookup_key("T001")) == Decimal(10_000_000)


@pytest.mark.django_db(transaction=True)
def test_50_parallel_talent_loans_of_one_talent_at_two_borrowers_stop_at_1000_wan(fw):
    """The person's cap counts every borrower: 50 × 100 万 for one talent at two enterprises → exactly 10."""
    outcomes = post_loans(fw, lambda i: {**loan_values(fw, contract_no=f"P{i}", amount="1000000"), **TALENT,
                                         "borrower_uscc": (fw.ent_a if i % 2 else fw.ent_b).uscc,
                                         "talent_name": "张三", "talent_id": "T001"})
    assert outcomes.count("created") == 10, outcomes
    assert talent_total(talent_key=lookup_key("T001")) == Decimal(10_000_000)


@pytest.mark.django_db(transaction=True)
def test_50_parallel_talent_loans_of_one_enterprise_stop_at_5000_wan(fw):
    """B 第27条 企业贷款总额不超过 5000 万元: 50 × 200 万, each for another talent of one enterprise → exactly 25."""
    outcomes = post_loans(fw, lambda i: {**loan_values(fw, contract_no=f"E{i}", amount="2000000"), **TALENT,
                                         "talent_name": f"人才{i}", "talent_id": f"T{i:03d}"})
    assert outcomes.count("created") == 25, outcomes
    assert all("5,000 万元 的限额" in o for o in outcomes if o != "created")
    assert talent_total(borrower=fw.ent_a) == Decimal(50_000_000)


@pytest.mark.django_db(transaction=True)
def test_50_parallel_filings_stop_at_the_covered_balance_of_2000_wan(fw):
    """B 第23条 每家企业纳入风险补偿的贷款余额不超过 2000 万元: 50 loans of 100 万 filed at once → exactly 20."""
    loans = [services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no=f"C{i}", amount="1000000"))
             for i in range(50)]

    def one(i: int) -> str:
        try:
            services.file_loan(fw.bea, loans[i], "2024-03-20")
        except FinanceError as exc:
            return str(exc)
        return "filed"

    outcomes = in_parallel(50, one)
    assert outcomes.count("filed") == 20, outcomes
    assert all("2,000 万元 的上限" in o for o in outcomes if o != "filed")
    assert services.covered_balance(fw.ent_a, services.parse_date("2024-03-20", "", "")) == Decimal(20_000_000)


@pytest.mark.django_db(transaction=True)
def test_50_parallel_loss_compensations_stop_exactly_at_the_pools_balance(fw):
    """A 第19条: 50 claims of 50 万 (35% of a loss of 1,428,571.43 元) approved at once against a pool of 1000 万 →
    exactly 20 decided, 1000 万 committed; the pool's balance is 0 and never negative; each loser is told why."""
    from funding import money

    pool = fw.pools[Scheme.TRANSFORMATION_LOAN]
    claims = [pools.file_loss_claim(fw.banker, defaulted_loan(fw, no=f"L{i}", amount="2000000"), "1428571.43",
                                    "2024-06-15", EVIDENCE, "威海示范银行", "6222000011112222") for i in range(50)]

    def one(i: int) -> str:
        try:
            pools.approve_loss_claim(fw.bea, LossClaim.objects.get(pk=claims[i].pk))
        except (FinanceError, FundingError) as exc:
            return str(exc)
        return "approved"

    outcomes = in_parallel(50, one)
    assert {c.city_amount for c in claims} == {Decimal(500_000)}
    assert outcomes.count("approved") == 20, outcomes
    assert all("可用余额" in o for o in outcomes if o != "approved"), outcomes
    committed = sum((e.amount for e in money.entries(c.claim_id for c in claims) if e.kind == "commitment"), Decimal(0))
    assert committed == Decimal(10_000_000)
    assert pools.ledger_balance(pool) == pools.pool_balance(pool) == Decimal(0)

"""The demo command: deterministic, idempotent, and its pools agree with the ledger."""

from __future__ import annotations

from django.core.management import call_command

from scifinance import pools
from scifinance.models import Loan, LossClaim, Partner, RiskPool


def test_finance_demo_builds_loans_claims_and_paid_compensation(db):
    from registry.demo import generate

    generate(enterprises=200, seed=7)
    call_command("finance_demo", "--loans", "400", "--if-empty")
    assert Partner.objects.count() == 17 and Loan.objects.count() == 400
    assert LossClaim.objects.filter(claim__state="paid").exists()
    for pool in RiskPool.objects.all():
        assert pools.pool_balance(pool) == pools.ledger_balance(pool)
    call_command("finance_demo", "--if-empty")  # a second run changes nothing
    assert Loan.objects.count() == 400

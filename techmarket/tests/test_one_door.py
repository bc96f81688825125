"""One door to money (issue 24 item 2): a B 第14条 contract subsidy — the contract registered in the market, the
buyer's entitlement claimed on a 技术合同补助 programme, decided and paid — every write to a funding table on the way
is made by funding's own code."""

from __future__ import annotations

from decimal import Decimal

from funding.tests.writes import funding_writes, outside_funding, pay_entitlement
from techmarket.tests.conftest import TODAY, contract


def test_a_contract_subsidy_paid_writes_funding_rows_only_through_funding(world):
    with funding_writes() as writes:
        contract(world)  # 200 万元 paid on a registered 技术开发 contract
        claim = pay_entitlement(world.users["alice"], "B.14.contract_subsidy", TODAY.year, "tech_contract")
    assert (claim.state, claim.decided_amount, claim.programme.kind) == ("paid", Decimal("100000.00"), "tech_contract")
    assert {"Programme", "BudgetLine", "Claim", "CapCounter", "LedgerEntry"} <= {w.model for w in writes}
    assert outside_funding(writes) == []

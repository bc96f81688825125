"""One door to money (issue 24 item 2): a loss compensation (A 第19条) filed, decided and paid, and a talent loan
(B 第27条) registered under its caps — every write to a funding table on the way is made by funding's own code."""

from __future__ import annotations

from decimal import Decimal

from funding.tests.writes import funding_writes, outside_funding
from scifinance import pools, services
from scifinance.tests import test_pools as flows
from scifinance.tests.conftest import loan_values

TALENT = {"product": "talent_loan", "collateral": "credit", "contract_date": "2024-03-15", "term_months": 12,
          "talent_name": "张三", "talent_id": "T001"}


def test_a_loss_compensation_paid_writes_funding_rows_only_through_funding(fw):
    with funding_writes() as writes:
        loan = flows.defaulted_loan(fw)  # registered and 备案: the covered-balance cap under funding's lock
        lc = pools.file_loss_claim(fw.banker, loan, "3000000", "2024-06-15", flows.EVIDENCE, "威海示范银行",
                                   "6222000011112222")
        pools.approve_loss_claim(fw.bea, lc)
        entry = pools.pay_loss_claim(fw.fin, lc)
    assert entry.amount == Decimal(1050000)
    assert {"CapCounter", "Claim", "ClaimEvent", "Attachment", "LedgerEntry"} <= {w.model for w in writes}
    assert outside_funding(writes) == []


def test_a_talent_loan_writes_its_caps_only_through_funding(fw):
    with funding_writes() as writes:
        services.register_loan(fw.banker, fw.bank, {**loan_values(fw, amount="6000000"), **TALENT})
    assert {w.model for w in writes} == {"CapCounter"}
    assert outside_funding(writes) == []

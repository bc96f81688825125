"""One door to money (issue 24 item 2): a voucher spent under its yearly cap, settled, approved and paid — every
write to a funding table on the way is made by funding's own code."""

from __future__ import annotations

from funding.tests.writes import funding_writes, outside_funding
from vouchers import services
from vouchers.tests import test_services as flows
from vouchers.tests.conftest import evidence


def test_a_voucher_settlement_paid_writes_funding_rows_only_through_funding(world):
    with funding_writes() as writes:
        _, _, use = flows._done_service(world)  # the voucher spent: its yearly cap assessed under funding's lock
        batch = services.create_settlement(world.pat, [use.pk], evidence(), "威海银行", "6222000011112222")
        services.approve_settlement(world.bea, batch.pk)
        services.end_publicity(world.bea, batch.pk)
        services.pay_settlement(world.fin, batch.pk)
    assert {"CapCounter", "Claim", "ClaimEvent", "Attachment", "LedgerEntry"} <= {w.model for w in writes}
    assert outside_funding(writes) == []
    assert [e.kind for e in services.ledger_entries(batch)].count("payment") == 2

"""One door to money (issue 24 item 2): an A 第16条 incubation reward — an incubatee upgraded inside its incubation
period, the carrier's entitlement claimed on a 孵化奖励 programme, decided and paid — every write to a funding table on
the way is made by funding's own code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funding.tests.writes import funding_writes, outside_funding, pay_entitlement
from incubation.services import add_stay, carrier_for, incubatee_for
from incubation.tests.conftest import certify

pytestmark = pytest.mark.django_db


def test_an_incubation_reward_paid_writes_funding_rows_only_through_funding(world):
    ent = world.ents[0]
    with funding_writes() as writes:
        add_stay(world.users["carrier"], carrier_for(world.incubator), incubatee_for(ent.uscc), dt.date(2021, 3, 1))
        certify(ent, dt.date(2024, 2, 29))  # the last day of the 3-year period
        claim = pay_entitlement(world.users["carrier"], "A.16.incubatee_upgrade_reward", 2024, "incubation")
    assert (claim.state, claim.decided_amount, claim.programme.kind) == ("paid", Decimal("100000.00"), "incubation")
    assert outside_funding(writes) == []

"""Issue 25, personal information: a payee's bank account is shown in full only to finance (who pays) and to the
payee itself; staff who only check or decide see it masked, on the page and in the API; every export that carries
accounts is logged (who, when, which rows)."""

from __future__ import annotations

import pytest
from django.test import Client

from core.formatting import masked
from core.models import AuditEvent
from funding.tests.conftest import submitted_claim

pytestmark = pytest.mark.django_db
FULL = "6222 0000 1111 2222"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_masked_keeps_head_and_tail():
    assert masked("6222000011112222") == "6222 **** 2222"
    assert masked(FULL) == "6222 **** 2222"
    assert masked("") == ""


def test_bank_account_is_masked_except_for_finance_and_the_payee(world):
    claim = submitted_claim(world)
    stored = claim.bank_account  # as saved (digits only)
    assert stored.replace(" ", "") == FULL.replace(" ", "")
    for user, full in ((world.alice, True), (world.fin, True), (world.dora, False), (world.bea, False)):
        c = _client(user)
        page = c.get(f"/funding/claims/{claim.pk}/").content.decode()
        api = c.get(f"/api/funding/claims/{claim.pk}/").json()
        if full:
            assert stored in page and api["bank_account"] == stored, user.username
        else:
            assert stored not in page and "6222 **** 2222" in page, user.username
            assert api["bank_account"] == "6222 **** 2222", user.username


def test_exports_with_bank_accounts_are_logged(world):
    c = _client(world.fin)
    assert c.get("/funding/payments/batch.xlsx").status_code == 200
    assert c.get("/funding/ledger.xlsx").status_code == 200
    actions = list(AuditEvent.objects.filter(actor=world.fin, action__startswith="funding.export_")
                   .values_list("action", flat=True))
    assert sorted(actions) == ["funding.export_ledger", "funding.export_payment_batch"]

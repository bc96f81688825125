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


def test_payment_list_and_batch_mask_accounts_for_the_bureau(world):
    """Finance pays, so finance reads the account in full; the bureau sees the same list and batch masked; both
    exports are logged with whether they carried full accounts."""
    import io

    from openpyxl import load_workbook

    from funding.models import Claim

    claim = submitted_claim(world)
    Claim.objects.filter(pk=claim.pk).update(state="approved")
    stored = claim.bank_account
    for user, full in ((world.fin, True), (world.bea, False)):
        c = _client(user)
        page = c.get("/funding/payments/").content.decode()
        sheet = load_workbook(io.BytesIO(c.get("/funding/payments/batch.xlsx").content), read_only=True).active
        cells = {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
        assert (stored in page) is full and (stored in cells) is full, user.username
        assert full or ("6222 **** 2222" in page and "6222 **** 2222" in cells)
        event = AuditEvent.objects.filter(actor=user, action="funding.export_payment_batch").latest("id")
        assert event.data["claims"] == [claim.pk] and event.data["full_accounts"] is full


def test_admin_shows_personal_data_masked(world):
    """The platform's administrator has no task that needs a payee's account: the admin shows it masked."""
    from accounts.models import User

    claim = submitted_claim(world)
    root = User.objects.create_superuser("root-pii", password="pw-12345-long")
    page = _client(root).get(f"/admin/funding/claim/{claim.pk}/change/").content.decode()
    assert claim.bank_account not in page and "6222 **** 2222" in page


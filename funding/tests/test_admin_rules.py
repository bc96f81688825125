"""Issue 25 item 4: Django admin stays inside the money rules, workflow roles are staff's, every admin change is
audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from funding import services
from funding.models import BankReturn, BlacklistEntry, BudgetLine, Claim, LedgerEntry, Programme
from funding.tests.conftest import submitted_claim, to_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(world):
    claim = to_decision(world, submitted_claim(world))
    services.perform(world.bea, claim.pk, "decide")
    services.perform(world.bea, claim.pk, "publicity_end")
    services.perform(world.fin, claim.pk, "pay")
    BankReturn.objects.create(filename="r.xlsx", sha256="0" * 64, rows=1)
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", "root@example.com", "pw-12345", role="bureau")
    client.force_login(user)
    return user


def _locked_objects(paid) -> list:
    return [paid, paid.budget_line, paid.programme, LedgerEntry.objects.filter(kind="payment").get(),
            LedgerEntry.objects.filter(kind="commitment").get(), BankReturn.objects.get()]


def test_every_admin_change_form_opens_and_money_is_read_only(paid, root, client):
    """Walk every registered model's change list and the change form of its first row: all open (200); the money
    rows of a paid claim open read-only (no 保存 button) and a POST to them is refused."""
    opened = 0
    for model in admin.site._registry:
        meta = model._meta
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200, meta
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        page = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert page.status_code == 200, meta.label
        opened += 1
    assert opened >= 8
    for obj in _locked_objects(paid):
        meta = obj._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        page = client.get(url).content.decode()
        assert 'name="_save"' not in page, meta.label
        assert client.post(url, {"bank_account": "6222999988887777", "amount": "1000000000"}).status_code == 403
    paid.refresh_from_db()
    assert paid.bank_account == "6222000011112222"
    assert BudgetLine.objects.get().amount == 1_000_000


def test_admin_change_of_any_other_model_writes_an_audit_event(world, root, client):
    entry = services.add_blacklist_entry(world.bea, world.org_b, "fraud", "威科发〔2024〕1号", dt.date(2024, 1, 1),
                                         dt.date(2025, 1, 1))
    url = reverse("admin:funding_blacklistentry_change", args=[entry.pk])
    response = client.post(url, {"organization": world.org_b.pk, "person_name": "", "reason": "fraud",
                                 "decision": "威科发〔2024〕2号", "starts_on": "2024-01-01", "ends_on": "2026-01-01",
                                 "confirmed": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor, event.object_type, event.object_id) == (root, "funding.blacklistentry", str(entry.pk))
    assert "管理后台" in event.summary
    # a bulk delete of several rows (bulk_create of the log: no post_save) is audited row by row
    other = services.add_blacklist_entry(world.bea, world.org_a, "fraud", "威科发〔2024〕3号", dt.date(2024, 1, 1),
                                         dt.date(2025, 1, 1))
    client.post(reverse("admin:funding_blacklistentry_changelist"),
                {"action": "delete_selected", "_selected_action": [entry.pk, other.pk], "post": "yes"})
    assert not BlacklistEntry.objects.exists()
    assert set(AuditEvent.objects.filter(action="admin.delete").values_list("object_id", flat=True)) == {
        str(entry.pk), str(other.pk)}


def test_draft_claim_still_editable_in_admin(world, root, client):
    claim, _ = services.create_claim_from_entitlement(world.alice, world.org_a, "A.07.hte_reward", 2024)
    assert admin.site._registry[Claim].has_change_permission(type("R", (), {"user": root})(), claim)


@pytest.mark.parametrize("transition", ["decide", "pay", "district_pass", "reject", "publicity_end"])
def test_workflow_can_never_let_an_applicant_decide_or_pay(world, transition):
    bad = {"steps": ["formal_check", "decision", "publicity", "approved"],
           "roles": {transition: ["bureau", "applicant"]}}
    with pytest.raises(Exception, match="不能由申请单位办理"):
        services.create_programme(world.bea, "坏专项", 2026, workflow_def=bad)
    # the database refuses it too (admin, raw save)
    programme = Programme.objects.get(year=2024)
    programme.workflow = {**programme.workflow, "roles": {**programme.workflow["roles"], transition: ["applicant"]}}
    with pytest.raises(IntegrityError), transaction.atomic():
        programme.save()
    programme.workflow["roles"][transition] = ["enterprise"]
    with pytest.raises(IntegrityError), transaction.atomic():
        programme.save()


def test_workflow_admin_form_names_the_wrong_role(world, root, client):
    programme = Programme.objects.get(year=2024)
    Claim.objects.all().delete()
    wf = {"steps": ["formal_check", "decision", "publicity", "approved"], "roles": {"pay": ["applicant"]}}
    response = client.post(reverse("admin:funding_programme_change", args=[programme.pk]), {
        "name": programme.name, "year": 2024, "legal_basis": "", "workflow": json.dumps(wf),
        "required_attachments": "[]", "publicity_days": 5})
    assert response.status_code == 200
    assert "「拨付」不能由申请单位办理" in response.content.decode()
    assert Programme.objects.get(pk=programme.pk).workflow["roles"]["pay"] == ["finance"]

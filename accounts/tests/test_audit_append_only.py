"""The audit log and the change history are append-only in the database; the admin shows them read-only and its
edits of organisations and yearly facts go through the registry services (issue 12)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from core.audit import record
from core.models import AuditEvent
from registry.models import AnnualFacts, ChangeRecord

pytestmark = pytest.mark.django_db


def _refused(fn) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        fn()


def test_audit_log_cannot_be_updated_or_deleted(parties):
    event = record(None, "test.event", None, "原始记录")
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(summary="篡改"))
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).summary == "原始记录"


def test_change_history_cannot_be_updated_or_deleted(parties):
    org = parties.district_org
    row = ChangeRecord.objects.create(organization=org, record_type="organization", field="名称", old_value="a",
                                      new_value="b")
    _refused(lambda: ChangeRecord.objects.filter(pk=row.pk).update(new_value="c"))
    _refused(lambda: ChangeRecord.objects.filter(pk=row.pk).delete())
    assert ChangeRecord.objects.get(pk=row.pk).new_value == "b"


def test_admin_cannot_add_change_or_delete_audit_entries(parties):
    c = Client()
    c.force_login(parties.users["bureau"])
    event = record(None, "test.event", None, "x")
    assert c.get("/admin/core/auditevent/add/").status_code == 403
    assert c.post("/admin/core/auditevent/add/", {"action": "x", "actor": parties.users["enterprise"].pk}).status_code == 403
    assert c.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    page = c.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert c.get("/admin/registry/changerecord/add/").status_code == 403


def test_admin_edit_of_organization_and_facts_writes_history_and_audit(parties):
    org = parties.district_org
    c = Client()
    c.force_login(parties.users["bureau"])
    url = f"/admin/registry/organization/{org.pk}/change/"
    form = c.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, list)}
    data.update({k: v.pk if hasattr(v, "pk") else v for k, v in data.items()})
    data["name"] = org.name + "（改）"
    for prefix in ("qualifications", "recognitions", "annual_facts"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    year = str((org.annual_facts.order_by("year").values_list("year", flat=True).first() or 2021) - 1)
    data.update({"annual_facts-TOTAL_FORMS": "1", "annual_facts-0-year": year, "annual_facts-0-sales_revenue": "5000",
                 "annual_facts-0-source": "statistics", "annual_facts-0-organization": org.pk})
    before_changes, before_events = org.changes.count(), AuditEvent.objects.count()
    response = c.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    org.refresh_from_db()
    assert org.name.endswith("（改）")
    assert org.changes.filter(channel="admin", field="名称").exists()
    assert AnnualFacts.objects.get(organization=org, year=int(year)).sales_revenue == 5000
    assert org.changes.count() > before_changes + 1
    assert AuditEvent.objects.count() >= before_events + 2

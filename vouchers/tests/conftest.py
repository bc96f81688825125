"""Fixtures of the voucher tests: known actors with known rights, an approved provider with an instrument, a 2024
voucher programme with a confirmed city line and a province line.

Actors: ``alice`` (enterprise A, a 科技型中小企业, region R1), ``bob`` (enterprise B, region R2), ``pat`` (provider P's
account, P in R1), ``dora`` (district staff of R1), ``bea`` and ``ben`` (bureau), ``fin`` (finance).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from registry.models import Organization, Qualification, Region
from registry.uscc import make_uscc
from vouchers import services
from vouchers.models import Instrument, Provider

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence() -> dict[str, tuple[str, bytes]]:
    return {label: (f"{i}.pdf", PDF + str(i).encode()) for i, label in enumerate(services.EVIDENCE)}


def empty_ledger() -> None:
    """The funding ledger refuses DELETE/TRUNCATE; a transactional test's flush needs it empty (as funding's tests)."""
    from django.db import transaction

    from funding.migrations import _sqlite_triggers

    if connection.vendor == "postgresql":
        import pgtrigger

        with transaction.atomic(), pgtrigger.ignore("funding.LedgerEntry:ledger_append_only"):
            with connection.cursor() as cur:
                cur.execute("DELETE FROM funding_ledgerentry")
    else:
        with connection.cursor() as cur:
            for sql in _sqlite_triggers.DROP:
                cur.execute(sql)
            cur.execute("DELETE FROM funding_ledgerentry")
            for sql in _sqlite_triggers.CREATE:
                cur.execute(sql)


@pytest.fixture(autouse=True)
def _empty_ledger_after_transactional_tests(request):
    yield
    marker = request.node.get_closest_marker("django_db")
    if "live_server" in request.fixturenames or "transactional_db" in request.fixturenames \
            or (marker and marker.kwargs.get("transaction")):
        empty_ledger()


def _user(username: str, role: str, **extra) -> User:
    return User.objects.create_user(username=username, password="pw-12345", role=role, **extra)


def next_day(hour: int, days: int = 3) -> dt.datetime:
    d = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(d, dt.time(hour)))


def slot_passed(booking, days: int = 4):
    """Time passes: the booking's slot moves ``days`` back (a slot booked ``next_day`` is then over), as a service is
    recorded only after its slot (the booking rules refuse booking the past, so tests book ahead and move it)."""
    from vouchers.models import Booking

    shift = dt.timedelta(days=days)
    Booking.objects.filter(pk=booking.pk).update(starts_at=booking.starts_at - shift, ends_at=booking.ends_at - shift)
    booking.refresh_from_db()
    return booking


@pytest.fixture
def world(db):
    from registry.models import IndustryChain
    from registry.reference import load_reference

    if not Region.objects.exists():
        load_reference(Region, IndustryChain)
    r1, r2 = list(Region.objects.filter(kind="division").order_by("code")[:2])
    org_a = Organization.objects.create(kind="enterprise", name="甲科技有限公司", uscc=make_uscc("91371000MA3C00001"),
                                        region=r1, legal_representative="张三")
    org_b = Organization.objects.create(kind="enterprise", name="乙材料有限公司", uscc=make_uscc("91371000MA3C00002"),
                                        region=r2, legal_representative="李四")
    org_p = Organization.objects.create(kind="service_provider", name="威海检测技术研究院",
                                        uscc=make_uscc("12371000MB3C00003"), region=r1, provider_type="testing",
                                        legal_representative="王五")
    for org in (org_a, org_b):
        Qualification.objects.create(organization=org, kind="tech_sme", year=2024, valid_from=dt.date(2024, 1, 1),
                                     valid_to=dt.date(2026, 12, 31))
    w = SimpleNamespace(r1=r1, r2=r2, org_a=org_a, org_b=org_b, org_p=org_p,
                        alice=_user("alice", "enterprise", organization=org_a),
                        bob=_user("bob", "enterprise", organization=org_b),
                        pat=_user("pat", "provider", organization=org_p),
                        dora=_user("dora", "district", region=r1),
                        bea=_user("bea", "bureau"), ben=_user("ben", "bureau"), fin=_user("fin", "finance"))
    w.provider = services.apply_provider(w.pat, True, "王工 0631-0000000", "检验检测与仪器共享",
                                         [{"name": "材料成分检测", "category": "testing", "price_basis": "sample",
                                           "price": "500"}])
    services.decide_provider(w.bea, w.provider, True)
    w.service = w.provider.services.get()
    w.instrument = Instrument.objects.create(provider=w.provider, name="场发射扫描电子显微镜", model_no="SU8010",
                                             kind="电子显微镜", region=r1, location="高区 研究院 3 楼",
                                             price=Decimal("400"), notice_hours=24, max_hours=8, opens_at=8,
                                             closes_at=18)
    from funding import services as funding

    today = timezone.localdate()
    w.vp = services.create_programme(
        w.bea, 2024, city_budget="2000000", province_budget="4000000", starts_on=dt.date(2024, 1, 1),
        expires_on=today + dt.timedelta(days=365), yearly_cap="100000", publicity_days=0,
        kinds=[{"kind": "universal", "categories": ["instrument", "testing", "rd_design"], "face_amount": "20000",
                "share": "0.5"},
               {"kind": "priority", "categories": ["tech_transfer"], "face_amount": "50000", "share": "0.3"}])
    funding.confirm_budget_line(w.fin, w.vp.city_line)
    funding.confirm_budget_line(w.fin, w.vp.province_line)
    w.universal = w.vp.kinds.get(kind="universal")
    services.issue_vouchers(w.bea, w.universal, dt.date(2024, 3, 1))
    w.voucher_a = w.universal.vouchers.get(organization=org_a)
    return w


def approved_provider(w) -> Provider:
    return w.provider

"""The vouchers demo lives today, at every demo size: the current year's vouchers, this year's bookings and records,
work waiting for the ``provider`` login, and 服务机构审核 showing this year's counts — also built two years from now."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.utils import timezone

from accounts.models import User
from vouchers import demo
from vouchers.models import Booking, Provider, ServiceRecord, Voucher, VoucherProgramme

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def _check_demo_of(day: dt.date) -> None:
    """What the demo built on ``day`` holds, read from the database and the pages."""
    out = demo.generate()
    assert out["year"] == day.year and out["vouchers"] > 0 and out["uses"] > 0, out
    vp = VoucherProgramme.objects.get()
    assert (vp.year, vp.starts_on, vp.expires_on) == (day.year, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    assert not Voucher.objects.exclude(expires_on=dt.date(day.year, 12, 31)).exists()
    assert ServiceRecord.objects.filter(performed_on__year=day.year, performed_on__lte=day).count() == out["uses"]
    assert not ServiceRecord.objects.exclude(performed_on__year=day.year).exists()
    assert not Booking.objects.exclude(starts_at__year=day.year).exclude(
        starts_at__date__gt=day - dt.timedelta(days=demo.RECENT_DAYS), starts_at__date__lt=day + dt.timedelta(days=9)) \
        .exists()

    provider = User.objects.get(username="provider")
    mine = Booking.objects.filter(instrument__provider__organization=provider.organization)
    start_of_day = timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
    to_confirm = mine.filter(state="pending", starts_at__gt=start_of_day + dt.timedelta(days=1))
    to_record = mine.filter(state="approved", ends_at__lt=start_of_day, record__isnull=True)
    assert to_confirm.count() >= 3 and to_record.count() >= 3
    enterprise = User.objects.get(username="enterprise")
    assert to_confirm.filter(organization=enterprise.organization).exists()
    html = _client("provider").get("/vouchers/bookings/", {"state": "pending"}).content.decode()
    assert html.count("待审批") >= 4  # the filter's option and the bookings to confirm

    # providers' place is the registry's (the 市外 institute shows 市外), and the year's real counts
    for p in Provider.objects.select_related("organization"):
        assert p.inside_city == p.organization.located_locally, p
    bureau = _client("bureau")
    html = bureau.get("/vouchers/providers/", {"year": day.year}).content.decode()
    assert f"{day.year} 年度评价" in html
    counts = [int(n) for n in re.findall(r'class="evaluation">服务 (\d+) 次', html)]
    assert sum(counts) == ServiceRecord.objects.filter(performed_on__year=day.year).count() and max(counts) > 0
    outside = Provider.objects.filter(inside_city=False).select_related("organization").first()
    if outside:
        row = html.split(outside.organization.name, 1)[1].split("</tr>", 1)[0]
        assert '<td class="place">市外' in row


def test_demo_at_the_smallest_city_lives_today(demo_city):
    """KECHUANG_DEMO_ENTERPRISES=300 stopped with "Cannot choose from an empty sequence" and had no provider login."""
    today = timezone.localdate()
    _check_demo_of(today)
    html = _client("bureau").get("/vouchers/providers/").content.decode()
    assert f"{today.year} 年度评价" in html  # the current year by default
    work = _client("provider").get("/vouchers/provider/").content.decode()
    to_confirm, to_record = (int(re.search(rf"{label} (\d+) 条", work).group(1)) for label in ("待确认的预约", "待登记服务记录"))
    assert to_confirm >= 3 and to_record >= 3
    assert demo.generate() == {}  # idempotent


def test_demo_built_two_years_from_now(demo_city, monkeypatch):
    later = timezone.localdate() + relativedelta(years=2)
    monkeypatch.setattr(demo, "today", lambda: later)
    _check_demo_of(later)


def test_demo_of_next_year_on_last_years_database_reuses_providers(demo_city, monkeypatch):
    """run.sh on a database built a year earlier adds the new year: same providers and instruments, no overlap."""
    first = demo.generate()
    providers, instruments = Provider.objects.count(), first["instruments"]
    later = timezone.localdate() + relativedelta(years=1)
    monkeypatch.setattr(demo, "today", lambda: later)
    out = demo.generate()
    assert out["year"] == later.year and out["vouchers"] > 0 and out["uses"] > 0
    assert sorted(VoucherProgramme.objects.values_list("year", flat=True)) == [later.year - 1, later.year]
    assert Provider.objects.count() == providers and out["instruments"] == instruments
    rows = sorted(Booking.objects.values_list("instrument_id", "starts_at", "ends_at"))
    assert not [a for a, b in zip(rows, rows[1:], strict=False) if a[0] == b[0] and b[1] < a[2]]  # no overlap

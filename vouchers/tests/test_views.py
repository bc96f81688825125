"""Pages and API: figures users see, other parties' ids answer 404, bad input answers in Chinese."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from vouchers import services
from vouchers.models import Booking
from vouchers.tests.conftest import evidence, next_day, slot_passed

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _paid_batch(w):
    b = services.book(w.alice, w.instrument.pk, next_day(9), next_day(12))
    services.booking_step(w.pat, b.pk, "approve")
    services.hold_for_booking(w.alice, w.voucher_a.pk, b.pk)
    slot_passed(b)
    rec = services.record_service(w.pat, booking_id=b.pk, quantity=3, amount="1200", invoice_no="F-9",
                                  performed_on=timezone.localtime(b.starts_at).date())
    services.confirm_record(w.alice, rec.pk)
    batch = services.create_settlement(w.pat, [rec.voucher_use.pk], evidence(), "威海银行", "6222000011112222")
    services.approve_settlement(w.bea, batch.pk)
    services.end_publicity(w.bea, batch.pk)
    services.pay_settlement(w.fin, batch.pk)
    return b, rec, batch


def test_catalogue_search_and_instrument_page(world):
    c = client(world.bob)
    html = c.get("/vouchers/", {"q": "电子显微镜", "region": world.r1.pk}).content.decode()
    assert "场发射扫描电子显微镜" in html and "400.00 元/小时" in html and "共 1 台" in html
    assert "共 0 台" in c.get("/vouchers/", {"q": "不存在的仪器"}).content.decode()
    html = c.get(f"/vouchers/instruments/{world.instrument.pk}/").content.decode()
    assert "每日 8:00–18:00 开放" in html and "全天空闲" in html


def test_booking_form_bad_input_is_chinese(world):
    c = client(world.alice)
    r = c.post(f"/vouchers/instruments/{world.instrument.pk}/", {"starts_at": "明天", "ends_at": ""}, follow=True)
    assert "开始时间：请按 年-月-日 时:分 填写" in r.content.decode()
    past = (timezone.localtime() - timezone.timedelta(days=2)).strftime("%Y-%m-%dT09:00")
    r = c.post(f"/vouchers/instruments/{world.instrument.pk}/", {"starts_at": past, "ends_at": past[:-5] + "10:00"},
               follow=True)
    assert "已经过去" in r.content.decode()


def test_flow_pages_show_amounts_and_ledger(world):
    b, rec, batch = _paid_batch(world)
    html = client(world.alice).get(f"/vouchers/records/{rec.pk}/").content.decode()
    # 威政发〔2023〕5号 第30条: 1,200 元 → province 480, city 240, the user pays 480
    assert "480.00" in html and "240.00" in html and "威政发〔2023〕5号 第30条" in html
    html = client(world.pat).get(f"/vouchers/settlements/{batch.pk}/").content.decode()
    assert "已拨付" in html and "创新券市级补助（市级）" in html and "240.00 元" in html and "480.00 元" in html
    html = client(world.alice).get("/vouchers/mine/").content.decode()
    assert "19,280.00 元" in html and "仪器共享、检验检测、研发设计" in html


def test_other_parties_get_404(world):
    b, rec, batch = _paid_batch(world)
    bob = client(world.bob)
    for url in (f"/vouchers/bookings/{b.pk}/", f"/vouchers/records/{rec.pk}/", f"/vouchers/settlements/{batch.pk}/",
                "/vouchers/providers/", "/vouchers/reports/", "/vouchers/provider/"):
        assert bob.get(url).status_code == 404, url
    assert bob.post(f"/vouchers/bookings/{b.pk}/", {"step": "cancel"}).status_code == 404
    assert bob.get("/api/vouchers/bookings/").json() == []
    assert Client().get("/vouchers/").status_code == 302


def test_report_and_excel(world):
    _paid_batch(world)
    html = client(world.bea).get("/vouchers/reports/?year=2024").content.decode()
    assert "发放 2 张" in html and "40,000.00" in html and "720.00" in html and "echarts" in html
    data = client(world.bea).get("/vouchers/reports/export.xlsx?year=2024").content
    wb = load_workbook(io.BytesIO(data))
    rows = list(wb["按区市"].values)
    assert rows[-1] == ("合计", 40000.0, 720.0, 720.0)
    assert [r[0] for r in wb["按服务类别"].values][1:] == ["仪器共享"]


def test_api_booking_and_record_post(world):
    c = client(world.alice)
    r = c.post("/api/vouchers/bookings/", {"instrument": world.instrument.pk, "starts_at": next_day(9).isoformat(),
                                           "ends_at": next_day(10).isoformat()}, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "pending"
    clash = c.post("/api/vouchers/bookings/", {"instrument": world.instrument.pk,
                                               "starts_at": next_day(9).isoformat(),
                                               "ends_at": next_day(11).isoformat()}, content_type="application/json")
    assert clash.status_code == 400 and "重叠" in clash.json()["detail"]
    pat = client(world.pat)
    assert pat.post(f"/api/vouchers/bookings/{r.json()['id']}/step/", {"step": "approve"},
                    content_type="application/json").json()["state"] == "approved"
    b = slot_passed(Booking.objects.get(pk=r.json()["id"]))
    rec = pat.post("/api/vouchers/records/", {"booking": b.pk, "quantity": "1", "amount": "400",
                                              "performed_on": str(timezone.localtime(b.starts_at).date())},
                   content_type="application/json")
    assert rec.status_code == 201 and Decimal(rec.json()["amount"]) == Decimal("400")
    found = c.get("/api/vouchers/instruments/", {"kind": "电子显微镜"}).json()
    assert found["count"] == 1 and found["results"][0]["price"] == "400.00"


def test_provider_annual_evaluation_from_ratings(world):
    """Two records, one confirmed without a rating and one disputed with 2 points: average 2.00, a dispute in two
    records (over 10%) → 建议出库."""
    _paid_batch(world)
    rec = services.record_service(world.pat, organization_id=world.org_b.pk, service_id=world.service.pk, quantity=1,
                                  amount="500", performed_on=timezone.localdate())
    services.confirm_record(world.bob, rec.pk, agree=False, rating=2)
    year = timezone.localdate().year
    ev = services.provider_evaluations(type(world.provider).objects.all(), year)[world.provider.pk]
    assert (ev.services, ev.average_rating, ev.disputed) == (2, Decimal("2.00"), 1)
    html = client(world.bea).get(f"/vouchers/providers/?year={year}").content.decode()
    cell = html[html.find("class=\"evaluation\""):][:300]
    assert "服务 2 次，平均评分 2.00，异议 1 次" in html and "建议出库" in html, cell


def test_provider_adds_instrument_and_bad_input(world):
    pat = client(world.pat)
    r = pat.post("/vouchers/provider/", {"add_instrument": "1", "name": "激光粒度仪", "kind": "颗粒分析",
                                         "price_basis": "sample", "price": "abc", "opens_at": "8", "closes_at": "18",
                                         "notice_hours": "24", "max_hours": "4", "cancel_hours": "24"}, follow=True)
    assert "单价：请填写金额数字" in r.content.decode()
    r = pat.post("/vouchers/provider/", {"add_instrument": "1", "name": "激光粒度仪", "kind": "颗粒分析",
                                         "price_basis": "sample", "price": "260", "opens_at": "8", "closes_at": "18",
                                         "notice_hours": "24", "max_hours": "4", "cancel_hours": "24",
                                         "networked": "1"}, follow=True)
    html = r.content.decode()
    assert "激光粒度仪" in html and "260.00 元/样（送样检测）" in html
    assert client(world.bob).post("/vouchers/provider/", {"add_instrument": "1"}).status_code == 404


def test_booking_with_uncovered_voucher_writes_nothing(world):
    """The voucher is held with the order in one transaction: a refused voucher leaves no booking behind."""
    world.universal.categories = ["testing"]
    world.universal.save()
    start = next_day(9)
    r = client(world.alice).post(f"/vouchers/instruments/{world.instrument.pk}/", {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": next_day(10).strftime("%Y-%m-%dT%H:%M"),
        "voucher": world.voucher_a.pk}, follow=True)
    assert "服务类别「仪器共享」不在本券（普惠券）适用范围内；本券可用于：检验检测。" in r.content.decode()
    from vouchers.models import Booking

    assert Booking.objects.count() == 0

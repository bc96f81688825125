"""A service is recorded only after its slot; pages offer only the vouchers that can pay; 我的创新券 shows expiry; the
provider list shows the place B 第30条 reads; out-of-range input answers in Chinese, naming the field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from vouchers import services, subsidy
from vouchers.models import Booking, Instrument, ServiceRecord, Voucher
from vouchers.services import VoucherError
from vouchers.tests.conftest import next_day, slot_passed

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _approved(w, hours=(9, 11)) -> Booking:
    b = services.book(w.alice, w.instrument.pk, next_day(hours[0]), next_day(hours[1]))
    services.booking_step(w.pat, b.pk, "approve")
    return b


def _messages(html: str) -> str:
    return " ".join(re.findall(r'<ul class="messages">(.*?)</ul>', html, re.S))


# ------------------------------------------------------------------ item 7: no service recorded before its slot


def test_service_cannot_be_recorded_before_its_slot(world):
    b = _approved(world)
    slot_day = timezone.localtime(b.starts_at).date()
    with pytest.raises(VoucherError, match="尚未开始，服务完成后再登记") as exc:
        services.record_service(world.pat, booking_id=b.pk, quantity=2, amount="800", performed_on=slot_day)
    assert exc.value.field == "booking"
    for day in (timezone.localdate() + dt.timedelta(days=1), dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        with pytest.raises(VoucherError, match="服务日期：") as exc:  # a service without a booking: not after today
            services.record_service(world.pat, organization_id=world.org_a.pk, service_id=world.service.pk,
                                    quantity=1, amount="500", performed_on=day)
        assert exc.value.field == "performed_on"
    b.refresh_from_db()
    assert b.get_state_display() == "已确认" and not ServiceRecord.objects.exists()

    slot_passed(b)
    slot_day = timezone.localtime(b.starts_at).date()
    with pytest.raises(VoucherError, match=f"服务日期：不能早于预约时段的日期 {slot_day:%Y-%m-%d}"):
        services.record_service(world.pat, booking_id=b.pk, quantity=2, amount="800",
                                performed_on=slot_day - dt.timedelta(days=1))
    rec = services.record_service(world.pat, booking_id=b.pk, quantity=2, amount="800", performed_on=slot_day)
    b.refresh_from_db()
    assert rec.performed_on == slot_day and b.get_state_display() == "已完成"


def test_model_refuses_a_record_dated_before_its_slot_and_a_done_booking_before_it(world):
    b = _approved(world)
    rec = ServiceRecord(provider=world.provider, organization=world.org_a, booking=b, instrument=world.instrument,
                        category="instrument", performed_on=timezone.localdate(), quantity=Decimal(2),
                        amount=Decimal(800))
    with pytest.raises(ValidationError) as exc:
        rec.full_clean()
    assert "服务日期不能早于预约时段的日期" in exc.value.message_dict["performed_on"][0]
    b.state = Booking.State.DONE
    with pytest.raises(ValidationError) as exc:
        b.full_clean()
    assert exc.value.message_dict["state"] == ["预约时段尚未开始，不能标为已完成。"]


def test_record_form_and_api_wait_for_the_slot(world):
    b = _approved(world)
    pat = client(world.pat)
    html = pat.get(f"/vouchers/bookings/{b.pk}/").content.decode()
    assert "开始后可登记服务记录" in html and 'id="record-form"' not in html
    slot_day = str(timezone.localtime(b.starts_at).date())
    html = pat.post(f"/vouchers/bookings/{b.pk}/", {"record": "1", "performed_on": slot_day, "quantity": "2",
                                                   "amount": "800"}, follow=True).content.decode()
    assert "尚未开始，服务完成后再登记服务记录" in _messages(html) and "已确认" in html
    r = pat.post("/api/vouchers/records/", {"booking": b.pk, "quantity": "2", "amount": "800",
                                            "performed_on": slot_day}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "booking" and "尚未开始" in r.json()["detail"]

    slot_passed(b)
    html = pat.get(f"/vouchers/bookings/{b.pk}/").content.decode()
    day = timezone.localtime(b.starts_at).date()
    assert f'min="{day:%Y-%m-%d}" max="{timezone.localdate():%Y-%m-%d}"' in html
    r = pat.post("/api/vouchers/records/", {"booking": b.pk, "quantity": "2", "amount": "800",
                                            "performed_on": str(day - dt.timedelta(days=1))},
                 content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "performed_on" and "不能早于预约时段的日期" in r.json()["detail"]
    html = pat.post(f"/vouchers/bookings/{b.pk}/", {"record": "1", "performed_on": str(day), "quantity": "2",
                                                   "amount": "800"}, follow=True).content.decode()
    assert "待用户确认" in html and "800.00" in html
    assert Booking.objects.get(pk=b.pk).get_state_display() == "已完成"


# ------------------------------------------------------------------ item 8: only usable vouchers offered


def _other_vouchers(w) -> tuple[Voucher, Voucher]:
    """An expired universal voucher and a priority voucher (tech transfer only) of enterprise A."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    expired = Voucher.objects.create(kind=w.universal, organization=w.org_a, seq=2, amount=Decimal(20000),
                                     issued_on=dt.date(2024, 3, 1), expires_on=yesterday)
    priority = Voucher.objects.create(kind=w.vp.kinds.get(kind="priority"), organization=w.org_a, amount=Decimal(50000),
                                      issued_on=dt.date(2024, 3, 1), expires_on=w.voucher_a.expires_on)
    return expired, priority


def _options(html: str, form: str) -> list[str]:
    part = html.split(form, 1)[1].split("</form>", 1)[0]
    return re.findall(r'<option value="(\d+)"', part)


def test_booking_and_record_pages_offer_only_usable_vouchers(world):
    expired, priority = _other_vouchers(world)
    alice = client(world.alice)
    html = alice.get(f"/vouchers/instruments/{world.instrument.pk}/").content.decode()
    assert _options(html, 'id="book"') == [str(world.voucher_a.pk)]
    assert f"（余额 20,000.00 元，{world.voucher_a.expires_on:%Y-%m-%d} 到期）" in html

    b = services.book(world.alice, world.instrument.pk, next_day(9), next_day(11))
    html = alice.get(f"/vouchers/bookings/{b.pk}/").content.decode()
    assert _options(html, "使用创新券") == [str(world.voucher_a.pk)]

    rec = services.record_service(world.pat, organization_id=world.org_a.pk, service_id=world.service.pk,
                                  quantity=1, amount="500", performed_on=timezone.localdate())
    services.confirm_record(world.alice, rec.pk)
    html = alice.get(f"/vouchers/records/{rec.pk}/").content.decode()
    assert _options(html, "使用创新券") == [str(world.voucher_a.pk)]
    Voucher.objects.filter(pk=world.voucher_a.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=2))
    html = alice.get(f"/vouchers/records/{rec.pk}/").content.decode()
    assert "没有可用于本次服务（检验检测" in html and "使用创新券</h2>" not in html


def test_my_vouchers_marks_expiry_and_what_expires_soon(world):
    expired, _ = _other_vouchers(world)
    Voucher.objects.filter(pk=world.voucher_a.pk).update(expires_on=timezone.localdate() + dt.timedelta(days=10),
                                                         spent=Decimal(5000))
    html = client(world.alice).get("/vouchers/mine/").content.decode()
    soon = re.search(r'id="expiring">(.*?)</div>', html, re.S).group(1)
    assert "1 张创新券将在 30 天内到期" in soon and "余额合计 15,000.00 元" in soon and "还剩 10 天" in soon
    rows = re.findall(r'<td class="balance">(.*?)</td><td class="expiry">(.*?)</td>', html)
    by_expiry = {expiry: balance for balance, expiry in rows}
    assert by_expiry[f"{expired.expires_on:%Y-%m-%d}（已过期）"] == "已过期"
    soon_day = timezone.localdate() + dt.timedelta(days=10)
    assert by_expiry[f"{soon_day:%Y-%m-%d}（10 天后到期）"] == "15,000.00 元"


# ------------------------------------------------------------------ item 16: the place B 第30条 reads


def test_provider_list_shows_the_place_that_b30_reads(world):
    world.org_p.name = "威海检测技术研究院（市外）"
    world.org_p.save()
    world.provider.inside_city = False
    world.provider.save()
    html = client(world.bea).get("/vouchers/providers/").content.decode()
    place = re.search(r"威海检测技术研究院（市外）</td><td class=\"place\">(.*?)</td>", html, re.S).group(1)
    assert place.startswith("市外") and "不享第30条市级补助" in place
    assert f"{timezone.localdate().year} 年度评价" in html  # the current year by default
    html = client(world.bea).get("/vouchers/providers/", {"year": "99999"}).content.decode()
    assert "年度评价：请填写四位年份" in _messages(html)
    assert not Instrument.objects.get(pk=world.instrument.pk).on_city_network
    b = services.book(world.alice, world.instrument.pk, next_day(9), next_day(12))
    use = services.hold_for_booking(world.alice, world.voucher_a.pk, b.pk)
    # 3 h × 400 元 = 1,200 元: the programme's 50% (city money), not B 第30条's province 40% + city 20%
    assert use.citation == subsidy.basis().citation and use.province_amount == 0 and use.city_amount == Decimal("600.00")


# ------------------------------------------------------------------ issue 25: out-of-range input, Chinese answers


def test_out_of_range_booking_input_answers_chinese_naming_the_field(world):
    world.instrument.price_basis = "sample"
    world.instrument.save()
    alice = client(world.alice)
    r = alice.post("/api/vouchers/bookings/", {"instrument": world.instrument.pk, "starts_at": next_day(9).isoformat(),
                                               "ends_at": next_day(10).isoformat(), "samples": 2 ** 63},
                   content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "samples" and "样品数：须在 0–10000 之间" in r.json()["detail"]
    html = alice.post(f"/vouchers/instruments/{world.instrument.pk}/", {
        "starts_at": next_day(9).strftime("%Y-%m-%dT%H:%M"), "ends_at": next_day(10).strftime("%Y-%m-%dT%H:%M"),
        "samples": str(2 ** 63)}).content.decode()
    assert "样品数：须在 0–10000 之间" in _messages(html)
    for year in ("0001", "9999"):
        html = alice.post(f"/vouchers/instruments/{world.instrument.pk}/", {
            "starts_at": f"{year}-06-01T09:00", "ends_at": f"{year}-06-01T10:00", "samples": "1"}).content.decode()
        assert "开始时间：" in _messages(html), year
        r = alice.post("/api/vouchers/bookings/", {"instrument": world.instrument.pk,
                                                   "starts_at": f"{year}-06-01T09:00:00+08:00",
                                                   "ends_at": f"{year}-06-01T10:00:00+08:00", "samples": 1},
                       content_type="application/json")
        assert r.status_code == 400 and "开始时间" in r.json()["detail"], (year, r.content)
    assert not Booking.objects.exists()


def test_out_of_range_instrument_input_answers_chinese_naming_the_field(world):
    pat = client(world.pat)
    base = {"add_instrument": "1", "name": "X射线衍射仪", "kind": "X射线仪器", "price": "300", "price_basis": "hour",
            "notice_hours": "24", "max_hours": "8", "cancel_hours": "24", "opens_at": "8", "closes_at": "18"}
    for change, message in (({"price": "1e30"}, "单价：金额不能超过 9,999,999,999.99 元"),
                            ({"price": "inf"}, "单价：金额须大于 0 元"),
                            ({"notice_hours": "-5"}, "提前预约：须在 0–720 之间"),
                            ({"max_hours": "99999"}, "单次最长：须在 1–24 之间"),
                            ({"cancel_hours": "abc"}, "开始前可取消：请填写整数")):
        r = pat.post("/vouchers/provider/", {**base, **change}, follow=True)
        assert r.status_code == 200 and message in _messages(r.content.decode()), change
    assert Instrument.objects.count() == 1
    r = pat.post("/vouchers/provider/", base, follow=True)
    assert "已登记入网仪器" in _messages(r.content.decode()) and Instrument.objects.count() == 2


def test_provider_page_lists_bookings_to_confirm_and_services_to_record(world):
    b = services.book(world.alice, world.instrument.pk, next_day(9), next_day(11))
    work = re.search(r'id="work">(.*?)</div>', client(world.pat).get("/vouchers/provider/").content.decode(), re.S)
    assert "待确认的预约 1 条" in work.group(1) and "甲科技有限公司" in work.group(1)
    assert "待登记服务记录 0 条" in work.group(1)
    services.booking_step(world.pat, b.pk, "approve")
    slot_passed(b)
    work = re.search(r'id="work">(.*?)</div>', client(world.pat).get("/vouchers/provider/").content.decode(), re.S)
    assert "待确认的预约 0 条" in work.group(1) and "待登记服务记录 1 条" in work.group(1)
    assert f"/vouchers/bookings/{b.pk}/" in work.group(1)
    assert [v.pk for v in services.expiring_vouchers(world.alice)] == []
    Voucher.objects.filter(pk=world.voucher_a.pk).update(expires_on=timezone.localdate() + dt.timedelta(days=30))
    assert [v.pk for v in services.expiring_vouchers(world.alice)] == [world.voucher_a.pk]


def test_out_of_range_dates_and_years_in_addresses_answer_a_page(world):
    alice = client(world.alice)
    for start in ("0001-01-01", "9999-12-31"):
        html = alice.get(f"/vouchers/instruments/{world.instrument.pk}/", {"start": start}).content.decode()
        assert "日历起始日期：请选择三年以内的日期，已显示本周" in _messages(html)
        assert f"{timezone.localdate():%m月%d日}" in html
    bea = client(world.bea)
    for year in ("abc", "99999", "２０２４"):
        html = bea.get("/vouchers/reports/", {"year": year}).content.decode()
        assert "2024 年度科技创新券 · 统计" in html, year
        assert bea.get("/vouchers/reports/export.xlsx", {"year": year}).status_code == 200

"""In a real headless Chromium: an enterprise books an instrument with its voucher, the owner approves and records
usage, the enterprise confirms, the voucher pays its share (威政发〔2023〕5号 第30条), the provider settles, staff approve,
finance pays and the settlement appears in the ledger."""

from __future__ import annotations

import pytest

from conftest import login
from funding.models import LedgerEntry
from vouchers.models import Booking
from vouchers.tests.conftest import PDF, next_day, slot_passed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page) -> None:
    page.context.clear_cookies()


def test_book_approve_record_confirm_voucher_settle_ledger(page, world):
    start, end = next_day(9), next_day(12)
    login(page, "alice", "pw-12345")
    page.goto(page.base_url + "/vouchers/?q=电子显微镜")
    page.click("text=场发射扫描电子显微镜")
    page.fill("#book input[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#book input[name=ends_at]", end.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#book select[name=voucher]", str(world.voucher_a.pk))
    page.click("#book button[type=submit]")
    assert page.inner_text("#booking-state") == "待审批"
    booking = Booking.objects.get()
    assert "合计 720.00 元" in page.inner_text(".voucher-use")  # held: 3 h × 400 元 = 1,200 元 × 60%

    _logout(page)
    login(page, "pat", "pw-12345")
    page.goto(page.base_url + f"/vouchers/bookings/{booking.pk}/")
    page.click("button[value=approve]")
    assert page.inner_text("#booking-state") == "已确认"
    assert "开始后可登记服务记录" in page.inner_text("#record-later")  # not before the slot
    slot_passed(booking)
    page.reload()
    page.fill("#record-form input[name=amount]", "1200")
    page.fill("#record-form input[name=invoice_no]", "37100000-0001")
    page.click("#record-form button[type=submit]")
    assert page.inner_text("#record-state") == "待用户确认"
    record_url = page.url

    _logout(page)
    login(page, "alice", "pw-12345")
    page.goto(record_url)
    page.click("#confirm-form button[value=yes]")
    assert page.inner_text("#record-state") == "已确认"
    # 威政发〔2023〕5号 第30条: 1,200 元 × 40% (province) = 480, × 20% (city) = 240; the enterprise pays 480
    assert (page.inner_text("#province"), page.inner_text("#city"), page.inner_text("#user-pays")) == \
        ("480.00", "240.00", "480.00")

    _logout(page)
    login(page, "pat", "pw-12345")
    page.goto(page.base_url + "/vouchers/provider/")
    for i in range(4):
        page.set_input_files(f"#settle input[name=evidence_{i}]",
                             {"name": f"e{i}.pdf", "mimeType": "application/pdf", "buffer": PDF + bytes([i])})
    page.fill("#settle input[name=bank_name]", "威海市商业银行")
    page.fill("#settle input[name=bank_account]", "6222 0000 1111 2222")
    page.click("#settle button[type=submit]")
    assert page.inner_text("#batch-state") == "待审核"
    batch_url = page.url

    _logout(page)
    login(page, "bea", "pw-12345")
    page.goto(batch_url)
    page.click("button[value=approve]")
    assert page.inner_text("#batch-state") == "公示中"
    page.click("button[value=end_publicity]")
    _logout(page)
    login(page, "fin", "pw-12345")
    page.goto(batch_url)
    page.click("button[value=pay]")
    assert page.inner_text("#batch-state") == "已拨付"
    ledger = page.inner_text("#ledger")
    assert "拨付" in ledger and "240.00 元" in ledger and "480.00 元" in ledger and "威政发〔2023〕5号 第30条" in ledger
    assert sorted(LedgerEntry.objects.filter(kind="payment").values_list("amount", flat=True)) == [240, 480]

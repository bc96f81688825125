"""Services: booking rules, vouchers, settlement through the funding ledger, abuse checks, access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from funding.models import LedgerEntry
from vouchers import access, services
from vouchers.models import Blackout, Booking, ServiceRecord, SettlementBatch, Voucher, VoucherUse
from vouchers.services import VoucherError
from vouchers.tests.conftest import evidence, next_day, slot_passed

pytestmark = pytest.mark.django_db


def _done_service(w, hours=(9, 13), fee="1600", invoice="INV-001", voucher=True):
    b = services.book(w.alice, w.instrument.pk, next_day(hours[0]), next_day(hours[1]))
    services.booking_step(w.pat, b.pk, "approve")
    use = services.hold_for_booking(w.alice, w.voucher_a.pk, b.pk) if voucher else None
    slot_passed(b)
    rec = services.record_service(w.pat, booking_id=b.pk, quantity=hours[1] - hours[0], amount=fee,
                                  performed_on=timezone.localtime(b.starts_at).date(), invoice_no=invoice)
    services.confirm_record(w.alice, rec.pk, rating=5)
    return b, rec, use


def test_booking_in_the_past_is_refused(world):
    past = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(VoucherError, match="已经过去"):
        services.book(world.alice, world.instrument.pk, past, past + dt.timedelta(hours=1))


def test_booking_outside_rules(world):
    with pytest.raises(VoucherError, match="提前 24 小时"):
        soon = timezone.now() + dt.timedelta(hours=2)
        services.book(world.alice, world.instrument.pk, soon, soon + dt.timedelta(hours=1))
    with pytest.raises(VoucherError, match="最长 8 小时"):
        services.book(world.alice, world.instrument.pk, next_day(8), next_day(17))
    with pytest.raises(VoucherError, match="8:00–18:00 开放"):
        services.book(world.alice, world.instrument.pk, next_day(6), next_day(9))
    Blackout.objects.create(instrument=world.instrument, starts_at=next_day(8, 4), ends_at=next_day(18, 4))
    with pytest.raises(VoucherError, match="维护保养"):
        services.book(world.alice, world.instrument.pk, next_day(9, 4), next_day(10, 4))
    world.instrument.needs_training = True
    world.instrument.save()
    with pytest.raises(VoucherError, match="培训授权"):
        services.book(world.alice, world.instrument.pk, next_day(9), next_day(10))
    assert Booking.objects.count() == 0


def test_overlap_refused_and_released_slot_rebookable(world):
    b = services.book(world.alice, world.instrument.pk, next_day(9), next_day(12))
    with pytest.raises(VoucherError, match="重叠"):
        services.book(world.bob, world.instrument.pk, next_day(11), next_day(14))
    services.book(world.bob, world.instrument.pk, next_day(12), next_day(14))  # touching is fine
    services.booking_step(world.alice, b.pk, "cancel")
    assert services.book(world.bob, world.instrument.pk, next_day(9), next_day(11)).state == "pending"


def test_owner_declines_with_reason_and_cancel_deadline(world):
    b = services.book(world.alice, world.instrument.pk, next_day(9), next_day(10))
    with pytest.raises(VoucherError, match="无权"):
        services.booking_step(world.alice, b.pk, "approve")
    with pytest.raises(VoucherError, match="须填写理由"):
        services.booking_step(world.pat, b.pk, "decline")
    services.booking_step(world.pat, b.pk, "approve")
    late = b.starts_at - dt.timedelta(hours=2)
    with pytest.raises(VoucherError, match="已过取消时限"):
        services.booking_step(world.alice, b.pk, "cancel", now=late)


def test_no_show_releases_slot_and_held_voucher(world):
    b = services.book(world.alice, world.instrument.pk, next_day(9), next_day(11))
    services.booking_step(world.pat, b.pk, "approve")
    use = services.hold_for_booking(world.alice, world.voucher_a.pk, b.pk)
    assert Voucher.objects.get(pk=world.voucher_a.pk).held == use.total == Decimal("480.00")
    services.booking_step(world.pat, b.pk, "no_show", now=b.starts_at + dt.timedelta(hours=1))
    v = Voucher.objects.get(pk=world.voucher_a.pk)
    assert (v.held, v.balance) == (0, Decimal("20000.00"))
    assert VoucherUse.objects.get(pk=use.pk).state == "released"


def test_voucher_pays_b30_share_on_confirmation(world):
    """威政发〔2023〕5号 第30条: 4 h × 400 元 = 1,600 元; province 640 元, city 320 元; the user pays 640 元."""
    b, rec, use = _done_service(world)
    use.refresh_from_db()
    assert (use.state, use.province_amount, use.city_amount) == ("spent", Decimal("640.00"), Decimal("320.00"))
    v = Voucher.objects.get(pk=world.voucher_a.pk)
    assert (v.held, v.spent, v.balance) == (0, Decimal("960.00"), Decimal("19040.00"))
    assert Booking.objects.get(pk=b.pk).state == "done"


def test_spend_bad_inputs(world):
    svc = services.record_service(world.pat, organization_id=world.org_a.pk, service_id=world.service.pk,
                                  quantity=2, amount="1000", performed_on=timezone.localdate(), invoice_no="X1")
    with pytest.raises(VoucherError, match="尚未确认"):
        services.spend(world.alice, world.voucher_a.pk, svc.pk)
    services.confirm_record(world.alice, svc.pk)
    with pytest.raises(VoucherError, match="超过创新券余额"):
        services.spend(world.alice, world.voucher_a.pk, svc.pk, amount="20000.01")
    Voucher.objects.filter(pk=world.voucher_a.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(VoucherError, match="到期"):
        services.spend(world.alice, world.voucher_a.pk, svc.pk)
    Voucher.objects.filter(pk=world.voucher_a.pk).update(expires_on=timezone.localdate() + dt.timedelta(days=9))
    world.universal.categories = ["instrument"]
    world.universal.save()
    with pytest.raises(VoucherError, match="不在本券"):
        services.spend(world.alice, world.voucher_a.pk, svc.pk)
    world.universal.categories = ["testing"]
    world.universal.save()
    use = services.spend(world.alice, world.voucher_a.pk, svc.pk)  # 威政发〔2018〕20号 第17条: 1,000 × 50%
    assert (use.city_amount, use.province_amount) == (Decimal("500.00"), 0)
    with pytest.raises(Http404):
        services.spend(world.bob, world.voucher_a.pk, svc.pk)


def test_settlement_of_unconfirmed_service_refused(world):
    b = services.book(world.alice, world.instrument.pk, next_day(9), next_day(11))
    services.booking_step(world.pat, b.pk, "approve")
    use = services.hold_for_booking(world.alice, world.voucher_a.pk, b.pk)
    slot_passed(b)
    services.record_service(world.pat, booking_id=b.pk, quantity=2, amount="800",
                            performed_on=timezone.localtime(b.starts_at).date())
    with pytest.raises(VoucherError, match="尚未经服务对象确认"):
        services.create_settlement(world.pat, [use.pk], evidence(), "银行", "6222000011112222")
    assert SettlementBatch.objects.count() == 0


def test_settlement_paid_through_ledger_province_apart(world):
    """威政发〔2023〕5号 第30条: 1,600 元 → 320 元 city line, 640 元 province line, paid as two ledger entries."""
    _, _, use = _done_service(world)
    with pytest.raises(VoucherError, match="缺少"):
        services.create_settlement(world.pat, [use.pk], {}, "银行", "6222000011112222")
    batch = services.create_settlement(world.pat, [use.pk], evidence(), "威海银行", "6222000011112222")
    assert batch.state == "submitted" and batch.items.get().flags == []
    services.approve_settlement(world.bea, batch.pk)
    services.end_publicity(world.bea, batch.pk)
    services.pay_settlement(world.fin, batch.pk)
    pays = LedgerEntry.objects.filter(kind="payment").order_by("amount")
    assert [(e.amount, e.budget_line.source, e.organization_id, e.document, e.article) for e in pays] == [
        (Decimal("320.00"), "city", world.org_p.pk, "威政发〔2023〕5号", "第30条"),
        (Decimal("640.00"), "province", world.org_p.pk, "威政发〔2023〕5号", "第30条")]
    assert VoucherUse.objects.get(pk=use.pk).state == "settled"


def test_flagged_items_need_second_approver(world):
    world.org_p.legal_representative = "张三"  # same as enterprise A's
    world.org_p.save()
    _, rec1, use1 = _done_service(world, (9, 11), fee="5000", invoice="DUP-1")  # 5,000 > 2 h × 400 × 1.5
    b2 = services.book(world.alice, world.instrument.pk, next_day(13), next_day(15))
    services.booking_step(world.pat, b2.pk, "approve")
    rec2 = services.record_service(world.pat, organization_id=world.org_a.pk, service_id=world.service.pk,
                                   quantity=1, amount="500", performed_on=timezone.localdate(), invoice_no="DUP-1")
    services.confirm_record(world.alice, rec2.pk)
    use2 = services.spend(world.alice, world.voucher_a.pk, rec2.pk)
    batch = services.create_settlement(world.pat, [use1.pk, use2.pk], evidence(), "银行", "6222000011112222")
    flags = {i.use_id: " ".join(i.flags) for i in batch.items.all()}
    assert "法定代表人相同" in flags[use1.pk] and "重复使用" in flags[use1.pk] and "高于目录价" in flags[use1.pk]
    assert "重复使用" in flags[use2.pk]
    assert services.approve_settlement(world.bea, batch.pk).state == "second"
    with pytest.raises(VoucherError, match="另一名工作人员"):
        services.approve_settlement(world.bea, batch.pk)
    assert services.approve_settlement(world.ben, batch.pk).state == "publicity"


def test_access_other_party_ids_answer_404(world):
    b = services.book(world.alice, world.instrument.pk, next_day(9), next_day(10))
    with pytest.raises(Http404):
        services.booking_step(world.bob, b.pk, "cancel")
    assert not access.bookings(world.bob).filter(pk=b.pk).exists()
    assert access.bookings(world.pat).filter(pk=b.pk).exists()
    assert access.bookings(world.dora).filter(pk=b.pk).exists()
    assert not access.vouchers(world.bob).filter(pk=world.voucher_a.pk).exists()


def test_issue_is_idempotent(world):
    assert services.issue_vouchers(world.bea, world.universal, dt.date(2024, 3, 1)) == 0
    assert Voucher.objects.filter(kind=world.universal).count() == 2
    assert ServiceRecord.objects.count() == 0


def test_mixed_batch_pays_one_entry_per_source_and_basis(world):
    """A batch of an instrument service (威政发〔2023〕5号 第30条: 1,600 元 → province 640, city 320) and a testing
    service (威政发〔2018〕20号 第6条、第17条, programme share 50%: 1,000 元 → city 500) pays three ledger entries, each
    with its own document and article."""
    _, _, use1 = _done_service(world)
    rec = services.record_service(world.pat, organization_id=world.org_a.pk, service_id=world.service.pk,
                                  quantity=2, amount="1000", performed_on=timezone.localdate(), invoice_no="T-1")
    services.confirm_record(world.alice, rec.pk)
    use2 = services.spend(world.alice, world.voucher_a.pk, rec.pk)
    batch = services.create_settlement(world.pat, [use1.pk, use2.pk], evidence(), "银行", "6222000011112222")
    services.approve_settlement(world.bea, batch.pk)
    services.end_publicity(world.bea, batch.pk)
    services.pay_settlement(world.fin, batch.pk)
    pays = sorted((e.amount, e.budget_line.source, e.article) for e in LedgerEntry.objects.filter(kind="payment"))
    assert pays == [(Decimal("320.00"), "city", "第30条"), (Decimal("500.00"), "city", "第6条、第17条；威政办字〔2018〕107号 二（四）3"[:60]),
                    (Decimal("640.00"), "province", "第30条")]

"""PostgreSQL only: voucher money under 50 parallel requests stops exactly at its limit — an enterprise's 创新券
yearly cap (funding's cap row, whichever of its vouchers is spent) and a budget line's balance for settlements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.utils import timezone

from conftest import in_parallel
from funding import money
from vouchers import services
from vouchers.models import Voucher, VoucherProgramme, VoucherUse
from vouchers.services import VoucherError
from vouchers.tests.conftest import evidence

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
N = 50



def vouchers_and_records(w, n: int) -> list[tuple[int, int]]:
    """``n`` vouchers of enterprise A and ``n`` confirmed 500 元 testing services of the provider for it."""
    today = timezone.localdate()
    out = []
    for i in range(n):
        v = w.voucher_a if i == 0 else Voucher.objects.create(
            kind=w.universal, organization=w.org_a, seq=i + 1, amount=w.universal.face_amount,
            issued_on=dt.date(2024, 3, 1), expires_on=w.voucher_a.expires_on)
        rec = services.record_service(w.pat, organization_id=w.org_a.pk, service_id=w.service.pk, quantity=1,
                                      amount="500", performed_on=today, invoice_no=f"INV-{i:03d}")
        services.confirm_record(w.alice, rec.pk)
        out.append((v.pk, rec.pk))
    return out


def spend_all(w, pairs: list[tuple[int, int]]) -> list[str]:
    def one(i: int) -> str:
        try:
            services.spend(w.alice, pairs[i][0], pairs[i][1])
        except VoucherError as exc:
            return str(exc)
        return "spent"

    return in_parallel(len(pairs), one)


def used(w) -> Decimal:
    return VoucherUse.objects.filter(voucher__organization=w.org_a, state__in=("held", "spent", "settled")).aggregate(
        s=Sum(F("city_amount") + F("province_amount")))["s"] or Decimal(0)


@pytest.mark.django_db(transaction=True)
def test_50_parallel_spends_of_50_vouchers_stop_exactly_at_the_yearly_cap(world):
    """A 第17条 / B 第30条 每家每年上限: 50 vouchers of one enterprise spent at once, each on its own 500 元 service;
    the yearly cap is set to 10 such amounts → exactly 10 spent, the enterprise's total equals the cap."""
    pairs = vouchers_and_records(world, N)
    one = services.quote(world.voucher_a, fee=Decimal(500), category="testing", networked=False,
                         performed_on=timezone.localdate()).total
    VoucherProgramme.objects.filter(pk=world.vp.pk).update(yearly_cap=one * 10)
    outcomes = spend_all(world, pairs)
    assert outcomes.count("spent") == 10, outcomes
    assert all("每家每年上限" in o for o in outcomes if o != "spent"), outcomes
    assert used(world) == one * 10


@pytest.mark.django_db(transaction=True)
def test_50_parallel_settlement_approvals_stop_exactly_at_the_city_lines_balance(world):
    """50 settlement batches of one provider approved at once; the city line holds 10 batches' city share → exactly
    10 batches decided (city and province claims together), the city line's commitments equal its amount."""
    VoucherProgramme.objects.filter(pk=world.vp.pk).update(yearly_cap=Decimal(10**8))
    pairs = vouchers_and_records(world, N)
    assert spend_all(world, pairs).count("spent") == N
    uses = list(VoucherUse.objects.filter(state="spent").order_by("id"))
    batches = [services.create_settlement(world.pat, [u.pk], evidence(), "威海银行", "6222000011112222")
               for u in uses]
    city = uses[0].city_amount
    assert city > 0 and all(u.city_amount == city for u in uses)
    money.budget_lines(world.vp.funding_programme).filter(pk=world.vp.city_line_id).update(amount=city * 10)

    def one(i: int) -> str:
        try:
            services.approve_settlement(world.bea, batches[i].pk)
        except VoucherError as exc:
            return str(exc)
        return "approved"

    outcomes = in_parallel(N, one)
    assert outcomes.count("approved") == 10, outcomes
    assert all("可用余额" in o for o in outcomes if o != "approved"), outcomes
    world.vp.city_line.refresh_from_db()
    balance = money.line_balance(world.vp.city_line)
    assert (balance.committed, balance.available) == (city * 10, Decimal(0))

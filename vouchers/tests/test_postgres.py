"""PostgreSQL only: 100 parallel requests for one slot make exactly one booking; the exclusion constraint refuses an
overlap that skips the service's check."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, connections, transaction

from vouchers import services
from vouchers.models import Booking
from vouchers.tests.conftest import next_day

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.mark.django_db(transaction=True)
def test_100_parallel_requests_for_one_slot_make_one_booking(world):
    """100 requests on 25 connections (the shared server allows 100 in all); a barrier starts the first 25 together."""
    start, end = next_day(9), next_day(11)
    barrier = threading.Barrier(25)
    outcomes: list[str] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        try:
            if i < 25:
                barrier.wait(timeout=30)
            user = world.alice if i % 2 else world.bob
            services.book(user, world.instrument.pk, start, end)
            result = "booked"
        except services.VoucherError as exc:
            result = "refused" if "重叠" in str(exc) or "刚被他人预约" in str(exc) else f"other: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(max_workers=25) as pool:
        list(pool.map(one, range(100)))
    assert outcomes.count("booked") == 1 and outcomes.count("refused") == 99, set(outcomes)
    assert Booking.objects.filter(instrument=world.instrument).count() == 1


@pytest.mark.django_db(transaction=True)
def test_exclusion_constraint_refuses_overlap_without_the_service(world):
    Booking.objects.create(instrument=world.instrument, organization=world.org_a, starts_at=next_day(9),
                           ends_at=next_day(11), state="approved")
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        Booking.objects.create(instrument=world.instrument, organization=world.org_b, starts_at=next_day(10),
                               ends_at=next_day(12), state="pending")
    Booking.objects.create(instrument=world.instrument, organization=world.org_b, starts_at=next_day(10),
                           ends_at=next_day(12), state="cancelled")  # a cancelled booking holds no slot
    assert Booking.objects.count() == 2

"""Who sees and acts on what — the one place every page, API view and export asks.

Enterprise accounts see their own bookings, records and vouchers; provider accounts their own provider, instruments,
bookings of their instruments, records and settlements; district staff their region's; bureau and finance all.
Anything else answers 404. The catalogue of approved providers' instruments is public to every logged-in user.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from vouchers.models import Booking, Instrument, Provider, ServiceRecord, SettlementBatch, Voucher


def role(user: Any) -> str:
    return "bureau" if getattr(user, "is_superuser", False) else getattr(user, "role", "")


def is_staff(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and role(user) in ("bureau", "district", "finance")


def is_bureau(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and role(user) == "bureau"


def org_id(user: Any) -> int | None:
    return getattr(user, "organization_id", None) if role(user) in ("enterprise", "provider") else None


def _scoped(user: Any, qs: QuerySet, own: Q, region_field: str) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    r = role(user)
    if r in ("bureau", "finance"):
        return qs
    if r == "district":
        return qs.filter(**{region_field: user.region_id}) if user.region_id else qs.none()
    if r in ("enterprise", "provider") and user.organization_id:
        return qs.filter(own)
    return qs.none()


def providers(user: Any) -> QuerySet[Provider]:
    return _scoped(user, Provider.objects.select_related("organization"), Q(organization_id=org_id(user)),
                   "organization__region_id")


def catalogue(user: Any) -> QuerySet[Instrument]:
    """Instruments bookable by anyone logged in: approved providers' active instruments; owners see all of theirs."""
    qs = Instrument.objects.select_related("provider__organization", "region")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    mine = Q(provider__organization_id=org_id(user)) if org_id(user) else Q(pk__in=[])
    if is_bureau(user):
        return qs
    if role(user) == "district":  # beyond the public catalogue, the instruments of its own region's providers
        mine = Q(provider__organization__region_id=user.region_id) if user.region_id else mine
    return qs.filter(Q(provider__status=Provider.Status.APPROVED, active=True) | mine)


def bookings(user: Any) -> QuerySet[Booking]:
    o = org_id(user)
    return _scoped(user, Booking.objects.select_related("instrument__provider__organization", "organization"),
                   Q(organization_id=o) | Q(instrument__provider__organization_id=o), "organization__region_id")


def records(user: Any) -> QuerySet[ServiceRecord]:
    o = org_id(user)
    return _scoped(user, ServiceRecord.objects.select_related("provider__organization", "organization", "instrument"),
                   Q(organization_id=o) | Q(provider__organization_id=o), "organization__region_id")


def vouchers(user: Any) -> QuerySet[Voucher]:
    return _scoped(user, Voucher.objects.select_related("kind__programme", "organization"),
                   Q(organization_id=org_id(user)), "organization__region_id")


def settlements(user: Any) -> QuerySet[SettlementBatch]:
    return _scoped(user, SettlementBatch.objects.select_related("provider__organization", "programme"),
                   Q(provider__organization_id=org_id(user)), "provider__organization__region_id")


def get(qs: QuerySet, pk: Any):
    try:
        return qs.get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该记录，或您无权查看。") from None


def owns_instrument(user: Any, instrument: Instrument) -> bool:
    return org_id(user) is not None and instrument.provider.organization_id == org_id(user)

"""Who sees and edits what, in one place (every page, API view and export calls these).

- A carrier's own account (an enterprise-role user whose organisation is the carrier) sees and keeps its roster.
- Bureau and finance staff see every carrier; district staff the carriers of their region. Bureau and district staff
  may also edit rosters (corrections) and record evaluations; competitions are kept by bureau staff.
- Everyone else gets 404 for a carrier that is not theirs.
- A pending roster change (``RosterChange``) is decided by the carrier it takes an incubatee from (moves within the
  back-dating window), or by bureau staff and the district staff who see both carriers (any change).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from incubation.models import Carrier, RosterChange, Stay


def visible_carriers(user: Any) -> QuerySet[Carrier]:
    qs = Carrier.objects.select_related("organization__region")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_entity_account:
        return qs.filter(organization_id=user.organization_id) if user.organization_id else qs.none()
    if user.role == "district" and not user.is_superuser:
        if not user.region_id:
            return qs.none()
        return qs.filter(Q(organization__region_id=user.region_id) | Q(organization__region__parent_id=user.region_id))
    if user.is_government:
        return qs
    return qs.none()


def get_carrier(user: Any, pk: int) -> Carrier:
    try:
        return visible_carriers(user).get(pk=pk)
    except Carrier.DoesNotExist as exc:
        raise Http404("未找到该载体，或您无权查看。") from exc


def can_keep_roster(user: Any, carrier: Carrier) -> bool:
    if user.is_entity_account:
        return user.organization_id == carrier.organization_id
    return user.is_bureau or user.role == "district"


def get_stay(user: Any, pk: int) -> Stay:
    """A stay the user may edit (404 otherwise)."""
    try:
        stay = Stay.objects.select_related("carrier__organization", "incubatee__organization").get(
            pk=pk, carrier__in=visible_carriers(user))
    except Stay.DoesNotExist as exc:
        raise Http404("未找到该在孵记录，或您无权查看。") from exc
    if not can_keep_roster(user, stay.carrier):
        raise Http404("未找到该在孵记录，或您无权修改。")
    return stay


def can_evaluate(user: Any) -> bool:
    return not user.is_entity_account and (user.is_bureau or user.role == "district")


def can_keep_competitions(user: Any) -> bool:
    return not user.is_entity_account and user.is_bureau


def can_see_competitions(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_government


def _is_roster_staff(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and not user.is_entity_account and (
        user.is_bureau or user.role == "district")


def decidable_changes(user: Any) -> QuerySet[RosterChange]:
    """Pending roster changes this user may accept or refuse."""
    qs = RosterChange.objects.filter(status=RosterChange.Status.PENDING).select_related(
        "carrier__organization", "from_carrier__organization", "incubatee__organization", "stay", "requested_by")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_entity_account:
        if not user.organization_id:
            return qs.none()
        return qs.filter(awaiting=RosterChange.Awaiting.CARRIER, from_carrier__organization_id=user.organization_id)
    if not _is_roster_staff(user):
        return qs.none()
    visible = visible_carriers(user)
    return qs.filter(carrier__in=visible).filter(Q(from_carrier__isnull=True) | Q(from_carrier__in=visible))


def can_decide_change(user: Any, change: RosterChange) -> bool:
    return decidable_changes(user).filter(pk=change.pk).exists()


def requested_changes(user: Any) -> QuerySet[RosterChange]:
    """The changes the user's carriers asked for (all states, newest first)."""
    return RosterChange.objects.filter(carrier__in=visible_carriers(user)).select_related(
        "carrier__organization", "from_carrier__organization", "incubatee__organization", "decided_by")


def get_change(user: Any, pk: int) -> RosterChange:
    """A pending change the user may decide (404 otherwise)."""
    try:
        return decidable_changes(user).get(pk=pk)
    except RosterChange.DoesNotExist as exc:
        raise Http404("未找到待您处理的该申请。") from exc

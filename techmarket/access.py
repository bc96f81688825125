"""Who sees what, in one place: every page, API view and export calls these.

Staff (bureau, finance) see everything; district staff the objects of organisations in their region; enterprise
and provider accounts see public listings and their own, and only the matches and contracts they are a party to.
Confidential needs show their details only to staff, the owner and the parties matched to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from techmarket.models import Achievement, ListingStatus, Match, TechContract, TechNeed


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_government)


def _district(user: Any) -> int | None:
    return user.region_id if user.role == "district" and not user.is_superuser else None


def _public() -> Q:
    today = dt.date.today()
    return Q(status=ListingStatus.PUBLISHED) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def needs(user: Any) -> QuerySet[TechNeed]:
    qs = TechNeed.objects.select_related("organization", "industry_chain")
    if is_staff(user):
        region = _district(user)
        return qs.filter(organization__region_id=region) if region else qs
    if getattr(user, "role", "") == "expert":  # experts: public needs and those sent for 需求解析
        return qs.filter(_public() | Q(analysis_requested=True))
    return qs.filter(_public() | Q(organization_id=getattr(user, "organization_id", None))) if getattr(user, "organization_id", None) else qs.filter(_public())


def achievements(user: Any) -> QuerySet[Achievement]:
    qs = Achievement.objects.select_related("organization", "industry_chain")
    if is_staff(user):
        region = _district(user)
        return qs.filter(organization__region_id=region) if region else qs
    return qs.filter(_public() | Q(organization_id=getattr(user, "organization_id", None))) if getattr(user, "organization_id", None) else qs.filter(_public())


def matches(user: Any) -> QuerySet[Match]:
    qs = Match.objects.select_related("need__organization", "achievement__organization", "event")
    if is_staff(user):
        region = _district(user)
        return qs.filter(Q(need__organization__region_id=region) | Q(achievement__organization__region_id=region)) \
            if region else qs
    org = getattr(user, "organization_id", None)
    return qs.filter(Q(need__organization_id=org) | Q(achievement__organization_id=org) | Q(broker_id=org)) \
        if org else qs.none()


def contracts(user: Any) -> QuerySet[TechContract]:
    qs = TechContract.objects.prefetch_related("parties", "payments")
    if is_staff(user):
        region = _district(user)
        return qs.filter(parties__organization__region_id=region).distinct() if region else qs
    org = getattr(user, "organization_id", None)
    return qs.filter(parties__organization_id=org).distinct() if org else qs.none()


def get(qs: QuerySet, pk: int) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404("没有找到这条记录。")
    return obj


def need_details_visible(user: Any, need: TechNeed) -> bool:
    """A confidential need's description, budget and owner only for staff, its owner and matched parties."""
    if not need.confidential or is_staff(user) or need.organization_id == getattr(user, "organization_id", None):
        return True
    if getattr(user, "role", "") == "expert" and need.analysis_requested:
        return True
    return bool(getattr(user, "organization_id", None)) and need.matches.filter(achievement__organization_id=getattr(user, "organization_id", None)).exists()


def is_owner(user: Any, obj: Any) -> bool:
    return bool(getattr(user, "organization_id", None)) and obj.organization_id == getattr(user, "organization_id", None)


def match_roles(user: Any, match: Match) -> set[str]:
    roles = set()
    if is_staff(user):
        roles.add("staff")
    org = getattr(user, "organization_id", None)
    if org and org in (match.need.organization_id, match.achievement.organization_id):
        roles.add("party")
    if org and org == match.broker_id:
        roles.add("broker")
    return roles

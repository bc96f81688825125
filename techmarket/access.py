"""Who sees what, in one place: every page, API view and export calls these.

Staff (bureau, finance) see everything; district staff the objects of organisations in their region; enterprise
and provider accounts see public listings and their own, and only the matches and contracts they are a party to.
A confidential need shows its text, budget and owner only to staff, its owner and the organisations the owner
shared it with (``TechNeed.shared_with``: the technology-transfer agencies it invited, and the achievement owners
of matches that the owner, staff or an invited agency started). Everyone else sees “保密需求” with its kind and
chain, everywhere: pages, search, lists, likely-buyer lists, exports and the API (``mark`` and ``details_q``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
    if getattr(user, "role", "") == "expert":  # experts: public needs and the open ones sent for 需求解析
        return qs.filter(_public() | Q(analysis_requested=True, confidential=False))
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


def get(qs: QuerySet, pk: Any) -> Any:
    """The object with this id among those the user may see; 404 for a missing, foreign or malformed id
    ("abc", 2**63)."""
    try:
        pk = int(str(pk).strip())
    except ValueError:
        pk = 0
    obj = qs.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if obj is None:
        raise Http404("没有找到这条记录。")
    return obj


#: Service providers whose service is technology transfer (技术转移机构/技术经纪人) broker matches; banks, insurers
#: and other providers do not.
BROKER_PROVIDER_TYPES = ("tech_transfer",)


def is_broker_org(org: Any) -> bool:
    return org is not None and org.kind == "service_provider" and org.provider_type in BROKER_PROVIDER_TYPES


def can_broker(user: Any) -> bool:
    """A provider account of a technology-transfer agency."""
    return (getattr(user, "is_authenticated", False) and getattr(user, "role", "") == "provider"
            and bool(user.organization_id) and is_broker_org(user.organization))


def reads_confidential(user: Any) -> bool:
    """Bureau and district staff read confidential needs; finance staff (who see the market's figures) do not."""
    return is_staff(user) and (user.is_superuser or user.role != "finance")


def details_q(user: Any) -> Q:
    """Needs whose details (text, budget, owner) the user may see, as a filter."""
    if reads_confidential(user):
        return Q()
    org = getattr(user, "organization_id", None)
    q = Q(confidential=False)
    if org:
        shared = TechNeed.shared_with.through.objects.filter(organization_id=org).values("techneed_id")
        q |= Q(organization_id=org) | Q(pk__in=shared)
    return q


def need_details_visible(user: Any, need: TechNeed) -> bool:
    """A confidential need's text, budget and owner: staff, its owner and the organisations it is shared with."""
    if not need.confidential or reads_confidential(user):
        return True
    org = getattr(user, "organization_id", None)
    return bool(org) and (need.organization_id == org or need.shared_with.filter(pk=org).exists())


def mark(user: Any, needs: Iterable[TechNeed]) -> None:
    """Set ``details_visible`` on each need (one query); templates show “保密需求” where it is not set."""
    needs = list(needs)
    secret = [n.pk for n in needs if n.confidential]
    visible = set(TechNeed.objects.filter(pk__in=secret).filter(details_q(user)).values_list("pk", flat=True)) \
        if secret else set()
    for n in needs:
        n.details_visible = not n.confidential or n.pk in visible


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


def match_sides(user: Any, match: Match) -> set[str]:
    """Which side of the match the user's organisation is: "need" (the buyer) or "achievement" (the seller)."""
    org = getattr(user, "organization_id", None)
    if not org:
        return set()
    return ({"need"} if org == match.need.organization_id else set()) | \
        ({"achievement"} if org == match.achievement.organization_id else set())

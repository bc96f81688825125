"""The one access-control layer: who may see and change which organisation, person and staff page.

Rules (HELPER_RULES "Access control", PRODUCT.md "Who uses it"):

- bureau (and superusers), finance: the whole city (finance reads, never writes registry data);
- district: its own region and every region nested under it (``Region.parent``: towns under a division, a zone
  hung under a division or another zone); reads and writes only there;
- enterprise, provider: only their own organisation;
- expert: only what is assigned to them (no assignment exists yet, so: nothing in the registry);
- evaluator (third-party evaluator, C 九（四）): nothing in the registry; policy impact evaluations only, de-identified
  (``evaluation.access``);
- anonymous: nothing.

Every page, API view, export, import and job asks this module; apps keep thin wrappers (``registry.services``,
``policy.access``) only so that existing imports keep working.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

#: role → (may read beyond own organisation, scope) ; scope is "city", "region", "own" or "none".
ORGANIZATION_SCOPE: dict[str, str] = {
    "bureau": "city",
    "finance": "city",
    "district": "region",
    "enterprise": "own",
    "provider": "own",
    "expert": "none",
    "evaluator": "none",  # third-party evaluators read de-identified evaluation results only (evaluation.access)
}
#: roles that may write registry data and in which scope (entity accounts edit their own organisation).
WRITE_SCOPE: dict[str, str] = {"bureau": "city", "district": "region", "enterprise": "own", "provider": "own"}
#: roles that may open staff pages (directory, people, screening, indicators).
STAFF_ROLES = frozenset({"bureau", "district", "finance"})


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", True))


def role_of(user: Any) -> str:
    """The effective role: superusers act as bureau; anonymous users have none."""
    if not _authenticated(user):
        return ""
    return "bureau" if user.is_superuser else user.role


def is_staff_reader(user: Any) -> bool:
    return role_of(user) in STAFF_ROLES


def region_ids(region_id: int | None) -> set[int]:
    """A region and every region nested under it (any depth)."""
    from registry.models import Region

    if region_id is None:
        return set()
    found, frontier = {region_id}, {region_id}
    while frontier:
        frontier = set(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def user_region_ids(user: Any) -> set[int]:
    return region_ids(getattr(user, "region_id", None))


def _scope_q(user: Any, scope: str, field: str = "") -> Q | None:
    """A filter for objects whose organisation lies in ``user``'s scope; None means everything."""
    prefix = f"{field}__" if field else ""
    if scope == "city":
        return None
    if scope == "region":
        ids = user_region_ids(user)
        return Q(**{f"{prefix}region_id__in": ids}) if ids else Q(pk__in=[])
    if scope == "own":
        org_id = getattr(user, "organization_id", None)
        if not org_id:
            return Q(pk__in=[])
        return Q(**{f"{field}_id" if field else "pk": org_id})
    return Q(pk__in=[])


def organizations(user: Any, *, write: bool = False) -> QuerySet:
    """Organisations ``user`` may read (or, with ``write``, change)."""
    from registry.models import Organization

    qs = Organization.objects.select_related("region", "industry_chain")
    role = role_of(user)
    scope = (WRITE_SCOPE if write else ORGANIZATION_SCOPE).get(role, "none")
    q = _scope_q(user, scope)
    if q is not None and scope == "own" and not write and getattr(user, "organization_id", None):
        # an entity account also reads the platforms it leads or takes part in (linked from its own profile)
        from registry.models import OrganizationKind, PlatformMembership

        platforms = PlatformMembership.objects.filter(organization_id=user.organization_id).values("platform_id")
        q |= Q(kind=OrganizationKind.PLATFORM, pk__in=platforms)
    return qs if q is None else qs.filter(q)


def get_organization(user: Any, pk: Any, *, write: bool = False) -> Any:
    """The organisation, or 404 when it does not exist or lies outside the user's scope (never tell which)."""
    from registry.models import Organization

    try:
        return organizations(user, write=write).get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, Organization.DoesNotExist) as exc:
        raise Http404("未找到该主体，或您无权查看。") from exc


def can_read_organization(user: Any, org: Any) -> bool:
    return organizations(user).filter(pk=org.pk).exists()


def can_edit_organization(user: Any, org: Any) -> bool:
    return organizations(user, write=True).filter(pk=org.pk).exists()


def can_write_region(user: Any, region: Any) -> bool:
    """May ``user`` place an organisation in ``region`` (import, edit)?"""
    scope = WRITE_SCOPE.get(role_of(user), "none")
    if scope == "city":
        return True
    if scope == "region":
        return region is not None and region.pk in user_region_ids(user)
    return False


def people(user: Any) -> QuerySet:
    """People (talents, experts) ``user`` may list: staff in scope; a district its region's organisations' people."""
    from registry.models import Person

    qs = Person.objects.select_related("organization", "industry_chain")
    role = role_of(user)
    if role in ("bureau", "finance"):
        return qs
    if role == "district":
        return qs.filter(organization__region_id__in=user_region_ids(user))
    return qs.none()


def filter_by_organization(user: Any, qs: QuerySet, field: str = "organization") -> QuerySet:
    """Restrict any queryset with an organisation foreign key ``field`` to the user's read scope."""
    scope = ORGANIZATION_SCOPE.get(role_of(user), "none")
    q = _scope_q(user, scope, field)
    return qs if q is None else qs.filter(q)

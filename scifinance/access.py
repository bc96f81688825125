"""Who sees and acts on what in science-and-technology finance: the one place every view, API view and export asks.

A partner institution's accounts (role provider, organisation = the institution) see only their own loans, policies
and loss claims (and those of their 科技支行); others answer 404. Bureau and finance staff see all; district staff
the loans of borrowers in their region; an enterprise its own loans and policies.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from scifinance.models import InsurancePolicy, Loan, LossClaim, Partner, PartnerKind


def role(user: Any) -> str:
    return "bureau" if getattr(user, "is_superuser", False) else getattr(user, "role", "")


def is_staff(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and role(user) in ("bureau", "finance", "district")


def is_bureau(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and role(user) == "bureau"


#: The partner kinds that lend (register and import loans); the others (insurers, guarantors, investors) do not.
LENDING_KINDS = (PartnerKind.BANK, PartnerKind.TECH_BRANCH)


def finance_kind(user: Any) -> str:
    """The kind of partner institution the account acts for ("" for staff, enterprises and others): the pages'
    menus offer what that kind does."""
    partner = partner_of(user)
    return partner.kind if partner is not None else ""


def partner_of(user: Any) -> Partner | None:
    """The partner institution an account acts for (None for staff and enterprises)."""
    if not getattr(user, "is_authenticated", False) or role(user) != "provider" or not user.organization_id:
        return None
    return Partner.objects.filter(organization_id=user.organization_id).select_related("organization").first()


def _partner_ids(partner: Partner) -> list[int]:
    return [partner.pk, *partner.branches.values_list("pk", flat=True)]


def visible_loans(user: Any) -> QuerySet[Loan]:
    qs = Loan.objects.select_related("lender__organization", "borrower__region")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    r = role(user)
    if r in ("bureau", "finance"):
        return qs
    if r == "district":
        return qs.filter(borrower__region_id=user.region_id) if user.region_id else qs.none()
    partner = partner_of(user)
    if partner is not None:
        return qs.filter(lender_id__in=_partner_ids(partner))
    if r == "enterprise" and user.organization_id:
        return qs.filter(borrower_id=user.organization_id)
    return qs.none()


def visible_policies(user: Any) -> QuerySet[InsurancePolicy]:
    qs = InsurancePolicy.objects.select_related("insurer__organization", "insured")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    r = role(user)
    if r in ("bureau", "finance"):
        return qs
    if r == "district":
        return qs.filter(insured__region_id=user.region_id) if user.region_id else qs.none()
    partner = partner_of(user)
    if partner is not None:
        return qs.filter(insurer=partner)
    if r == "enterprise" and user.organization_id:
        return qs.filter(insured_id=user.organization_id)
    return qs.none()


def visible_loss_claims(user: Any) -> QuerySet[LossClaim]:
    qs = LossClaim.objects.select_related("loan__lender__organization", "loan__borrower", "pool", "claim")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if role(user) in ("bureau", "finance"):
        return qs
    partner = partner_of(user)
    if partner is not None:
        return qs.filter(Q(loan__lender_id__in=_partner_ids(partner)))
    return qs.none()


def get_or_404(qs: QuerySet, pk: Any) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该记录，或您无权查看。") from None

"""Who sees and acts on what: the one place every view, API view and export asks.

Applicants see only their own organisation's claims (others answer 404); district staff only their region's;
finance and bureau staff all (finance acts only on payments).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from funding import workflow
from funding.models import Claim


def _role(user: Any) -> str:
    return "bureau" if getattr(user, "is_superuser", False) else getattr(user, "role", "")


def is_staff_role(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and _role(user) in ("bureau", "district", "finance")


def is_bureau(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and _role(user) == "bureau"


def is_finance(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and _role(user) in ("finance", "bureau")


def visible_claims(user: Any) -> QuerySet[Claim]:
    qs = Claim.objects.select_related("organization", "programme", "budget_line")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    role = _role(user)
    if role in ("enterprise", "provider"):
        return qs.filter(organization_id=user.organization_id) if user.organization_id else qs.none()
    if role == "district":
        return qs.filter(organization__region_id=user.region_id) if user.region_id else qs.none()
    if role in ("bureau", "finance"):
        return qs
    return qs.none()


def get_claim(user: Any, pk: int) -> Claim:
    try:
        return visible_claims(user).get(pk=pk)
    except (Claim.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该申报，或您无权查看。") from None


def is_applicant(user: Any, claim: Claim) -> bool:
    return (getattr(user, "is_authenticated", False) and _role(user) in ("enterprise", "provider")
            and user.organization_id == claim.organization_id)


def may_fire(user: Any, claim: Claim, transition: str) -> bool:
    """The programme's declared roles for ``transition``; district staff only within their region."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = workflow.roles_for(claim.programme.workflow, transition)
    step_owner = workflow.STEP_TRANSITION.get(claim.state)
    if transition in workflow.STEP_ACTIONS and step_owner:  # 退回/不予支持 belong to the step's own role
        owners = workflow.roles_for(claim.programme.workflow, step_owner)
        roles = [r for r in roles if r in owners]
    roles = [r for r in roles if r in workflow.allowed_roles(transition)]  # a programme saved before the rules
    if workflow.APPLICANT in roles and is_applicant(user, claim):
        return True
    role = _role(user)
    if role not in roles or role in ("enterprise", "provider"):
        return False
    if role == "district":
        return bool(user.region_id) and claim.organization.region_id == user.region_id
    return True


def may_see_bank_accounts(user: Any) -> bool:
    """Lists and exports of many payees' accounts (待拨付, the payment batch): in full for finance only."""
    return getattr(user, "is_authenticated", False) and _role(user) == "finance"


def may_see_bank_account(user: Any, claim: Claim) -> bool:
    """A payee's full bank account is for the payer (finance) and the payee itself; everyone else sees it masked
    (个人信息保护法: only what a task needs)."""
    return _role(user) == "finance" or is_applicant(user, claim)

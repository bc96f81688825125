"""Who may see what in the expert review — the one place every page, API view and export asks.

* Bureau staff (市科技局) manage the expert database and every round, and see who reviewed what.
* An expert sees only their own profile and the items assigned to them (others answer 404).
* Everybody else (enterprises, providers, district and finance staff) sees nothing of it: applicants never learn
  who reviewed them. The aggregated scores reach the funding workflow through services, without reviewer names.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from experts.models import Assignment, Expert, ReviewItem, ReviewRound

NOT_FOUND = "页面不存在或无权查看。"


def is_manager(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_bureau)


def expert_of(user: Any) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.filter(user=user).select_related("person").first() or (
        Expert.objects.filter(person__account=user).select_related("person").first()
    )


def require_manager(user: Any) -> None:
    if not is_manager(user):
        raise Http404(NOT_FOUND)


def require_expert(user: Any) -> Expert:
    expert = expert_of(user)
    if expert is None:
        raise Http404(NOT_FOUND)
    return expert


def rounds_for(user: Any) -> QuerySet[ReviewRound]:
    return ReviewRound.objects.all() if is_manager(user) else ReviewRound.objects.none()


def get_round(user: Any, pk: int) -> ReviewRound:
    r = rounds_for(user).filter(pk=pk).first()
    if r is None:
        raise Http404(NOT_FOUND)
    return r


def get_item(user: Any, pk: int) -> ReviewItem:
    require_manager(user)
    item = ReviewItem.objects.filter(pk=pk).select_related("round").first()
    if item is None:
        raise Http404(NOT_FOUND)
    return item


def assignments_for(user: Any) -> QuerySet[Assignment]:
    """An expert's own live assignments in published rounds; managers see all."""
    qs = Assignment.objects.select_related("item", "round", "expert__person")
    if is_manager(user):
        return qs
    expert = expert_of(user)
    if expert is None:
        return qs.none()
    return qs.filter(expert=expert, round__status__in=[ReviewRound.Status.PUBLISHED, ReviewRound.Status.CLOSED]).exclude(
        status=Assignment.Status.WITHDRAWN)


def get_own_assignment(user: Any, pk: int) -> Assignment:
    """The expert's own assignment (never another expert's, even for managers: scoring is personal)."""
    expert = expert_of(user)
    a = assignments_for(user).filter(pk=pk, expert=expert).first() if expert else None
    if a is None:
        raise Http404(NOT_FOUND)
    return a


def experts_visible(user: Any) -> QuerySet[Expert]:
    if is_manager(user):
        return Expert.objects.all()
    expert = expert_of(user)
    return Expert.objects.filter(pk=expert.pk) if expert else Expert.objects.none()

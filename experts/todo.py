"""Experts' share of 我的待办: an expert's reviews still to submit, with the round's deadline; the bureau's rounds
whose deadline has passed with reviews missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from experts import access
from experts.models import Assignment, ReviewRound
from worklist.tasks import Group, Task


def groups(user: Any, today: dt.date) -> list[Group]:
    if access.is_manager(user):
        late = (ReviewRound.objects.filter(status=ReviewRound.Status.PUBLISHED, deadline__date__lt=today)
                .annotate(missing=Count("assignments", filter=Q(assignments__status=Assignment.Status.ASSIGNED)))
                .filter(missing__gt=0).order_by("deadline"))
        return [Group("已过截止时间、仍缺评审意见的评审轮次", late.count(), reverse("experts:round_list"), lambda: (
            Task(title=r.name, url=reverse("experts:round_detail", args=[r.pk]), due=r.deadline.date(),
                 note=f"缺 {r.missing} 份评审意见") for r in late[:10]))]
    if access.expert_of(user) is None:
        return []
    pending = (access.assignments_for(user).filter(status=Assignment.Status.ASSIGNED,
                                                    round__status=ReviewRound.Status.PUBLISHED)
               .order_by("round__deadline", "id"))
    return [Group("待提交的评审", pending.count(), reverse("experts:my_reviews"), lambda: (
        Task(title=f"{a.round.name} · {a.item.title}", url=reverse("experts:review", args=[a.pk]),
             since=a.created_at.date(), due=a.round.deadline.date()) for a in pending[:10]))]

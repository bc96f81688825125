"""Incubation's share of 我的待办: roster changes waiting for this account's word — a carrier's agreement to a move
of its incubatee, or staff approval of a move or a back-dated entry (incubation.access decides which)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from incubation import access
from worklist.tasks import Group, Task


def groups(user: Any, today: dt.date) -> list[Group]:
    if not (user.is_entity_account or access.can_see_competitions(user)):
        return []
    waiting = access.decidable_changes(user).order_by("requested_at", "id")
    return [Group("待您处理的孵化名册变更", waiting.count(), reverse("incubation:changes"), lambda: (
        Task(title=str(c), url=reverse("incubation:changes"), since=c.requested_at.date(),
             note=c.why) for c in waiting[:10]))]

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from worklist.tasks import groups_for


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的待办: every kind of work waiting for this account, oldest first; where each role starts after login."""
    today = timezone.localdate()  # the platform's day (Asia/Shanghai), as every step that checks a date
    groups = groups_for(request.user, today)
    total = sum(g.count for g in groups)
    cache.set(f"worklist:count:{request.user.pk}", total, 60)
    return render(request, "worklist/mine.html", {"groups": groups, "total": total, "today": today})

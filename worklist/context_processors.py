from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from worklist.tasks import count_for


def worklist(request: HttpRequest) -> dict[str, Any]:
    """``todo_count`` for the navigation's 我的待办 badge (lazy: pages without the navigation count nothing)."""
    user = getattr(request, "user", None)
    return {"todo_count": lambda: count_for(user)}

"""The unread notice count shown in the navigation of entity accounts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "organization_id", None):
        return {}
    from screening.notices import unread_count

    return {"unread_notices": unread_count(user.organization_id)}

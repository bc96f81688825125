"""The current jurisdiction's names for every template: ``city_name`` and ``platform_title``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from policy.jurisdiction import current


def jurisdiction(request: HttpRequest) -> dict[str, Any]:
    j = current()
    return {"city_name": j.label, "platform_title": j.platform_title}

"""Who may evaluate which organisation: the shared access layer (accounts.access) decides; 404 otherwise."""

from __future__ import annotations

from typing import Any

from accounts import access
from registry.models import Organization


def visible_organization(user: Any, org_id: int) -> Organization:
    return access.get_organization(user, org_id)

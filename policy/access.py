"""Who may evaluate which organisation: entity accounts only their own (404 otherwise)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from registry.models import Organization


def visible_organization(user: Any, org_id: int) -> Organization:
    org = Organization.objects.filter(pk=org_id).first()
    if org is None or (user.is_entity_account and user.organization_id != org.pk):
        raise Http404("没有这个主体。")
    if user.role == "district" and not user.is_superuser and user.region_id and org.region_id != user.region_id:
        raise Http404("没有这个主体。")
    return org

from __future__ import annotations

from typing import Any

from django import template

from reference import access, services

register = template.Library()


@register.inclusion_tag("reference/missing.html", takes_context=True)
def missing_reference(context: Any) -> dict[str, Any]:
    """The reference months the rules need and nobody has entered (the bureau's home page)."""
    user = context["request"].user
    shown = [f for f in (services.filled(t) for t in services.tables()) if f.missing] if access.can_read(user) else []
    return {"missing": shown, "can_write": access.can_write(user)}

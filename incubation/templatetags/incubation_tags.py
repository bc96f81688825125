"""``{% incubation_chain org %}``: where an organisation was incubated and accelerated, and for a carrier a link to its
roster (for its registry profile)."""

from __future__ import annotations

from typing import Any

from django import template

from incubation.access import visible_carriers
from incubation.services import chain_of

register = template.Library()


@register.inclusion_tag("incubation/_chain.html", takes_context=True)
def incubation_chain(context: dict[str, Any], org: Any) -> dict[str, Any]:
    user = context.get("user")
    return {"stays": chain_of(org), "can_open": bool(user and getattr(user, "is_government", False)),
            "carrier": visible_carriers(user).filter(organization=org).first() if user else None}

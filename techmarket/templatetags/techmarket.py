"""Money formatting and the 科技副总 include shown on registry profiles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """12345.6 → '12,345.60 元'; empty → '—'."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)):,.2f} 元"


@register.filter
def wan(value) -> str:
    """Yuan as 万元 with thousands separators: 1234500 → '123.45 万元'."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)) / 10000:,.2f} 万元"


@register.filter
def money_range(low, high) -> str:
    if low is None and high is None:
        return "面议"
    if high is None:
        return f"{wan(low)} 以上"
    if low is None:
        return f"不超过 {wan(high)}"
    return f"{wan(low)} – {wan(high)}"


@register.filter
def need_title(need) -> str:
    """A need's title, or “保密需求” unless ``access.mark`` found its details visible (hidden by default)."""
    return need.title if getattr(need, "details_visible", False) else "保密需求"


@register.filter
def need_owner(need) -> str:
    return need.organization.name if getattr(need, "details_visible", False) else "（保密）"


@register.inclusion_tag("techmarket/_placements.html")
def vp_placements(organization) -> dict:
    """科技副总 on an organisation's profile: received (an enterprise) or sent (the researchers' employer)."""
    from techmarket.models import Placement

    qs = Placement.objects.select_related("person", "person__organization", "enterprise")
    if organization.kind == "enterprise":
        rows = qs.filter(enterprise=organization)
    else:
        rows = qs.filter(person__organization=organization)
    return {"placements": list(rows), "organization": organization, "today": dt.date.today()}

"""Template filters of the screening pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """Yuan with thousands separators and two decimals: 1234567.5 → 1,234,567.50."""
    try:
        return f"{Decimal(str(value if value is not None else 0)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def as_items(value: Any) -> list[str]:
    """A string or a list of strings (the engine's "missing" and "caveats") as a list."""
    from screening.services import missing_items

    return missing_items(value)

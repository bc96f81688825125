"""Template filters of the voucher pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from vouchers.models import Category

register = template.Library()


@register.filter
def sub(a: Any, b: Any) -> Decimal:
    return Decimal(str(a or 0)) - Decimal(str(b or 0))


@register.filter
def category_labels(codes: list[str]) -> str:
    return "、".join(Category(c).label for c in codes or [] if c in Category.values)

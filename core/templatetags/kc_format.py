"""Template filters for the platform's one money and number rule (core/formatting.py)."""

from __future__ import annotations

from typing import Any

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """{{ amount|money }} → "8,500 元" or "123.46 万元"."""
    return formatting.money(value)


@register.filter
def number(value: Any, digits: int = 2) -> str:
    """{{ value|number }} → "1,234.5"; {{ value|number:0 }} → "1,235"."""
    return formatting.number(value, int(digits))


@register.filter
def plain(value: Any) -> str:
    """{{ sentence|plain }}: codes for developers taken out of brackets (core.formatting.plain_text)."""
    return formatting.plain_text(str(value or ""))


@register.filter
def yuan(value: Any) -> str:
    """An exact amount for ledgers and payments (core.formatting.exact_yuan): "200,000.00", the page adds 元."""
    return formatting.exact_yuan(value if value is not None else 0)


@register.filter
def masked(value: Any) -> str:
    """{{ claim.bank_account|masked }} → "6222 **** 2222" (core.formatting.masked)."""
    return formatting.masked(value)


@register.filter
def wan(value: Any) -> str:
    """{{ amount|wan }} → "5.38 万元": one unit for every amount of a sentence (core.formatting.wan)."""
    return formatting.wan(value)

"""Figures of an indicator as users read them (counts as whole numbers)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def ind_value(indicator, value) -> str:
    return indicator.format_value(value)

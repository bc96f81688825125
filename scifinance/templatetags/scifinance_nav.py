"""The finance menu offers what the account's institution does: a bank its loans, an insurer its policies."""

from __future__ import annotations

from typing import Any

from django import template

from scifinance import access

register = template.Library()


@register.simple_tag
def finance_kind(user: Any) -> str:
    return access.finance_kind(user)

"""Template filters of the screening pages."""

from __future__ import annotations

from typing import Any

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """The platform's one money rule (core.formatting): "8,500 元", "123.46 万元"."""
    return formatting.money(value if value is not None else 0)


@register.filter
def as_items(value: Any) -> list[str]:
    """A string or a list of strings (the engine's "missing" and "caveats") as a list."""
    from screening.services import missing_items

    return missing_items(value)


@register.filter
def yuan(value: Any) -> str:
    """An exact amount for ledgers and payments (core.formatting.exact_yuan): "200,000.00", the page adds 元."""
    return formatting.exact_yuan(value if value is not None else 0)


@register.simple_tag
def article_url(document: str, article: str) -> str:
    """The portal's page of the document's original text, at the article's anchor ("" when the text is not held)."""
    from django.urls import reverse

    from portal.documents import has_text, key_of

    key = key_of(str(document or ""))
    if key is None or not has_text(key):
        return ""
    return reverse("portal:document", args=[key]) + (f"#art-{article}" if article else "")

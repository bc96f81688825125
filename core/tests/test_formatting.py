"""The one money rule (issue 13): separators everywhere, 万元 from 100,000 元."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from core.formatting import money, number


@pytest.mark.parametrize(("value", "text"), [
    (8500, "8,500 元"), (Decimal("1234.5"), "1,234.5 元"), (99999.99, "99,999.99 元"), (100000, "10 万元"),
    (200000, "20 万元"), (Decimal("1234567.5"), "123.46 万元"), (5_000_000, "500 万元"), (0, "0 元"),
    (None, "—"), ("abc", "abc"), (-150000, "-15 万元"),
])
def test_money(value, text):
    assert money(value) == text


def test_number_and_template_filters():
    assert number(1570.0123) == "1,570.01" and number(95.0, 0) == "95"
    out = Template("{% load kc_format %}{{ a|money }}|{{ b|number:0 }}").render(Context({"a": 300000, "b": 1234.4}))
    assert out == "30 万元|1,234"

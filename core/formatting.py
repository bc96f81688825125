"""One rule for money and figures on every page and export (issue 13).

Money: yuan with thousands separators below 100,000 元 ("8,500 元", "1,234.50 元"); 万元 from 100,000 元 up
("20 万元", "123.46 万元"), because amounts of policy support are read in 万元 in the documents themselves.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

WAN = Decimal(10_000)
WAN_FROM = Decimal(100_000)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _strip(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Any, unit: bool = True) -> str:
    """An amount in yuan as users read it: separators, 万元 when large, no needless ".00"."""
    d = _decimal(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    if abs(d) >= WAN_FROM:
        text = _strip(f"{(d / WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}")
        return f"{text} 万元" if unit else text
    text = _strip(f"{d.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}")
    return f"{text} 元" if unit else text


def number(value: Any, digits: int = 2) -> str:
    """A figure with separators and at most ``digits`` decimals (no trailing zeros)."""
    d = _decimal(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    return _strip(f"{d:,.{digits}f}")

"""One rule for money and figures on every page and export (issue 13).

Money: yuan with thousands separators below 100,000 元 ("8,500 元", "1,234.50 元"); 万元 from 100,000 元 up
("20 万元", "123.46 万元"), because amounts of policy support are read in 万元 in the documents themselves.
"""

from __future__ import annotations

import re
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


def wan(value: Any) -> str:
    """An amount in 万元 with two decimals ("5.38 万元"), as the documents write sums: for a sentence or table that
    shows several amounts, so they share one unit whatever their size."""
    d = _decimal(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    return f"{(d / WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f} 万元"


def exact_yuan(value: Any) -> str:
    """An amount to the fen, with separators and no unit ("200,000.00"): ledgers, payments, vouchers and claims,
    where a page must show the very amount that is paid (the page writes 元 after it)."""
    d = _decimal(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    return f"{d.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def number(value: Any, digits: int = 2) -> str:
    """A figure with separators and at most ``digits`` decimals (no trailing zeros)."""
    d = _decimal(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    return _strip(f"{d:,.{digits}f}")


def parameter_value(value: Any, unit: str) -> str:
    """A policy parameter's value with its real unit: money, a rate as %, a count as 件, a yes/no."""
    if value is None:
        return "失效"
    if unit in ("/1", "比例"):
        d = _decimal(value)
        return "—" if d is None else f"{_strip(f'{d * 100:.4f}')}%"
    if unit in ("count", "件"):
        return f"{number(value, 0)} 件"
    if unit == "bool":
        return "是" if value else "否"
    return money(value)


#: The unit a user types a parameter in, by the engine's unit.
INPUT_UNITS = {"/1": "%", "count": "件", "bool": "", "currency-CNY": "元"}


_PAREN = re.compile(r"（([^（）]*)）")
_CODE = re.compile(r"[a-z]{2,}")


def plain_text(text: str) -> str:
    """A sentence for enterprise and public pages: drop the parts of its brackets that are codes for developers
    ("（platform_approval，subject=pilot_base，level=city）"), keep the rest ("（B 生效期间由 B 第1条取代）")."""

    def clean(m: re.Match[str]) -> str:
        parts = [p for p in re.split(r"[，；,;]", m.group(1)) if p.strip() and not _CODE.search(p)]
        return f"（{'，'.join(p.strip() for p in parts)}）" if parts else ""

    return _PAREN.sub(clean, text or "")


def masked(value: Any, head: int = 4, tail: int = 4) -> str:
    """A bank account, ID or phone number as a reader without need of it sees it (个人信息保护法, 最小必要):
    the first ``head`` and last ``tail`` characters kept, the rest starred ("6222 **** 2222")."""
    text = "".join(str(value or "").split())
    if not text:
        return ""
    if len(text) <= head + tail:
        return "*" * max(len(text) - 2, 1) + text[-2:]
    return f"{text[:head]} **** {text[-tail:]}"

"""What-if parameters as staff read them: grouped by document and article, values in their real units.

The engine speaks fractions ("比例": 0.05); people type and read percentages (5%). Amounts follow the platform's
money rule; counts are 件.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from core.formatting import money, number

RATE = "比例"


def _citation(reference: str) -> tuple[str, str]:
    """A parameter reference "<document number> <article>[; <twin citation>]" → (document number, article)."""
    first = re.split(r"[;；]", reference or "")[0].strip()
    number_, _, article = first.partition(" ")
    return number_ or "其他", article.strip()


def display(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == RATE:
        try:
            return f"{number(Decimal(str(value)) * 100, 4)}%"
        except (InvalidOperation, ValueError):
            return str(value)
    if unit == "元":
        return money(value)
    return f"{number(value, 2)} {unit}".strip()


def input_unit(unit: str) -> str:
    return "%" if unit == RATE else unit


def to_engine(raw: str, unit: str) -> str:
    """What was typed (5 for 5%) → the engine's value (0.05); other units unchanged. Raises ValueError."""
    text = str(raw).strip().replace(",", "").replace("，", "").removesuffix("%").removesuffix("元").strip()
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(raw)
    return str(value / 100) if unit == RATE else str(value)


def enrich(params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for p in params:
        document, article = _citation(str(p.get("reference", "")))
        unit = str(p.get("unit", ""))
        low, high = p.get("min"), p.get("max")
        out.append({**p, "document": document, "article": article, "now_text": display(p.get("value_now"), unit),
                    "input_unit": input_unit(unit),
                    "range_text": f"{display(low if low is not None else 0, unit)} — "
                                  f"{display(high, unit) if high is not None else '不限'}"})
    return out


def grouped(params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """[{document, articles: [{article, params: [...]}]}] in the engine's order, documents A, B, D first."""
    docs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for p in enrich(params):
        docs.setdefault(p["document"], {}).setdefault(p["article"], []).append(p)

    def art_key(a: str) -> tuple[int, str]:
        m = re.search(r"\d+", a)
        return (int(m.group()) if m else 999, a)

    return [{"document": d, "articles": [{"article": a, "params": arts[a]} for a in sorted(arts, key=art_key)]}
            for d, arts in sorted(docs.items())]

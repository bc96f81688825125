"""The one way to write rows to an Excel export: text that Excel would run as a formula is written as text.

An organisation named ``=HYPERLINK("http://…","点此领取补贴")`` must reach the bureau's export as those characters,
not as a live link (OWASP "CSV/formula injection"). Every export of the platform appends its rows through
``append_row``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText

#: Leading characters that make spreadsheet programs evaluate a cell (OWASP: = + - @, tab and carriage return).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(value: Any) -> Any:
    """``value`` ready for a cell: formula-like text becomes a plain (inline) string that Excel shows and never runs;
    control characters that would corrupt the file are dropped."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return CellRichText(value)  # stored as text: openpyxl never turns rich text into a formula
    return value


def append_row(ws: Any, values: Iterable[Any]) -> None:
    ws.append([safe_cell(v) for v in values])

"""The one way to write an Excel export: text that Excel would run as a formula is written as text, and sheets
read well (a bold frozen header, column widths, autofilter, numbers stored as numbers with number formats).

An organisation named ``=HYPERLINK("http://…","点此领取补贴")`` must reach the bureau's export as those characters,
not as a live link (OWASP "CSV/formula injection"). Every export appends its rows through ``append_row`` or
``write_table``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F0F2F5")
#: Number formats by the kind of figure.
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
YUAN = '#,##0.00" 元"'
PERCENT = "0.0%"
YEAR = "0"


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 14
    number_format: str | None = None
    wrap: bool = False


def write_table(ws, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows; returns the number of data rows. Number formats apply to numeric cells only."""
    ws.append([c.title for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = c.width
    n = 0
    for row in rows:
        append_row(ws, row)
        n += 1
        r = ws.max_row
        for i, c in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=i)
            if c.number_format and isinstance(cell.value, int | float):
                cell.number_format = c.number_format
            if c.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if n:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    return n

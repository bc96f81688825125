"""Excel sheets that read well: a bold frozen header, column widths, autofilter, and numbers stored as numbers
with number formats (never "9.7" or "77.6%" as text), shared by every export of the platform."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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
        ws.append(list(row))
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

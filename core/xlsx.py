"""The one way to write an Excel export: text that Excel would run as a formula is written as text, and sheets
read well (a bold frozen header, column widths, autofilter, numbers stored as numbers with number formats).

An organisation named ``=HYPERLINK("http://…","点此领取补贴")`` must reach the bureau's export as those characters,
not as a live link (OWASP "CSV/formula injection"). Every export appends its rows through ``append_row`` or
``write_table``.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
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


def workbook() -> Any:
    """A workbook in openpyxl's write-only mode: rows stream to the file as they are appended, so an export's time
    and memory grow with its rows, never with their square (a normal worksheet's ``max_row`` walks every cell)."""
    return Workbook(write_only=True)


def save(wb: Any) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def header(ws: Any, titles: Sequence[str], widths: Sequence[float] | float | None = None) -> None:
    """A bold, shaded, frozen header row (and column widths) on a write-only or a normal worksheet. On a write-only
    one, call it before any other row: widths and the frozen pane are written ahead of the rows."""
    if widths is not None:
        for i in range(len(titles)):
            w = widths if isinstance(widths, int | float) else widths[i]
            ws.column_dimensions[get_column_letter(i + 1)].width = w
    ws.freeze_panes = "A2"
    ws.append([_styled(ws, safe_cell(t), _HEADER_STYLE) for t in titles])


#: Styles are set on a template cell once per workbook; every cell of the column gets a copy of its style array
#: (setting font, fill or number format on each cell would look the style up again for every cell).
_HEADER_STYLE = ("header",)


def _style_of(ws: Any, key: tuple) -> Any:
    styles = ws.parent.__dict__.setdefault("_kc_styles", {})
    if key not in styles:
        cell = WriteOnlyCell(ws)
        if key == _HEADER_STYLE:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        else:
            number_format, wrap = key
            if number_format:
                cell.number_format = number_format
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        styles[key] = cell._style
    return styles[key]


def _styled(ws: Any, value: Any, key: tuple) -> Any:
    cell = WriteOnlyCell(ws, value)
    cell._style = copy.copy(_style_of(ws, key))
    return cell


def styled(ws: Any, value: Any, number_format: str | None = None, wrap: bool = False) -> Any:
    """A cell for ``ws.append`` with a number format (numbers only) or wrapped text; a plain safe value otherwise."""
    value = safe_cell(value)
    if number_format and isinstance(value, int | float) and not isinstance(value, bool):
        return _styled(ws, value, (number_format, wrap))
    if wrap and value is not None:
        return _styled(ws, value, (None, True))
    return value


def write_table(ws: Any, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows on a new worksheet (write-only or normal); returns the number of data rows. Number
    formats apply to numeric cells only."""
    header(ws, [c.title for c in columns], [c.width for c in columns])
    number = [(c.number_format, c.wrap) if c.number_format else None for c in columns]
    text = [(None, True) if c.wrap else None for c in columns]
    n = 0
    for row in rows:
        out = []
        for fmt, wrap, v in zip(number, text, row, strict=False):
            v = safe_cell(v)
            if isinstance(v, Cell):  # styled by the caller
                pass
            elif fmt and isinstance(v, int | float) and not isinstance(v, bool):
                v = _styled(ws, v, fmt)
            elif wrap and v is not None:
                v = _styled(ws, v, wrap)
            out.append(v)
        ws.append(out)
        n += 1
    if n:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    return n


def csv_value(value: Any) -> Any:
    """A value for a CSV cell that a spreadsheet program opens: formula-like text gets a leading apostrophe, the
    usual guard (OWASP "CSV injection"), so it is shown and never run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value

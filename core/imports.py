"""Shared parts of every Excel import: the one sheet reader, header check by name, and a compact error report.

``sheet_rows`` is how every import reads a sheet (issue 25 item 6): openpyxl's read-only mode with the sheet's
declared ``<dimension>`` ignored, so a 7 KB file claiming A1:XFD50000 is read as the few cells it holds; a hard cap on
rows and columns answers a Chinese error (``SheetTooLarge``) instead of hours of work.
A page lists the first ``ERRORS_SHOWN`` errors; the full list is a workbook the importer (only) can download.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from openpyxl import Workbook

from core.xlsx import append_row

ERRORS_SHOWN = 200
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
#: The most rows (row number, header included) and columns any import reads from one sheet.
MAX_ROWS = 200_000
MAX_COLUMNS = 100


class SheetTooLarge(ValueError):
    """A sheet has values beyond MAX_ROWS rows or MAX_COLUMNS columns (the message is for the user)."""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def open_workbook(data: bytes) -> Any:
    """The workbook in openpyxl's read-only, values-only mode (raises whatever openpyxl raises for a non-xlsx)."""
    import io

    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def _parsed_rows(ws: Any) -> Iterator[tuple[int, dict[int, Any]]]:
    """(row number, {column: value}) of the cells the sheet's XML holds, blank cells left out.

    openpyxl's own iter_rows pads every row to a width (the declared dimension, or max_col) before we see it; its
    parser (the one iter_rows uses) gives the cells as written, so the work follows the file's content.
    """
    if not hasattr(ws, "_get_source"):  # a workbook opened for writing (tests): no declared dimension to fear
        for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield n, {i: v for i, v in enumerate(row, start=1) if not _blank(v)}
        return
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = ws.parent
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for n, cells in parser.parse():
            yield n, {c["column"]: c["value"] for c in cells if not _blank(c["value"])}


def sheet_rows(ws: Any, min_row: int = 1, max_rows: int = MAX_ROWS,
               max_columns: int = MAX_COLUMNS) -> list[tuple[int, tuple[Any, ...]]]:
    """(row number, values from column A) of each non-empty row from ``min_row`` on, trailing empty cells dropped.

    The work is bounded by what the sheet holds, never by the dimension it declares, and by the caps: a value beyond
    them raises SheetTooLarge naming the sheet and the limit.
    """
    title = getattr(ws, "title", "")
    out: list[tuple[int, tuple[Any, ...]]] = []
    for n, values in _parsed_rows(ws):
        if n < min_row or not values:
            continue
        if n > max_rows:
            raise SheetTooLarge(f"工作表“{title}”超过 {max_rows:,} 行，请分成几个文件分别导入。")
        last = max(values)
        if last > max_columns:
            raise SheetTooLarge(f"工作表“{title}”第 {n} 行超过 {max_columns} 列，请删除模板以外的列后重新导入。")
        out.append((n, tuple(values.get(i) for i in range(1, last + 1))))
    return out


def header_problem(ws: Any, expected: list[str]) -> str:
    """'' when the sheet's first row names exactly the template's columns in order, else a Chinese reason."""
    first = next(((n, values) for n, values in _parsed_rows(ws) if n >= 1), (0, {}))
    found = [_text(first[1].get(i)) for i in range(1, max(first[1], default=0) + 1)] if first[0] == 1 else []
    while found and not found[-1]:
        found.pop()
    if found == expected:
        return ""
    for i, name in enumerate(expected):
        got = found[i] if i < len(found) else ""
        if got != name:
            return (f"表头与模板不一致：第 {i + 1} 列应为“{name}”，文件中是“{got or '（空）'}”。"
                    "请下载最新模板，按模板的列名和顺序填写，不要调换、增加或删除列。")
    return f"表头与模板不一致：多出了第 {len(expected) + 1} 列“{found[len(expected)]}”，请删除模板以外的列。"


def _dir() -> Path:
    path = Path(settings.VAR_DIR) / "import-errors"
    path.mkdir(parents=True, exist_ok=True)
    return path


def compact(result: Any, user: Any) -> Any:
    """Keep the first ERRORS_SHOWN errors on ``result``; save the full list for download (errors_url)."""
    errors = list(result.errors)
    result.errors_total, result.errors_url = len(errors), ""
    if len(errors) > ERRORS_SHOWN and getattr(user, "pk", None):
        token = secrets.token_hex(16)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("错误")
        append_row(ws, ["工作表", "行号", "列", "原因"])
        for e in errors:
            append_row(ws, [e.sheet, e.row, e.column, e.message])
        wb.save(_dir() / f"{user.pk}-{token}.xlsx")
        result.errors_url = reverse("import_errors", args=[token])
        result.errors = errors[:ERRORS_SHOWN]
    return result


def error_file(user: Any, token: str) -> Path | None:
    """The full error list of ``user``'s import ``token`` (None for anybody else's)."""
    if not _TOKEN.match(token or "") or not getattr(user, "pk", None):
        return None
    path = _dir() / f"{user.pk}-{token}.xlsx"
    return path if path.exists() else None


def rows_of(errors: Iterable[Any]) -> list[list[Any]]:
    return [[e.sheet, e.row, e.column, e.message] for e in errors]

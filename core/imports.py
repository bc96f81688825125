"""Shared parts of every Excel import: header check by name, and a compact error report.

A page lists the first ``ERRORS_SHOWN`` errors; the full list is a workbook the importer (only) can download.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from openpyxl import Workbook

from core.xlsx import append_row

ERRORS_SHOWN = 200
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def header_problem(ws: Any, expected: list[str]) -> str:
    """'' when the sheet's first row names exactly the template's columns in order, else a Chinese reason."""
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    found = [_text(v) for v in first]
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

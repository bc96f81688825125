"""Excel template and import of a reference table: columns 月份, 数值（%）, 来源; all rows or none."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook

from core.imports import header_problem
from core.xlsx import append_row
from policy.jurisdiction import ReferenceTable
from reference import services
from reference.forms import parse_month

COLUMNS = ["月份", "数值（%）", "来源"]


def template(t: ReferenceTable) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = t.name.replace(" ", "")
    append_row(ws, COLUMNS)
    append_row(ws, ["2025-06", 3.00, t.source])
    ws.column_dimensions["C"].width = 44
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_values(t: ReferenceTable, upload: Any, user: Any) -> tuple[int, list[str]]:
    """(rows saved, errors): nothing is saved when any row has an error."""
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not an xlsx file
        return 0, ["文件无法读取：请上传按模板填写的 Excel 文件（.xlsx）。"]
    ws = wb.worksheets[0]
    problem = header_problem(ws, COLUMNS)
    if problem:
        return 0, [problem]
    rows, errors, seen = [], [], set()
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(row[:3]) + [None] * (3 - len(row[:3]))
        if all(c in (None, "") for c in cells):
            continue
        month = parse_month(cells[0])
        if month is None:
            errors.append(f"第 {n} 行“月份”：应为“2025-06”（年-月），收到“{cells[0] or '（空）'}”。")
            continue
        if month in seen:
            errors.append(f"第 {n} 行“月份”：{month:%Y-%m} 在文件中重复，请只保留一行。")
            continue
        seen.add(month)
        try:
            value = Decimal(str(cells[1]).strip())
            ok = value.is_finite() and Decimal(0) <= value <= Decimal(100)
        except (InvalidOperation, ValueError):
            ok = False
        if not ok:
            errors.append(f"第 {n} 行“数值（%）”：应为 0 至 100 之间的百分比数字，如 3.00，收到“{cells[1] or '（空）'}”。")
            continue
        rows.append((month, value.quantize(Decimal("0.0001")), str(cells[2] or "").strip()[:200] or t.source))
    if errors:
        return 0, errors
    if not rows:
        return 0, ["文件中没有数据行：请在模板的表头下逐月填写。"]
    for month, value, source in rows:
        services.save_value(t, month, value, source, user)
    return len(rows), []

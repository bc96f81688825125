"""Issue 25 item 6: imports are bounded by what a sheet holds, not by the <dimension> it declares.

The crafted files are the apps' own templates with every sheet's dimension rewritten to A1:XFD50000 and 50,000
empty <row> elements added (as a sheet formatted down to row 50,000 has): before, each of those rows was padded to
16,384 cells and scanned (minutes of CPU for a few hundred KB); now they cost their XML and nothing more.
"""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook

from core.imports import MAX_COLUMNS, SheetTooLarge, open_workbook, sheet_rows


def inflate(data: bytes, ref: str = "A1:XFD50000", empty_rows: int = 50_000) -> bytes:
    """The same workbook, each sheet declaring ``ref`` and holding ``empty_rows`` empty rows after its content."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), body)
                rows = [int(r) for r in re.findall(rb'<row r="(\d+)"', body)]
                start = max(rows, default=0) + 1
                filler = "".join(f'<row r="{r}"/>' for r in range(start, start + empty_rows)).encode()
                body = body.replace(b"</sheetData>", filler + b"</sheetData>", 1).replace(b"<sheetData/>", (
                    b"<sheetData>" + filler + b"</sheetData>"), 1)
            dst.writestr(item, body)
    return out.getvalue()


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_declared_dimension_is_not_read() -> None:
    data = inflate(_xlsx([["a", "b"], [1, 2]]))
    ws = open_workbook(data).active
    assert ws.max_column == 16384  # what the file claims
    rows = sheet_rows(ws)
    assert rows == [(1, ("a", "b")), (2, (1, 2))]


def test_blank_rows_are_skipped_and_row_numbers_kept() -> None:
    rows = sheet_rows(open_workbook(_xlsx([["h1", "h2"], [None, "  "], ["x", None, None], [None, "y"]])).active,
                      min_row=2)
    assert rows == [(3, ("x",)), (4, (None, "y"))]


def test_the_caps_answer_in_chinese() -> None:
    ws = open_workbook(_xlsx([["h"]] + [[i] for i in range(11)])).active
    with pytest.raises(SheetTooLarge, match="超过 10 行，请分成几个文件分别导入"):
        sheet_rows(ws, max_rows=10)
    wide = open_workbook(_xlsx([["h"], [None] * MAX_COLUMNS + ["多出的列"]])).active
    with pytest.raises(SheetTooLarge, match=f"第 2 行超过 {MAX_COLUMNS} 列"):
        sheet_rows(wide)


@pytest.mark.django_db
@pytest.mark.parametrize("app", ["registry", "experts", "scifinance"])
def test_crafted_templates_import_in_moments(app: str, capsys) -> None:
    """Each app's import of its own template, inflated, reads only the template's rows."""
    if app == "registry":
        from registry.excel import import_workbook, template_workbook

        def run(data):
            return import_workbook(data, None)
    elif app == "experts":
        from experts.excel import import_experts, template_workbook

        def run(data):
            return import_experts(data, None)
    else:
        from registry.models import Organization, Region
        from scifinance.excel import import_loans, template_workbook
        from scifinance.models import Partner, PartnerKind

        region = Region.objects.exclude(kind="city").order_by("code").first()
        bank = Organization.objects.create(kind="service_provider", name="测试银行", uscc="91371000MA3CBANK0X",
                                           region=region)
        lender = Partner.objects.create(organization=bank, kind=PartnerKind.BANK)

        def run(data):
            return import_loans(data, lender, None)

    plain = template_workbook()
    crafted = inflate(plain)
    t = time.perf_counter()
    crafted_result = run(crafted)
    seconds = time.perf_counter() - t
    with capsys.disabled():
        print(f"\n{app}: crafted template ({len(crafted):,} bytes, A1:XFD50000, 50,000 empty rows) "
              f"imported in {seconds:.2f} s")
    # the same answer as the plain template's (nothing padded, nothing lost), and no time spent on the padding
    assert [str(e) for e in crafted_result.errors] == [str(e) for e in run(plain).errors]
    assert seconds < 30


@pytest.mark.django_db
def test_an_import_too_wide_is_refused_with_a_chinese_error() -> None:
    from registry.excel import ORG_COLUMNS, import_workbook

    wb = Workbook()
    wb.active.title = "主体"
    wb.active.append(ORG_COLUMNS)
    wb.active.append(["x"] + [None] * MAX_COLUMNS + ["y"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_workbook(buf.getvalue(), None)
    assert [str(e) for e in result.errors] == [f"文件 第0行 【文件】工作表“主体”第 2 行超过 {MAX_COLUMNS} 列，请删除模板以外的列后重新导入。"]

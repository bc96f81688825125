"""Excel exports never carry live formulas; imports check headers and report errors compactly (issue 12)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from core.xlsx import FORMULA_PREFIXES
from registry import excel
from registry.models import Organization

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://example.invalid/","点此领取补贴")'


def _cells(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _assert_no_formula(data: bytes, expected_texts: list[str]) -> None:
    cells = _cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "an export holds a live formula"
    values = {c.value for c in cells}
    for text in expected_texts:
        assert text in values, f"{text!r} missing from the export"


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES[:4])
def test_directory_export_writes_formula_like_names_as_text(parties, prefix):
    org = parties.district_org
    name = prefix + EVIL.lstrip("=")
    Organization.objects.filter(pk=org.pk).update(name=name)
    c = Client()
    c.force_login(parties.users["bureau"])
    response = c.get("/registry/", {"export": "xlsx", "q": org.uscc})
    assert response.status_code == 200
    _assert_no_formula(response.content, [name])


def test_screening_export_writes_formula_like_names_as_text(parties):
    from screening.models import ScreeningResult, ScreeningRun
    from screening.services import export_excel

    org = parties.district_org
    Organization.objects.filter(pk=org.pk).update(name=EVIL)
    run = ScreeningRun.objects.create(year=2024, status=ScreeningRun.Status.DONE, total=1, processed=1)
    ScreeningResult.objects.create(run=run, organization=org, region_id_snapshot=org.region_id, provision_id="p",
                                   title="@SUM(1)", document="-1+1", article="+1", form="fixed", amount=1,
                                   status="applies", explanation="", missing=[])
    _assert_no_formula(export_excel(run), [EVIL, "@SUM(1)"])


def test_indicator_report_has_no_formulas(parties):
    from indicators.reports import report_xlsx

    _assert_no_formula(report_xlsx(2024), [])


def _workbook(sheet: str, headers: list[str], rows: list[list]) -> bytes:
    wb = Workbook()
    wb.active.title = sheet
    wb.active.append(headers)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_refuses_swapped_headers(parties):
    """Issue 12: 研发投入 and 销售收入 headers swapped imported numbers into the wrong columns and reported success."""
    org = parties.district_org
    headers = [c for c, _ in excel.FACT_COLUMNS]
    i, j = headers.index("销售收入(元)"), headers.index("研发投入(元)")
    headers[i], headers[j] = headers[j], headers[i]
    data = _workbook(excel.FACTS_SHEET, headers, [[org.uscc, 2023, 100, "", 5, "", "", "", "", ""]])
    result = excel.import_workbook(data, parties.users["bureau"])
    assert not result.ok
    assert any("表头" in e.message for e in result.errors)
    assert not org.annual_facts.filter(year=2023, sales_revenue=100).exists()


def test_indicator_import_refuses_wrong_headers(parties):
    from indicators import reports

    headers = list(reports.COLUMNS)
    headers[3], headers[4] = headers[4], headers[3]
    result = reports.import_workbook(_workbook(reports.SHEET, headers, [["x", 2020, "", "src", 1, "", ""]]),
                                     parties.users["bureau"])
    assert not result.ok and any("表头" in e.message for e in result.errors)


def test_many_errors_show_200_and_offer_the_full_list(parties):
    rows = [["91371000MA3C0000XX", f"名称{i}", "企业", "不存在的区", "", ""] for i in range(450)]
    data = excel.build_workbook(rows, [])
    c = Client()
    c.force_login(parties.users["bureau"])
    upload = io.BytesIO(data)
    upload.name = "bad.xlsx"
    page = c.post("/registry/import/", {"file": upload})
    assert page.status_code == 200
    text = page.content.decode()
    result = page.context["result"]
    assert len(result.errors) == 200 and result.errors_total > 450
    assert f"共 {result.errors_total} 处" in text and "下载全部错误" in text
    full = c.get(result.errors_url)
    assert full.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(full.streaming_content))).active
    assert sheet.max_row == result.errors_total + 1
    other = Client()
    other.force_login(parties.users["district"])
    assert other.get(result.errors_url).status_code == 404

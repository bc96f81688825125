"""Indicator catalogue, observations (entry, correction, bad input), registry counts, import, reports, API, CLI."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from accounts.models import User
from core.models import AuditEvent
from indicators import reports, services
from indicators.catalogue import rows
from indicators.models import Indicator, Observation
from indicators.services import IndicatorInputError
from registry.models import AnnualFacts, Organization, Qualification, Region

pytestmark = pytest.mark.django_db
C_FILE = Path(settings.POLICY_DIR) / "C_2022-01-27_weihai-14th-five-year-st-plan.txt"
THIS_YEAR = dt.date.today().year


@pytest.fixture
def bureau():
    return User.objects.create_user("bureau1", password="pw-12345", role="bureau", first_name="科技局")


# ---- catalogue ---------------------------------------------------------------------------------------------------

def test_every_row_of_the_c_indicator_table_is_in_the_catalogue():
    """C 二（三）"威海市“十四五”科技创新主要指标": each row's name, 2020 value and 2025 value is an indicator."""
    table = {i.name: i for i in Indicator.objects.filter(category="c_table")}
    text = C_FILE.read_text(encoding="utf-8") if C_FILE.exists() else ""
    start = text.find("威海市“十四五”科技创新主要指标")
    lines = [ln for ln in text[start:].splitlines()[2:20] if "\t" in ln] if start >= 0 else []
    assert len(table) == 13
    assert len(lines) == 14 or not C_FILE.exists()  # header + 13 rows
    for line in lines[1:]:
        cells = [c.strip() for c in line.split("\t")]
        name = re.sub(r"\s*\(.*", "", cells[0]).replace(" ", "")
        match = [i for n, i in table.items() if n.replace(" ", "") == name]
        assert match, f"表中“{name}”缺失"
        if cells[1] != "—":
            assert match[0].baseline_value == Decimal(cells[1]) and match[0].target_value == Decimal(cells[2])
    hte = table["高新技术企业数量"]
    assert (hte.baseline_year, hte.baseline_value, hte.target_year, hte.target_value) == (
        2020, Decimal("738"), 2025, Decimal("1500"))
    assert table["全社会R&D经费支出占GDP比重"].change_text == "[0.44]"
    assert table["研发经费投入增长"].target_kind == "annual_growth"


def test_catalogue_covers_targets_of_a_c_d_e_with_citations():
    by_doc = {}
    for r in rows():
        by_doc.setdefault(r["document_key"], []).append(r)
        assert r["article"] and r["quote"] and r["definition"], r["code"]
    assert set(by_doc) == {"A", "C", "D", "E"}
    codes = {r["code"] for r in rows()}
    # A 第2条 主要目标; D 一（三）, 二（一）1–4; E 一; C 四（一）, 五（二）–（五）.
    assert {"a.rd_intensity", "a.tech_progress_contribution", "a.high_tech_enterprises", "d.provincial_platforms",
            "d.rd_intensity", "d.tech_transfer_agencies", "d.provincial_incubators", "d.ip_service_agencies",
            "e.rd_expense_above_size", "e.high_tech_enterprises", "e.tech_contract_turnover",
            "c.spinoff_enterprises", "c.leading_talents", "c.patent_agencies"} <= codes
    rongcheng = Indicator.objects.get(code="e.high_tech_enterprises")
    assert rongcheng.jurisdiction.code == "371082" and rongcheng.target_value == 140


# ---- observations ------------------------------------------------------------------------------------------------

def test_record_then_duplicate_is_refused_and_correction_is_a_new_version(bureau):
    obs = services.record_observation("c.rd_intensity", 2023, "2.45", source="统计公报", user=bureau)
    assert obs.version == 1 and obs.region.code == "371000"
    with pytest.raises(IndicatorInputError) as e:
        services.record_observation("c.rd_intensity", 2023, "2.50", source="统计公报", user=bureau)
    assert e.value.field == "year" and "重复录入被拒绝" in e.value.message and "更正" in e.value.message
    with pytest.raises(IndicatorInputError) as e:
        services.correct_observation("c.rd_intensity", 2023, "2.50", source="统计年鉴", reason="", user=bureau)
    assert e.value.field == "reason"
    new = services.correct_observation("c.rd_intensity", 2023, "2.50", source="统计年鉴", reason="正式数据替代快报数",
                                       user=bureau)
    assert new.version == 2
    assert list(Observation.objects.filter(indicator__code="c.rd_intensity").values_list("value", "version")
                .order_by("version")) == [(Decimal("2.4500"), 1), (Decimal("2.5000"), 2)]
    ind = Indicator.objects.get(code="c.rd_intensity")
    assert services.series(ind)[2023].value == 2.5
    assert AuditEvent.objects.filter(action="indicators.observation.correct", actor=bureau).count() == 1


@pytest.mark.parametrize("code,year,value,region,field,fragment", [
    ("c.nope", 2023, "1", "", "indicator", "未知指标编码"),
    ("c.rd_active_share", 2023, "146.5", "", "value", "不能大于 100"),
    ("c.high_tech_enterprises", 2023, "-3", "", "value", "不能为负"),
    ("c.tech_smes", 2019, "900", "", "year", "2020—2025"),
    ("c.rd_intensity", 2031, "2.3", "", "year", "超出规划期"),
    ("c.rd_intensity", "二〇二三", "2.3", "", "year", "四位年份"),
    ("c.rd_intensity", 2023, "abc", "", "value", "不是数字"),
    ("c.st_service_revenue", 2023, "150", "371082", "region", "请留空"),
    ("c.high_tech_enterprises", 2023, "300", "999999", "region", "371002"),
    ("e.high_tech_enterprises", 2022, "150", "371002", "region", "请留空"),
])
def test_bad_observations_are_refused_with_chinese_messages(code, year, value, region, field, fragment):
    with pytest.raises(IndicatorInputError) as e:
        services.record_observation(code, year, value, source="统计公报", region=region)
    assert e.value.field == field and fragment in e.value.message
    assert not Observation.objects.exists()


def test_district_observations_of_the_plan_table():
    """C 二（三） rows may be kept per 区市 as well; the district table shows them beside the city figure."""
    services.record_observation("c.rd_intensity", 2023, "2.45", source="统计公报")
    services.record_observation("c.rd_intensity", 2023, "3.1", source="荣成市统计公报", region="371082")
    ind = Indicator.objects.get(code="c.rd_intensity")
    assert services.series(ind)[2023].value == 2.45
    rows = {r["region"].code: r for r in services.district_table(ind, 2023)}
    assert rows["371082"]["value"] == 3.1 and rows["371082"]["origin"] == "录入" and rows["371002"]["value"] is None


def test_source_is_required_and_growth_may_be_negative():
    with pytest.raises(IndicatorInputError) as e:
        services.record_observation("c.rd_intensity", 2023, "2.4", source=" ")
    assert e.value.field == "source"
    assert services.record_observation("c.rd_expenditure_growth", 2023, "-2.5", source="统计公报").value == Decimal("-2.5")


def test_series_shared_between_a_c_and_d_rd_intensity():
    """A 第2条, C 二（三）, D 二（一）1 measure the same R&D intensity: one series, year range 2018–2025."""
    services.record_observation("a.rd_intensity", 2019, "2.31", source="统计公报")
    services.record_observation("c.rd_intensity", 2021, "2.40", source="统计公报")
    d = Indicator.objects.get(code="d.rd_intensity")
    assert services.plan_years(d) == (2018, 2025)
    assert {y: p.value for y, p in services.series(d).items()} == {2019: 2.31, 2021: 2.40}
    with pytest.raises(IndicatorInputError):
        services.record_observation("d.rd_intensity", 2021, "2.41", source="统计公报")


# ---- registry counts ---------------------------------------------------------------------------------------------

def _enterprise(n: int, region: str) -> Organization:
    from registry.uscc import make_uscc

    return Organization.objects.create(kind="enterprise", name=f"测试企业{n}", uscc=make_uscc(f"91{region}MA00{n:05d}"),
                                       region=Region.objects.get(code=region))


def test_high_tech_enterprises_are_counted_on_31_december_and_entered_figures_win():
    a, b, c = _enterprise(1, "371002"), _enterprise(2, "371082"), _enterprise(3, "371082")
    Qualification.objects.create(organization=a, kind="high_tech_enterprise", valid_from=dt.date(2021, 5, 1),
                                 valid_to=dt.date(2024, 4, 30), certification="first_certification")
    Qualification.objects.create(organization=b, kind="high_tech_enterprise", valid_from=dt.date(2022, 12, 31),
                                 valid_to=dt.date(2025, 12, 30), certification="first_certification")
    Qualification.objects.create(organization=c, kind="high_tech_enterprise", valid_from=dt.date(2020, 1, 1),
                                 valid_to=dt.date(2022, 12, 30), certification="recertification")
    city = Indicator.objects.get(code="c.high_tech_enterprises")
    s = services.series(city)
    assert {y: p.value for y, p in s.items()} == {2020: 1, 2021: 2, 2022: 2, 2023: 2, 2024: 1}
    assert all(p.origin == "computed" for p in s.values())
    rongcheng = Indicator.objects.get(code="e.high_tech_enterprises")
    assert {y: p.value for y, p in services.series(rongcheng).items()} == {2021: 1, 2022: 1}
    assert services.series(Indicator.objects.get(code="e.new_high_tech_enterprises"))[2022].value == 1
    table = {r["region"].code: r["value"] for r in services.district_table(city, 2022)}
    assert table["371002"] == 1 and table["371082"] == 1 and table["371003"] is None
    services.record_observation("c.high_tech_enterprises", 2022, "1040", source="高企认定公示")
    p = services.series(city)[2022]
    assert (p.value, p.origin, p.computed_value) == (1040, "entered", 2)


def test_rd_active_share_among_above_designated_size_enterprises():
    """C 二（三） 规模以上工业企业有研发活动的比例: 1 of 2 above-size enterprises has R&D activity in 2023 → 50%."""
    a, b, c = _enterprise(4, "371003"), _enterprise(5, "371003"), _enterprise(6, "371003")
    for org in (a, b):
        Qualification.objects.create(organization=org, kind="above_designated_size", year=2023,
                                     valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2023, 12, 31))
    AnnualFacts.objects.create(organization=a, year=2023, rd_active=True, rd_expense=Decimal("150000000"))
    AnnualFacts.objects.create(organization=b, year=2023, rd_active=False, rd_expense=Decimal("50000000"))
    AnnualFacts.objects.create(organization=c, year=2023, rd_active=True, rd_expense=Decimal("90000000"))
    ind = Indicator.objects.get(code="c.rd_active_share")
    assert services.series(ind)[2023].value == 50.0


# ---- Excel import ------------------------------------------------------------------------------------------------

def _workbook(rows_: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = reports.SHEET
    ws.append(reports.COLUMNS)
    for r in rows_:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_is_all_or_nothing_and_lists_every_bad_row(bureau):
    good = [["c.rd_intensity", 2021 + k % 4, "", 2.4, "统计公报", "", ""] for k in range(1)]
    good += [["c.high_tech_enterprises", 2021, "371002", 120, "高企公示", "", ""],
             ["c.tech_contract_turnover", 2022, "", 118.5, "技术合同登记", "", ""]]
    bad = good + [["c.rd_active_share", 2022, "", 120, "统计", "", ""],
                  ["c.unknown", 2022, "", 1, "统计", "", ""],
                  ["c.rd_intensity", 2021, "", 2.41, "统计公报", "", ""]]
    result = reports.import_workbook(_workbook(bad), bureau)
    assert not result.ok and not Observation.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [(5, "数值"), (6, "指标编码"), (7, "年度")]
    assert "与第2行重复" in result.errors[2].message
    result = reports.import_workbook(_workbook(good), bureau)
    assert result.ok and result.recorded == 3 and Observation.objects.count() == 3
    again = reports.import_workbook(_workbook([["c.rd_intensity", 2021, "", 2.42, "统计年鉴", "", "正式数"]]), bureau)
    assert again.ok and again.corrected == 1
    assert Observation.objects.get(indicator__code="c.rd_intensity", version=2).channel == "excel"


def test_template_lists_every_indicator():
    wb = load_workbook(io.BytesIO(reports.template_workbook()))
    codes = [r[0] for r in wb["指标目录"].iter_rows(min_row=2, values_only=True)]
    assert codes == list(Indicator.objects.order_by("order").values_list("code", flat=True))


# ---- reports -----------------------------------------------------------------------------------------------------

def test_pdf_report_renders_with_embedded_font_and_every_indicator_name():
    from pypdf import PdfReader

    services.record_observation("c.rd_intensity", 2023, "2.45", source="统计公报")
    data = reports.report_pdf(2023)
    reader = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for name in Indicator.objects.values_list("name", flat=True):
        assert re.sub(r"\s+", "", name) in text, name
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            if "WenQuanYi" in str(f["/BaseFont"]):  # the Chinese font: a TrueType subset, embedded
                fonts.add(f["/BaseFont"])
                assert "/FontFile2" in f["/FontDescriptor"].get_object(), "font not embedded"
    assert fonts


def test_excel_report_has_one_row_per_indicator():
    wb = load_workbook(io.BytesIO(reports.report_xlsx(2023)))
    ws = wb.active
    assert ws.max_row - 1 == Indicator.objects.count()
    assert ws.cell(1, 15).value == "状态"


def test_excel_report_stores_numbers_as_numbers_with_formats():
    """Issue 13: the report stored "9.7" and "77.6%" as text; figures are numbers with number formats now."""
    services.record_observation("c.rd_intensity", 2023, "2.45", source="统计公报")
    ws = load_workbook(io.BytesIO(reports.report_xlsx(2023))).active
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "全社会R&D经费支出占GDP比重")
    cell = dict(zip(headers, row, strict=False))
    assert cell["判定数值"].value == 2.45 and cell["判定数值"].number_format == "#,##0.00"
    assert cell["基期值"].value == 2.36 and cell["目标值"].value == 2.8
    assert cell["目标说明"].value == "2020—2025年累计增加0.44%"
    assert isinstance(cell["完成进程"].value, float) and cell["完成进程"].number_format == "0.0%"
    assert abs(cell["完成进程"].value - (2.45 - 2.36) / 0.44) < 1e-9
    assert cell["数据年度"].value == 2023
    count_row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "高新技术企业数量")
    assert dict(zip(headers, count_row, strict=False))["目标值"].number_format == "#,##0"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 20


# ---- pages, API, CLI ---------------------------------------------------------------------------------------------

def test_pages_for_staff_and_refusal_for_entities(bureau):
    client = Client()
    client.force_login(bureau)
    services.record_observation("c.rd_intensity", 2023, "2.45", source="统计公报")
    r = client.get("/indicators/?year=2023")
    assert r.status_code == 200
    body = r.content.decode()
    assert "全社会R&amp;D经费支出占GDP比重" in body and "echarts.min.js" in body and "cdn" not in body.lower()
    r = client.get("/indicators/c.rd_intensity/")
    assert r.status_code == 200 and "滞后" in r.content.decode()
    assert client.get("/indicators/c.nope/").status_code == 404
    r = client.post("/indicators/c.rd_active_share/observe/",
                    {"mode": "record", "year": "2023", "value": "146", "source": "统计"})
    assert r.status_code == 400 and "不能大于 100" in r.content.decode() and "146" in r.content.decode()
    r = client.post("/indicators/c.rd_active_share/observe/",
                    {"mode": "record", "year": "2023", "value": "56.1", "source": "统计"})
    assert r.status_code == 302
    assert client.get("/indicators/report/2023.pdf")["Content-Type"] == "application/pdf"
    assert "76 项目标" in client.get("/").content.decode()  # the staff home page points to the monitoring
    ent = User.objects.create_user("ent1", password="pw-12345", role="enterprise")
    other = Client()
    other.force_login(ent)
    assert other.get("/indicators/").status_code == 403
    assert other.get("/api/indicators/").status_code == 403


def test_api_lists_progress_and_records_corrections(bureau):
    client = Client()
    client.force_login(bureau)
    r = client.post("/api/indicators/c.high_value_invention_patents_per_10k/observations/",
                    {"year": 2023, "value": "7.9", "source": "知识产权统计"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["version"] == 1
    r = client.post("/api/indicators/c.high_value_invention_patents_per_10k/observations/",
                    {"year": 2023, "value": "8.1", "source": "知识产权统计"}, content_type="application/json")
    assert r.status_code == 400 and "重复录入被拒绝" in r.json()["year"][0]
    r = client.post("/api/indicators/c.high_value_invention_patents_per_10k/observations/",
                    {"year": 2023, "value": "8.1", "source": "知识产权统计", "reason": "复核"},
                    content_type="application/json")
    assert r.json()["version"] == 2
    data = client.get("/api/indicators/c.high_value_invention_patents_per_10k/").json()
    assert data["series"][0]["value"] == 8.1 and data["progress"]["status"] in {"on_track", "at_risk", "off_track"}
    listing = client.get("/api/indicators/?year=2023").json()
    assert len(listing) == Indicator.objects.count()
    assert "/api/indicators/{code}/observations/" in client.get("/api/schema/").content.decode()


def test_command_line(tmp_path, capsys):
    call_command("indicators", "record", "c.tech_contract_turnover", "2022", "118", "--source", "技术合同登记")
    call_command("indicators", "show", "c.tech_contract_turnover")
    out = capsys.readouterr().out
    assert "2022  118  录入" in out
    call_command("indicators", "report", "--year", "2022", "--pdf", str(tmp_path / "r.pdf"), "--xlsx",
                 str(tmp_path / "r.xlsx"))
    assert (tmp_path / "r.pdf").read_bytes()[:4] == b"%PDF"
    call_command("indicators", "demo")
    assert Observation.objects.filter(source__contains="示范").count() > 20

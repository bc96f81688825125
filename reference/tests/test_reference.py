"""Reference data the rules read (issue 24 item 3, issue 27 item 3): the 1-year LPR kept on a staff page with its
source and who entered it; a loan in a month without LPR says so in plain words; entering the month computes it."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core.models import AuditEvent
from policy import services as policy
from reference import services
from reference.models import MonthlyValue
from reference.todo import groups
from scifinance import services as finance
from scifinance.tests.conftest import fw, loan_values  # noqa: F401 - the fixture

LPR = "lpr_1y"
TODAY = dt.date(2026, 1, 10)  # the previous quarter ends with 2025-12


def lpr():
    return services.table(LPR)


def b25(org, year: int):
    return {r.provision_id: r for r in policy.evaluate_organization(org, year).results}["B.25.ip_loan_interest"]


def test_seeded_from_the_package_file_with_its_source(db):
    """The data migration seeds the published months (to 2025-09, 3.00% since 2025-05-20) with their source."""
    row = MonthlyValue.objects.get(table=LPR, month=dt.date(2025, 9, 1))
    assert row.value == Decimal("3.0000") and row.source == "中国人民银行授权全国银行间同业拆借中心公布"
    f = services.filled(lpr(), TODAY)
    assert f.through_text == "2025 年 9 月"
    assert f.missing_text == "2025 年 10 月、2025 年 11 月、2025 年 12 月"


def test_a_loan_in_a_month_without_lpr_says_so_and_entering_it_computes(fw):  # noqa: F811
    """B 第25条: 500 万 signed 2025-12-15 needs the November 2025 LPR: missing → "near" in plain words; the bureau
    enters 3.00% → 500 万 × 3.00% × 20% = 3 万 at the next evaluation (no restart, no developer)."""
    finance.register_loan(fw.banker, fw.bank, loan_values(fw, product="知识产权质押贷款", amount="5000000",
                                                          contract_date="2025-12-15"))
    r = b25(fw.ent_a, 2025)
    assert r.status == "near" and r.amount == 0
    assert "缺少 2025 年 11 月 1 年期 LPR，录入后自动计算" in r.missing
    assert "policy_weihai" not in r.missing and ".csv" not in r.missing
    assert services.filled(lpr(), TODAY).missing[-1] == dt.date(2025, 12, 1)

    services.save_value(lpr(), dt.date(2025, 11, 1), Decimal("3.00"), "中国人民银行授权全国银行间同业拆借中心公布", fw.bea)
    r = b25(fw.ent_a, 2025)
    assert r.status == "applies" and r.amount == Decimal("30000.00")
    assert "2025-11 1年期LPR 3.00%" in r.explanation


def test_the_loan_needing_a_later_month_extends_the_work_list(fw):  # noqa: F811
    """The missing months run to the month the latest IP-pledge loan needs when that is after the last quarter."""
    finance.register_loan(fw.banker, fw.bank, loan_values(fw, product="知识产权质押贷款", amount="5000000",
                                                          contract_date="2026-03-05"))
    assert services.filled(lpr(), TODAY).missing[-1] == dt.date(2026, 2, 1)
    (group,) = groups(fw.bea, TODAY)
    assert group.label == "缺少的1 年期 LPR" and group.count == 5
    assert [t.title for t in group.tasks][:2] == ["录入 2025 年 10 月 1 年期 LPR", "录入 2025 年 11 月 1 年期 LPR"]
    assert groups(fw.fin, TODAY) == [] and groups(fw.alice, TODAY) == []


def _page(client, url: str) -> str:
    return re.sub(r">\s+<", "><", client.get(url).content.decode())


def test_the_staff_page_lists_months_and_the_bureau_adds_one(fw, client):  # noqa: F811
    """The bureau sees each month with value, source and who entered it, adds a month, and it is audited."""
    client.force_login(fw.bea)
    page = _page(client, "/reference/lpr_1y/")
    assert "已录入至 <strong id=\"filled-through\">2025 年 9 月</strong>" in page
    assert "2025 年 9 月</td><td>3.00%</td><td>中国人民银行授权全国银行间同业拆借中心公布</td><td>随系统提供" in page
    assert "缺少 2025 年 10 月" in page
    response = client.post("/reference/lpr_1y/new/", {"month": "2025-10", "value": "3.00",
                                                       "source": "中国人民银行授权全国银行间同业拆借中心公布"})
    assert response.status_code == 302
    row = MonthlyValue.objects.get(table=LPR, month=dt.date(2025, 10, 1))
    assert row.entered_by == fw.bea and row.value == Decimal("3.0000")
    event = AuditEvent.objects.get(action="reference.value_saved")
    assert event.actor_id == fw.bea.pk and event.data["month"] == "2025-10" and event.data["old"] is None
    page = _page(client, "/reference/lpr_1y/")
    assert "已录入至 <strong id=\"filled-through\">2025 年 10 月</strong>" in page and "bea" in page


@pytest.mark.parametrize(("value", "words"), [("abc", "数值应为数字"), ("300", "不能大于 100"), ("-1", "不能小于 0"),
                                              ("NaN", "数值应为数字")])
def test_bad_values_get_a_field_error(fw, client, value, words):  # noqa: F811
    client.force_login(fw.bea)
    response = client.post("/reference/lpr_1y/new/", {"month": "2025-10", "value": value, "source": "公布"})
    assert response.status_code == 400 and words in response.content.decode()
    response = client.post("/reference/lpr_1y/new/", {"month": "2025-13", "value": "3", "source": "公布"})
    assert response.status_code == 400 and "月份格式应为“2025-06”" in response.content.decode()
    assert not MonthlyValue.objects.filter(month=dt.date(2025, 10, 1)).exists()


def test_only_the_bureau_enters_values(fw, client):  # noqa: F811
    client.force_login(fw.fin)
    assert client.get("/reference/lpr_1y/").status_code == 200
    assert client.post("/reference/lpr_1y/new/", {"month": "2025-10", "value": "3", "source": "x"}).status_code == 403
    client.force_login(fw.alice)
    assert client.get("/reference/lpr_1y/").status_code == 403


def _xlsx(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "lpr.xlsx"
    return buf


def test_excel_template_and_import(fw, client):  # noqa: F811
    """The template's header imports back; a bad row imports nothing and names the row, the column and the fix."""
    client.force_login(fw.bea)
    template = load_workbook(io.BytesIO(client.get("/reference/lpr_1y/template.xlsx").content))
    header = [c.value for c in template.active[1]]
    assert header == ["月份", "数值（%）", "来源"]
    bad = _xlsx([header, ["2025-10", 3.0, ""], ["2025-11", "三", ""]])
    response = client.post("/reference/lpr_1y/import/", {"file": bad})
    assert response.status_code == 400
    assert "第 3 行“数值（%）”：应为 0 至 100 之间的百分比数字" in response.content.decode()
    assert not MonthlyValue.objects.filter(month__gte=dt.date(2025, 10, 1)).exists()
    good = _xlsx([header, [dt.datetime(2025, 10, 1), 3.0, None], ["2025-11", "3.00", "人民银行公告"]])
    response = client.post("/reference/lpr_1y/import/", {"file": good})
    assert response.status_code == 302
    oct_, nov = MonthlyValue.objects.filter(month__gte=dt.date(2025, 10, 1)).order_by("month")
    assert (oct_.source, nov.source) == ("中国人民银行授权全国银行间同业拆借中心公布", "人民银行公告")
    assert oct_.entered_by == fw.bea and AuditEvent.objects.filter(action="reference.value_saved").count() == 2


def test_home_page_and_catalogue_show_the_missing_months(fw, client):  # noqa: F811
    """Issue 27 item 3: the catalogue names the table B 第25条 reads and up to when it is filled; the home page the
    missing months."""
    client.force_login(fw.bea)
    home = client.get("/").content.decode()
    assert "参考数据待录入" in home and "缺少 2025 年 10 月" in home and "1 年期 LPR" in home
    assert '<a href="/reference/">参考数据</a>' in home  # the navigation's 政策 menu
    catalogue = client.get("/policy/").content.decode()
    part = catalogue[catalogue.index('id="B.25.ip_loan_interest"'):]
    part = part[:part.index("</div>")]
    assert "所用参考数据" in part and "1 年期贷款市场报价利率（LPR）" in part and "已录入至 2025 年 9 月" in part


def test_the_database_refuses_a_value_out_of_range_or_a_month_not_on_its_first_day(db):
    from django.db import IntegrityError, transaction

    for month, value in ((dt.date(2025, 10, 1), Decimal("300")), (dt.date(2025, 10, 20), Decimal("3"))):
        with pytest.raises(IntegrityError), transaction.atomic():
            MonthlyValue.objects.create(table=LPR, month=month, value=value, source="x")


def test_correcting_a_month_shows_the_old_value_and_audits_it(fw, client):  # noqa: F811
    """更正: the form opens with the month's value and source; saving records the old value in the audit log."""
    client.force_login(fw.bea)
    page = client.get("/reference/lpr_1y/2025-09/").content.decode()
    assert "现值 3.00%（中国人民银行授权全国银行间同业拆借中心公布）" in page and 'value="2025-09"' in page
    client.post("/reference/lpr_1y/new/", {"month": "2025-09", "value": "3.05", "source": "更正：人民银行公告"})
    assert MonthlyValue.objects.get(table=LPR, month=dt.date(2025, 9, 1)).value == Decimal("3.0500")
    event = AuditEvent.objects.get(action="reference.value_saved")
    assert (event.data["old"], event.data["value"]) == ("3.0000", "3.05")


def test_the_enterprise_page_says_what_is_missing_then_shows_the_subsidy(fw, client):  # noqa: F811
    """What the borrower reads on 免申即享: the missing month in plain words, then 3 万元 once the bureau enters it."""
    finance.register_loan(fw.banker, fw.bank, loan_values(fw, product="知识产权质押贷款", amount="5000000",
                                                          contract_date="2025-12-15"))
    client.force_login(fw.alice)
    page = client.get("/screening/mine/?year=2025").content.decode()
    assert "缺少 2025 年 11 月 1 年期 LPR，录入后自动计算" in page and "lpr_1y" not in page
    services.save_value(lpr(), dt.date(2025, 11, 1), Decimal("3.00"), "中国人民银行授权全国银行间同业拆借中心公布", fw.bea)
    page = client.get("/screening/mine/?year=2025").content.decode()
    assert "缺少 2025 年 11 月" not in page and "3 万元" in page


def test_the_catalogue_reads_the_reference_version_once_not_per_parameter(fw, client):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(fw.bea)
    client.get("/policy/")
    with CaptureQueriesContext(connection) as q:
        client.get("/policy/")
    assert sum("reference_monthlyvalue" in x["sql"] for x in q.captured_queries) <= 3  # was 229 (one per parameter)

"""The registry in a real headless Chromium: log in, search, open a profile, import Excel with one bad row."""

from __future__ import annotations

import pytest

from conftest import login
from registry import excel
from registry.models import Organization
from registry.uscc import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_searches_opens_profile_and_sees_bad_import_row(page, demo_city, tmp_path):
    login(page, "bureau")
    org = Organization.objects.filter(kind="enterprise").order_by("id")[5]
    page.goto(page.base_url + "/registry/")
    page.fill("input[name=q]", org.name[2:7])
    page.click("#directory-filter button[type=submit]")
    page.click(f"text={org.name}")
    assert page.inner_text("#org-name") == org.name
    page.wait_for_selector("#facts-chart canvas")  # the ECharts chart, served by the platform itself
    assert "梯次培育路径" in page.content()

    rows = [[make_uscc(f"91371002BRW{i:06d}"), f"威海浏览器测试{i}有限公司", "企业", "高区", "", "2019-03-01"] for i in range(20)]
    rows[7][0] = rows[7][0][:17] + ("0" if rows[7][0][17] != "0" else "1")  # a wrong check character
    path = tmp_path / "import.xlsx"
    path.write_bytes(excel.build_workbook(rows, []))
    page.goto(page.base_url + "/registry/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("#import-submit")
    errors = page.inner_text("#import-errors")
    assert "主体\t9\t统一社会信用代码" in errors and "校验位错误" in errors
    assert "未导入任何数据" in page.content()
    assert not Organization.objects.filter(name__startswith="威海浏览器测试").exists()

"""Indicator monitoring in a real headless Chromium: the dashboard, one indicator page and a correction."""

from __future__ import annotations

import pytest

from conftest import login
from indicators import demo
from indicators.models import Observation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_and_indicator_page(page, demo_city):
    demo.seed()
    login(page, "bureau")
    page.goto(page.base_url + "/indicators/?year=2023")
    assert "规划指标监测（2023年）" in page.inner_text("h1")
    assert "共 76 项指标" in page.inner_text("#status-summary")
    page.wait_for_selector("#chart-share canvas")  # ECharts drew, from the platform's own static files
    page.wait_for_selector("#chart-status canvas")
    assert page.locator("table.indicators tr").count() > 76
    page.click("text=全社会R&D经费支出占GDP比重")
    page.wait_for_selector("#chart-series canvas")
    assert page.inner_text("h1") == "全社会R&D经费支出占GDP比重（%）"
    rule = page.inner_text("#progress-rule")
    assert "外推" in rule and "2.8%" in rule
    assert "录入" in page.inner_text("#series")
    # Correct the 2023 value: a new version, the old one stays in the history.
    page.select_option("#observe-form select[name=mode]", "correct")
    page.fill("#observe-form input[name=year]", "2023")
    page.fill("#observe-form input[name=value]", "2.61")
    page.fill("#observe-form input[name=source]", "威海市统计公报")
    page.fill("#observe-form input[name=reason]", "统计公报正式数")
    page.click("#observe-form button[type=submit]")
    page.wait_for_selector("text=已更正")
    history = page.inner_text("#history")
    assert "第2版" in history and "统计公报正式数" in history
    assert Observation.objects.filter(indicator__code="c.rd_intensity", year=2023).count() == 2
    # A percentage above 100 is refused with the field named, and what was typed is shown again.
    page.goto(page.base_url + "/indicators/c.rd_active_share/")
    page.fill("#observe-form input[name=year]", "2024")
    page.fill("#observe-form input[name=value]", "146")
    page.fill("#observe-form input[name=source]", "统计")
    page.click("#observe-form button[type=submit]")
    assert "不能大于 100" in page.inner_text("#observe-error")
    assert "146" in page.inner_text("main")

"""In a real headless Chromium: the bureau finds the missing LPR month on its home page, enters it on the reference
page, and the month is listed with its source and who entered it."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from accounts.models import User
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_enters_a_missing_lpr_month_from_its_home_page(page):
    User.objects.create(username="bureau1", password=make_password("demo12345"), role="bureau", first_name="王科员")
    login(page, "bureau1")
    page.goto(page.base_url + "/")
    box = page.locator("#reference-missing")
    assert "缺少 2025 年 10 月" in box.inner_text() and "1 年期 LPR" in box.inner_text()
    box.get_by_role("link", name="去录入").click()
    assert "已录入至 2025 年 9 月" in page.inner_text("main")
    page.fill("input[name=month]", "2025-10")
    page.fill("input[name=value]", "3.00")
    page.click("#save-value")
    page.wait_for_load_state("networkidle")
    assert "已保存 2025 年 10 月 1 年期 LPR 3.00%" in page.inner_text("body")
    assert "已录入至 2025 年 10 月" in page.inner_text("main")
    row = page.locator("#values tr", has_text="2025 年 10 月").inner_text()
    assert "3.00%" in row and "中国人民银行授权全国银行间同业拆借中心公布" in row and "王科员" in row

"""Browser check of the catalogue and coverage pages."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_catalogue_and_coverage_in_browser(page, demo_city):
    from conftest import login

    login(page, "bureau")  # enterprise accounts are sent to the public catalogue (issue 13)
    page.goto(page.base_url + "/policy/")
    assert "政策条款目录" in page.content()
    assert page.locator("#B\\.09\\.rd_growth_subsidy").is_visible()
    page.click("text=查看全部条款覆盖情况")
    page.wait_for_load_state("networkidle")
    assert "未编码" in page.content() and "已编码" in page.content()

"""Issue 13 in a real headless Chromium at desktop (1366 px) and phone (390 px) widths, with axe-core:
the figures users see, sensible defaults, the layout, and no serious or critical accessibility violations."""

from __future__ import annotations

import re

import pytest

from accounts.models import User
from indicators import demo as indicator_demo
from portal.tests.conftest import assert_accessible, assert_no_horizontal_scroll, login
from screening import calculator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_door_catalogue_and_document(sized_page, demo_city):
    page = sized_page
    page.goto(page.base_url + "/")
    assert "政策目录" in page.inner_text("main") and "如何注册" in page.inner_text("main")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.goto(page.base_url + "/portal/catalogue/?q=研发投入递增")
    assert "当前显示 1 项" in page.inner_text("#catalogue-count")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.click("text=威政发〔2023〕5号 第9条")
    page.wait_for_url(re.compile(r"/portal/documents/B/#art-"))
    assert "研发投入递增补助" in page.inner_text("#art-第9条 ~ p.rules")
    assert_accessible(page)


def test_home_page_counts_reach_today(sized_page, demo_city):
    page = sized_page
    login(page, "bureau")
    page.goto(page.base_url + "/")
    table = page.inner_text("#home-qualifications")
    counts = dict(re.findall(r"(科技型中小企业|规模以上工业企业)\s+([\d,]+)", table))
    assert int(counts["科技型中小企业"].replace(",", "")) > 0, "no tech SME in force today"
    assert int(counts["规模以上工业企业"].replace(",", "")) > 0, "no above-size enterprise in force today"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_mine_default_year_and_citations_open_the_text(sized_page, demo_city):
    page = sized_page
    user = User.objects.get(username="enterprise")
    latest = user.organization.annual_facts.order_by("-year").first().year
    login(page, "enterprise")
    page.goto(page.base_url + "/screening/mine/")
    assert page.locator(f'[data-year="{latest}"]').count() == 1, "opens on the latest year with facts"
    assert f"{latest}年" in page.inner_text("#year-note")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    # Issue 26 item 19: a citation opens the article's text in the portal
    link = page.locator("a.citation").first
    article = link.inner_text().split()[-1]
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state("networkidle")
    from urllib.parse import unquote

    assert re.search(r"/portal/documents/[A-Z]/#art-", unquote(href)) and unquote(href).endswith(f"#art-{article}")
    assert unquote(page.url).endswith(unquote(href))
    assert page.locator(f'[id="art-{article}"]').is_visible()
    # the enterprise's other pages: its profile (with its own platform, issue 13) and its notices
    for path in (f"/registry/{user.organization_id}/", "/screening/notices/"):
        page.goto(page.base_url + path)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
    page.goto(page.base_url + f"/registry/{user.organization_id}/")
    platform_link = page.locator("h2:has-text('依托或参与的平台') + table a").first
    if platform_link.count():
        platform_link.click()
        page.wait_for_load_state("networkidle")
        assert "未找到" not in page.inner_text("main") and page.locator("#org-name").count() == 1


def test_calculator_each_offered_provision(sized_page, db):
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)
    page = sized_page
    page.goto(page.base_url + "/screening/calculator/")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    # B 第17条 through the page (the year before is asked for), then every offered provision through its form
    example = calculator.OFFERED["B.17.hte_growth_reward"]
    page.fill("#id_year", str(example["year"]))
    page.check('input[name=newly_certified][value="high_tech_enterprise"]')
    page.fill("#id_certified_on", example["certified_on"])
    page.fill("#id_sales_revenue", example["sales_revenue"])
    page.fill("#id_sales_revenue_prev", example["sales_revenue_prev"])
    page.fill("#id_sales_revenue_3y", example["sales_revenue_3y"])
    page.click("#calculator button[type=submit]")
    page.wait_for_selector("table.applies")
    applies = page.inner_text("table.applies")
    assert "当年通过认定高企成长性奖励" in applies and "5 万元" in applies  # B 第17条: 一次性 5 万元
    # Issue 26 item 20: the answer opens at the result, in view, not below the fold
    assert page.url.endswith("#result")
    top = page.evaluate("document.querySelector('#result').getBoundingClientRect().top")
    assert 0 <= top < page.evaluate("window.innerHeight")
    # Issue 26 item 19: each citation of the result links to its article's text
    assert page.locator("#result a.citation", has_text="威政发〔2023〕5号 第17条").first.get_attribute(
        "href").endswith("/portal/documents/B/#art-第17条")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_indicator_dashboard_figures(sized_page, demo_city, settings):
    from indicators.catalogue import sync
    from indicators.models import Indicator
    from registry.models import Region

    settings.INDICATORS_CACHE_SECONDS = 0
    sync(Indicator, Region)  # catalogue rows are migration data, flushed by transactional tests
    indicator_demo.seed()
    page = sized_page
    login(page, "bureau")
    page.goto(page.base_url + "/indicators/")
    note = page.inner_text("#year-note")
    assert "默认显示有统计数据的最近年度" in note
    shares = page.locator("table.indicators td.share").all_inner_texts()
    assert shares and not [s for s in shares if re.search(r"-\d", s)], "a negative share of the way"
    latest = page.locator("table.indicators td.latest").all_inner_texts()
    assert "暂无数据" not in page.inner_text("#status-summary")
    assert any("最终判定（2020年）" in t for t in page.locator("table.indicators td").all_inner_texts())
    assert latest
    page.wait_for_selector("#chart-share canvas")
    assert_accessible(page)


def test_whatif_page(sized_page, demo_city):
    page = sized_page
    login(page, "bureau")
    page.goto(page.base_url + "/screening/whatif/")
    assert page.locator("#id_parameter optgroup").count() > 10
    page.fill("#param-search", "研发投入")
    visible = page.locator(".param-row:not([hidden])").all_inner_texts()
    assert visible and all("研发投入" in t for t in visible)
    page.select_option("#id_parameter", "b.art_09.rate")
    assert page.inner_text("#value-unit") == "（%）" and "5%" in page.inner_text("#param-now")
    page.select_option("#id_parameter", "a.art_14.patent_volume_threshold")
    assert page.inner_text("#value-unit") == "（件）"
    assert "what-if" not in page.content()
    assert_accessible(page)

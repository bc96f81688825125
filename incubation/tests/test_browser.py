"""In a real headless Chromium: a carrier account adds an incubatee (back-dated, so the bureau approves it on the
名册变更申请 page), the incubatee is certified as a high-tech enterprise (a qualification record, as the registry
keeps it), and the carrier sees its A 第16条 reward on its 免申即享 page (威政发〔2018〕20号 第16条: 10万元 per
incubatee upgraded inside its 3-year incubation period)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import login
from incubation.services import carrier_for
from incubation.tests.conftest import certify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_carrier_adds_incubatee_which_is_certified_and_sees_its_reward(page, world):
    carrier = carrier_for(world.incubator)
    ent = world.ents[4]
    login(page, "carrier")
    page.goto(page.base_url + "/incubation/")
    assert "威海示例科技企业孵化器" in page.inner_text("#carrier-name")
    page.wait_for_selector("#chart-years canvas")  # ECharts chart by year
    page.click("#add-incubatee")
    page.fill("input[name=uscc]", ent.uscc)
    page.fill("input[name=entered_on]", "2024-01-10")
    page.fill("input[name=space]", "A座305")
    page.fill("input[name=services]", "创业辅导、投融资对接")
    page.click("#stay-form button[type=submit]")
    # Dated more than 30 days back: the entry waits for the bureau (issue 25), and is not on the roster yet.
    assert "已提交名册变更申请" in page.inner_text(".messages") and "须市科技局审核" in page.inner_text(".messages")
    assert ent.name not in page.inner_text("#roster") and page.inner_text("#n-requested") == "1"
    page.context.clear_cookies()
    login(page, "bureau")
    page.goto(page.base_url + "/incubation/changes/")
    row = page.locator("#awaiting tr", has_text=ent.name)
    row.locator("input[name=note]").fill("已核对入驻协议")
    row.locator("button[value=accept]").click()
    assert "已同意" in page.inner_text(".messages")
    page.context.clear_cookies()
    login(page, "carrier")
    page.goto(page.base_url + "/incubation/")
    assert ent.name in page.inner_text("#roster")
    assert page.inner_text("#n-upgrades") == "0"

    certify(ent, dt.date(2024, 11, 20))  # the high-tech certificate is recorded in the registry

    page.reload()
    assert page.inner_text("#n-upgrades") == "1"
    assert "2024-11-20" in page.inner_text("#upgrades")
    page.goto(page.base_url + "/screening/mine/?year=2024")
    card = page.locator("[data-year='2024']")
    applies = card.locator("table.applies").inner_text()
    assert "在孵企业升级高企奖励孵化器" in applies and "10 万元" in applies
    assert carrier.organization.name in page.inner_text("h1")

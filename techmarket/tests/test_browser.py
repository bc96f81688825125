"""高新技术市场 in a real headless Chromium: an enterprise posts a need, sees ranked achievements with reasons and
starts a match; staff move it to 洽谈, both sides confirm 签约, staff register the contract; the buyer's 免申即享 page shows the
威政发〔2023〕5号 第14条 subsidy."""

from __future__ import annotations

import pytest

from conftest import login
from techmarket.models import Match, TechContract
from techmarket.tests.conftest import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page) -> None:
    page.click("header .who button")
    page.wait_for_load_state("networkidle")


def test_need_to_match_to_registered_contract_to_b14_subsidy(page, world, listed):
    _, ach, _ = listed
    login(page, "alice")
    page.goto(page.base_url + "/techmarket/needs/new/")
    page.fill("input[name=title]", "风电叶片碳纤维大梁热压成型孔隙率控制")
    page.select_option("select[name=kind]", label="“卡脖子”技术")
    page.select_option("select[name=industry_chain]", label="碳纤维及复合材料")
    page.fill("textarea[name=description]", "")
    page.click("#listing-form button[type=submit]")
    assert "需求描述不能为空" in page.inner_text("#listing-form")
    page.fill("textarea[name=description]",
              "我公司生产风电叶片碳纤维大梁，热压罐成型后孔隙率偏高、层间剪切强度不足，寻求成型工艺改进技术。")
    page.click("#listing-form button[type=submit]")
    page.wait_for_selector("#suggestions")
    first = page.locator("#suggestions tbody tr").first
    assert ach.title in first.inner_text()
    assert "共同关键词：" in first.inner_text() and "碳纤维" in first.inner_text() and "同属产业链" in first.inner_text()
    assert float(first.locator("td.score").inner_text()) > 0
    first.locator("button", has_text="发起对接").click()
    page.wait_for_selector("#match-status")
    assert page.inner_text("#match-status") == "意向"
    match_url = page.url
    logout(page)

    login(page, "bureau")
    page.goto(match_url)
    page.click("#match-actions button:has-text('进入洽谈')")
    page.wait_for_selector("#match-status:has-text('洽谈')")
    assert page.locator("#match-actions button:has-text('确认签约')").count() == 0  # staff do not sign
    logout(page)

    for name in ("alice", "uni"):  # signing needs both sides
        login(page, name)
        page.goto(match_url)
        page.click("#match-actions button:has-text('确认签约')")
        page.wait_for_load_state("networkidle")
        if name == "alice":
            assert page.inner_text("#match-status") == "洽谈" and "等待另一方确认" in page.inner_text("#sign-confirmed")
        logout(page)
    login(page, "bureau")
    page.goto(match_url)
    assert page.inner_text("#match-status") == "签约"
    page.click("#register-contract")
    assert page.input_value("input[name=buyer_name]") == world.alice.name
    assert page.is_checked("input[name=seller_is_institution]")
    page.select_option("select[name=contract_type]", label="技术开发")
    page.fill("input[name=amount]", "2,000,000")
    page.fill("input[name=paid_on]", TODAY.isoformat())
    page.fill("input[name=paid_amount]", "2000000")
    page.click("#contract-form button[type=submit]")
    page.wait_for_selector("#contract-status")
    assert "待登记" in page.inner_text("#contract-status")
    assert "2,000,000.00 元" in page.inner_text("#contract")
    page.fill("input[name=registration_number]", "2026371000000123")
    page.fill("input[name=registered_on]", TODAY.isoformat())
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("#contract-status:has-text('已登记')")
    contract = TechContract.objects.get()
    assert contract.registration_number == "2026371000000123" and contract.match.status == Match.Status.SIGNED
    logout(page)

    login(page, "alice")
    page.goto(page.base_url + f"/screening/mine/?year={TODAY.year}")
    row = page.locator(f"div[data-year='{TODAY.year}'] table.applies tr", has_text="技术合同购买方补助")
    text = row.inner_text()
    assert "威政发〔2023〕5号 第14条" in text and "10 万元" in text and "200 万元 × 5% = 10 万元" in text
    assert "200 万元 × 5% = 10 万元" in text

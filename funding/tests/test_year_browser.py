"""In a real headless Chromium, no URL typed after login: the bureau opens this year from last year's (amount edited),
finance confirms the copied line, the district passes two claims in one action and sees the result per item."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import CHROMIUM_ARGS  # noqa: F401  (the shared browser fixtures live in the root conftest)
from funding import services
from funding.models import Claim, Programme
from funding.tests.conftest import CEILING, submitted_claim
from funding.tests.test_browser import as_user  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_a_year_from_last_years_confirm_it_and_pass_claims_in_bulk(as_user, world):  # noqa: F811
    year = timezone.localdate().year
    last = services.create_programme(world.bea, "科技创新发展专项资金", year - 1, "威政发〔2023〕5号",
                                     lines=[("企业研发奖补", "city", "8000000")], publicity_days=7)
    services.confirm_budget_line(world.fin, last.budget_lines.get())
    clicks = 0

    def click(pg, selector: str) -> None:
        nonlocal clicks
        clicks += 1
        pg.click(selector)
        pg.wait_for_load_state("networkidle")

    pg = as_user("bea")
    click(pg, "summary:has-text('政策兑现')")
    click(pg, "a:has-text('申报与资金')")
    click(pg, "a:has-text('年度专项设立')")
    click(pg, "#copy-link")
    text = pg.inner_text("main")
    assert f"以 {year - 1} 年度为基础开设 {year} 年度" in text and "8,000,000.00" in text
    assert "标准流程（含区市初审、评审）：区市初审 → 形式审查 → 评审 → 市科技局决定 → 公示中 → 待拨付" in text
    pg.fill(f"input[name=amount_{last.budget_lines.get().pk}]", "9500000")
    click(pg, "#copy-form button[type=submit]")
    assert clicks == 5
    text = pg.inner_text("main")
    assert f"已开设 {year} 年度专项 1 个：科技创新发展专项资金" in text
    assert "企业研发奖补（市级）9,500,000.00 元" in text and "待财政确认" in text

    fin = as_user("fin")
    click(fin, "summary:has-text('政策兑现')")
    click(fin, "a:has-text('申报与资金')")
    click(fin, "a:has-text('预算科目确认')")
    assert "企业研发奖补" in fin.inner_text("#to-confirm") and "9,500,000.00" in fin.inner_text("#to-confirm")
    click(fin, "#to-confirm button:has-text('确认预算')")
    assert f"已确认：{year} 年度科技创新发展专项资金 · 企业研发奖补（市级），预算 9,500,000.00 元" in fin.inner_text("main")
    assert Programme.objects.get(year=year).budget_lines.get().confirmed_at is not None

    a1, a2 = submitted_claim(world), submitted_claim(world, CEILING)
    dora = as_user("dora")
    click(dora, "summary:has-text('政策兑现')")
    click(dora, "a:has-text('申报与资金')")
    dora.check(f"input[name=ids][value='{a1.pk}']")
    dora.check(f"input[name=ids][value='{a2.pk}']")
    click(dora, "button:has-text('批量通过')")
    assert "成功 2 项、失败 0 项" in dora.inner_text("#bulk-summary")
    assert dora.inner_text("#bulk-results").count("成功") == 2
    assert set(Claim.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("state", flat=True)) == {"formal_check"}

"""In a real headless Chromium: an expert declares a conflict on one item, scores another, and the bureau sees the
aggregated score of the round."""

from __future__ import annotations

import pytest

from conftest import login
from experts import services
from experts.models import Assignment, PairRule
from experts.tests.conftest import PASSWORD, carbon_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expert_declares_conflict_scores_and_bureau_sees_the_mean(page, world, make_round):
    rnd = make_round([carbon_item(world, applicant="e6"), carbon_item(world, applicant="e5", title="碳纤维轻量化车身结构")])
    first, second = rnd.items.order_by("id")
    for item in (first, second):
        PairRule.objects.create(round=rnd, item=item, expert=world.experts["carbon1"], kind="pin")
    PairRule.objects.create(round=rnd, item=second, expert=world.experts["carbon2"], kind="pin")
    services.solve_round(rnd)
    services.transition(rnd, "publish", None)
    other = Assignment.objects.get(round=rnd, item=second, expert=world.experts["carbon2"])
    services.submit_review(world.users["carbon2"], other, {"创新性": "30", "可行性": "50"}, "方案成熟，建议支持。")

    login(page, world.users["carbon1"].username, PASSWORD)
    page.goto(page.base_url + "/experts/reviews/")
    pending = page.inner_text("#pending")
    assert first.title in pending and second.title in pending
    # declare a conflict on the first item
    page.click(f"#pending tr:has-text('{first.title}') a")
    page.fill("#conflict-form input[name=reason]", "曾为申报单位提供咨询")
    page.click("#declare-conflict")
    page.wait_for_load_state("networkidle")
    assert "已登记对" in page.inner_text(".messages")
    assert first.title not in page.inner_text("#pending")
    # score the second item (the form's inputs carry the scale; the server's check is tested in test_pages_api)
    page.click(f"#pending tr:has-text('{second.title}') a")
    assert page.get_attribute("#score_0", "max") == "40"
    page.fill("#score_0", "35")
    page.fill("#score_1", "40")
    page.fill("textarea[name=comment]", "技术路线清晰，创新性较好。")
    page.click("#submit-review")
    page.wait_for_load_state("networkidle")
    assert second.title in page.inner_text("#done")

    replacement = Assignment.objects.filter(item=first).exclude(status="withdrawn").exclude(expert=world.experts["carbon1"])
    assert replacement.count() == rnd.reviewers_per_item

    page.context.clear_cookies()
    login(page, world.users["bureau"].username, PASSWORD)
    page.goto(page.base_url + f"/experts/rounds/{rnd.pk}/")
    row = page.locator(f"#items tr[data-item='{second.pk}']")
    assert row.locator(".score-mean").inner_text() == "77.50"  # (35+40 + 30+50) / 2
    assert "2/2" in row.inner_text()
    assert page.inner_text("#submitted") == "2"

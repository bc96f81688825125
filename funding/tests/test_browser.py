"""In a real headless Chromium: an enterprise applies with evidence, district and bureau approve, finance pays, the
enterprise sees 已拨付 and the amount; and a claim returned for correction and resubmitted without retyping."""

from __future__ import annotations

import pytest

from conftest import CHROMIUM_ARGS  # noqa: F401  (the shared browser fixtures live in the root conftest)
from funding.models import Claim
from funding.tests.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def as_user(_browser, live_server):
    contexts = []

    def open_as(username: str):
        context = _browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        pg.base_url = live_server.url
        pg.goto(live_server.url + "/login/")
        pg.fill("input[name=username]", username)
        pg.fill("input[name=password]", "pw-12345")
        pg.click("button[type=submit]")
        pg.wait_for_load_state("networkidle")
        return pg

    yield open_as
    for c in contexts:
        c.close()


def _act(pg, claim_pk: int, transition: str, reason: str = "") -> None:
    pg.goto(pg.base_url + f"/funding/claims/{claim_pk}/")
    form = pg.locator(f"form[data-transition={transition}]")
    if reason:
        form.locator("input[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    pg.wait_for_load_state("networkidle")
    assert "已" in pg.inner_text(".messages"), pg.inner_text(".messages")


def _apply_and_submit(pg, tmp_path) -> int:
    pg.goto(pg.base_url + "/screening/mine/?year=2024")
    pg.locator("[data-year='2024'] tr", has_text="新认定/重新认定高新技术企业奖励").locator("button.apply").click()
    pg.wait_for_load_state("networkidle")
    claim_pk = int(pg.url.rstrip("/").rsplit("/", 1)[-1])
    pg.fill("#edit input[name=bank_account]", "6222 0000 1111 2222")
    pg.fill("#edit input[name=bank_name]", "威海市商业银行")
    pg.click("#save-claim")
    pg.wait_for_load_state("networkidle")
    evidence = tmp_path / "高企证书.pdf"
    evidence.write_bytes(PDF)
    pg.set_input_files("#upload input[type=file]", str(evidence))
    pg.click("#upload button[type=submit]")
    pg.wait_for_load_state("networkidle")
    assert "高企证书.pdf" in pg.inner_text("#attachments")
    pg.locator("form[data-transition=submit] button").click()
    pg.wait_for_load_state("networkidle")
    assert pg.inner_text("#state") == "审核中"
    return claim_pk


def test_claim_submitted_approved_paid_and_seen(world, as_user, tmp_path):
    """威政发〔2018〕20号 第7条: 200,000 元 from the entitlement page to money received."""
    alice = as_user("alice")
    claim_pk = _apply_and_submit(alice, tmp_path)
    _act(as_user("dora"), claim_pk, "district_pass")
    bea = as_user("bea")
    _act(bea, claim_pk, "formal_pass")
    _act(bea, claim_pk, "decide")
    assert "200,000.00" in bea.inner_text("#decided")
    _act(bea, claim_pk, "publicity_end")
    fin = as_user("fin")
    fin.goto(fin.base_url + "/funding/payments/")
    assert "甲科技有限公司" in fin.inner_text("#waiting")
    _act(fin, claim_pk, "pay")
    alice.goto(alice.base_url + "/funding/mine/")
    row = alice.locator(f"tr[data-claim='{claim_pk}']")
    assert row.locator(".state").inner_text() == "已拨付"
    assert "200,000.00" in row.inner_text()
    assert alice.inner_text("#received") == "200,000.00"
    assert Claim.objects.get(pk=claim_pk).state == "paid"


def test_claim_returned_fixed_and_resubmitted(world, as_user, tmp_path):
    alice = as_user("alice")
    claim_pk = _apply_and_submit(alice, tmp_path)
    _act(as_user("dora"), claim_pk, "return_to_applicant", "证书扫描件不清晰，请重新上传")
    alice.goto(alice.base_url + f"/funding/claims/{claim_pk}/")
    assert alice.inner_text("#state") == "退回修改"
    assert "证书扫描件不清晰" in alice.inner_text("#history")
    assert alice.input_value("#edit input[name=bank_account]") == "6222000011112222"  # nothing to retype
    clearer = tmp_path / "高企证书-清晰.pdf"
    clearer.write_bytes(PDF + b"%clear")
    alice.set_input_files("#upload input[type=file]", str(clearer))
    alice.click("#upload button[type=submit]")
    alice.wait_for_load_state("networkidle")
    alice.locator("form[data-transition=submit] button").click()
    alice.wait_for_load_state("networkidle")
    assert alice.inner_text("#state") == "审核中"
    assert Claim.objects.get(pk=claim_pk).state == "district_check"

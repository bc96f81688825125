"""Issue 26 item 17 for funding: no developer words (幂等键, pay:12, SHA-256, 字节) on the applicant's claim page or
finance's payment pages."""

from __future__ import annotations

import pytest

from funding import services
from funding.tests.conftest import submitted_claim, to_decision

pytestmark = pytest.mark.django_db
DEVELOPER_WORDS = ("幂等", "pay:", "SHA-256", "字节", "idempotency")


def _visible(html: str) -> str:
    """The page without hidden inputs (the pay form carries its reference invisibly)."""
    import re

    return re.sub(r'<input type="hidden"[^>]*>', "", html)


def test_claim_and_payment_pages_speak_plain_chinese(client, world):
    claim = to_decision(world, submitted_claim(world))
    services.perform(world.bea, claim.pk, "decide")
    services.perform(world.bea, claim.pk, "publicity_end")
    services.perform(world.fin, claim.pk, "pay")
    client.force_login(world.alice)
    page = client.get(f"/funding/claims/{claim.pk}/").content.decode()
    assert "cert.pdf" in page and '<th class="num">大小</th>' in page and ">0.1 KB<" in page
    client.force_login(world.fin)
    for url in (f"/funding/claims/{claim.pk}/", "/funding/payments/", "/funding/bank/"):
        html = _visible(client.get(url).content.decode())
        assert not [w for w in DEVELOPER_WORDS if w in html], url
    assert "在「结果」列填写 成功、失败 或 退票" in client.get("/funding/bank/").content.decode()


def test_one_unit_per_sentence_on_the_applicants_pages(client, world):
    """Issue 26 item 18: amounts of a claim are exact 元 (the amount paid), never 万元 and 元 side by side."""
    import re

    claim = to_decision(world, submitted_claim(world))
    services.perform(world.bea, claim.pk, "decide")
    client.force_login(world.alice)
    for url in (f"/funding/claims/{claim.pk}/", "/funding/mine/"):
        text = re.sub(r"<[^>]+>", "", client.get(url).content.decode())
        for sentence in re.split(r"[。；\n]", text):
            assert not ("万元" in sentence and re.search(r"\d 元", sentence)), sentence
    text = re.sub(r"<[^>]+>", "", client.get(f"/funding/claims/{claim.pk}/").content.decode())
    assert "应享金额：200,000.00 元" in text and "决定金额：200,000.00 元" in text


def test_the_queue_asks_for_no_internal_numbers(world):
    """Issue 26 item 21: no 筛查任务编号 or 结果编号 to type; 免申即享兑现 is done on the run's own page."""
    from django.test import Client

    c = Client()
    c.force_login(world.bea)
    page = c.get("/funding/queue/").content.decode()
    assert "筛查任务编号" not in page and "结果编号" not in page
    assert 'href="/screening/"' in page and "为全部应享主体生成" in page

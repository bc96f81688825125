"""A funding claim as a review item (issue 24 item 4): assignment reads the claim's own text (programme, provision
title, project title and summary, attachments' titles), and the score staff typed is shown where the reviews are."""

from __future__ import annotations

import html

import pytest

from experts import services as experts
from experts.models import Assignment, Expert, ReviewItem
from funding import reviews
from funding import services as funding
from funding.tests.conftest import CEILING, PDF, world  # noqa: F401  (the funding world fixture)
from registry.models import Organization, Person
from registry.uscc import make_uscc

pytestmark = pytest.mark.django_db


def _claim_in_review(w):
    claim, _ = funding.create_claim_from_entitlement(w.alice, w.org_a, CEILING, 2024, "")
    funding.update_claim(w.alice, claim, {"bank_account": "6222 0000 1111 2222", "bank_name": "威海市商业银行"})
    funding.attach(w.alice, claim, "证明材料", "岩藻多糖中试生产线建设方案.pdf", PDF)
    funding.perform(w.alice, claim.pk, "submit")
    funding.perform(w.dora, claim.pk, "district_pass")
    return funding.perform(w.bea, claim.pk, "formal_pass")


def _expert(n: int, keywords: str, region) -> Expert:
    uni = Organization.objects.create(kind="university", name=f"第{n}示范大学", region=region,
                                      uscc=make_uscc(f"12370000MB000000{n}"))
    p = Person.objects.create(kind="expert", name=f"评审专家{n}", organization=uni)
    return Expert.objects.create(person=p, organization=uni, keywords=keywords)


def test_claim_item_is_matched_on_its_own_text_and_staff_score_is_shown(client, world):  # noqa: F811
    claim = _claim_in_review(world)
    assert claim.state == "review" and not claim.project_title and not claim.summary
    rnd = reviews.start_expert_review(world.bea, world.programme, reviewers_per_item=1)
    fit = _expert(1, "岩藻多糖、海洋生物", world.r1)
    _expert(2, "永磁电机、伺服驱动", world.r1)
    _expert(3, "轮胎设计、橡胶配方", world.r1)
    item = ReviewItem.objects.get(round=rnd)
    side = experts.items_side([item])
    assert "岩藻多糖中试生产线建设方案" in side.texts[0] and "科技创新发展专项资金" in side.texts[0]
    experts.solve_round(rnd, world.bea)
    a = Assignment.objects.get(round=rnd)
    assert a.expert_id == fit.pk and a.affinity > 0 and "岩藻多糖" in a.reasons["terms"]

    funding.perform(world.bea, claim.pk, "review_done", "创新水平较高", scores={"total": 86})
    client.force_login(world.bea)
    page = html.unescape(client.get(f"/experts/rounds/{rnd.pk}/").content.decode())
    row = page.split(f'data-item="{item.pk}"')[1].split("</tr>")[0]
    assert "评审专家1" in row and "岩藻多糖" in row and '<td class="num staff-score">86</td>' in row
    page = html.unescape(client.get(f"/experts/rounds/{rnd.pk}/items/{item.pk}/").content.decode())
    assert "市科技局录入评分 <b>86</b>（意见：创新水平较高）" in page

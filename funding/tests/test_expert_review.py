"""Claims in the 评审 step → an expert review round (experts app) → aggregated scores on the decision page."""

from __future__ import annotations

import pytest

from accounts.models import User
from experts import services as experts
from experts.models import Assignment, Expert, ReviewItem
from funding import reviews, services
from funding.tests.conftest import CEILING, submitted_claim
from registry.models import Organization, Person
from registry.uscc import make_uscc

pytestmark = pytest.mark.django_db


def _in_review(w, user, org):
    """B 第4条 (威政发〔2023〕5号, 不超过 50 万元, 择优): a ceiling claim goes through the review step."""
    claim = submitted_claim(w, CEILING, user=user, org=org)
    services.perform(w.dora if org == w.org_a else w.ed, claim.pk, "district_pass")
    return services.perform(w.bea, claim.pk, "formal_pass")


def _experts(w, n: int) -> list[tuple[Expert, User]]:
    """``n`` experts, each from a different university (the solver takes at most one per organisation)."""
    out = []
    for i in range(n):
        uni = Organization.objects.create(kind="university", name=f"第{i}大学", region=w.r1,
                                          uscc=make_uscc(f"12370000MB000000{i}"))
        p = Person.objects.create(kind="expert", name=f"评审专家{i}", organization=uni, title="教授")
        u = User.objects.create_user(f"expert{i}", password="pw-12345", role="expert")
        out.append((Expert.objects.create(person=p, user=u, organization=uni, title="教授"), u))
    return out


def test_round_from_queue_scores_on_decision_page(client, world):
    c1 = _in_review(world, world.alice, world.org_a)
    c2 = _in_review(world, world.bob, world.org_b)
    assert (c1.state, c2.state) == ("review", "review")
    client.force_login(world.bea)
    queue = client.get("/funding/queue/?state=review").content.decode()
    assert "发起专家评审" in queue and "待安排 2 项" in queue
    html = client.post("/funding/review-rounds/", {"programme": world.programme.pk, "deadline": "2020-01-01",
                                                   "reviewers_per_item": "3"}, follow=True).content.decode()
    assert "评审截止时间：须晚于现在" in html
    html = client.post("/funding/review-rounds/", {"programme": world.programme.pk, "reviewers_per_item": "0"},
                       follow=True).content.decode()
    assert "每项评审专家数：请填写 1–15 的整数" in html
    html = client.post("/funding/review-rounds/", {"programme": world.programme.pk, "reviewers_per_item": "3"},
                       follow=True).content.decode()
    assert "共 2 项" in html
    items = {int(i.object_id): i for i in ReviewItem.objects.all()}
    assert set(items) == {c1.pk, c2.pk}
    assert items[c1.pk].applicant_id == world.org_a.pk and items[c1.pk].content_type.model_class() is type(c1)
    rnd = items[c1.pk].round
    # a second press finds nothing left to put into a round
    html = client.post("/funding/review-rounds/", {"programme": world.programme.pk}, follow=True).content.decode()
    assert "没有处于评审环节、尚未安排专家评审的申报" in html
    # three experts, assigned by the experts app's solver, score both claims
    panel = _experts(world, 3)
    assert experts.request_solve(rnd, world.bea) == "done"
    assert Assignment.objects.filter(round=rnd).count() == 6
    experts.transition(rnd, "publish", world.bea)
    for (e, u), (s1, s2) in zip(panel, [(80, 60), (90, 70), (70, 50)], strict=True):
        for claim_id, s in ((c1.pk, s1), (c2.pk, s2)):
            a = Assignment.objects.get(item=items[claim_id], expert=e)
            experts.submit_review(u, a, {"综合评价": s}, "创新性较强，方案可行。")
    # staff see mean 80, trimmed mean 80 (fewer than 4 scores), normalised 82.91 on the decision page
    page = client.get(f"/funding/claims/{c1.pk}/").content.decode()
    table = page.split('id="expert-scores"')[1].split("</table>")[0]
    assert "3/3" in table and ">80.0<" in table and ">82.91<" in table
    # 评审完成 without a staff score keeps the experts' normalised score on the claim
    services.perform(world.bea, c1.pk, "review_done", "按专家评审结果")
    c1.refresh_from_db()
    assert c1.state == "decision" and c1.scores["normalized"] == 82.91 and c1.scores["reviews"] == 3
    # the applicant sees the scores, never a reviewer's name; another party gets 404
    client.force_login(world.alice)
    page = client.get(f"/funding/claims/{c1.pk}/").content.decode()
    assert ">82.91<" in page and "评审专家0" not in page and "评审专家1" not in page
    client.force_login(world.bob)
    assert client.get(f"/funding/claims/{c1.pk}/").status_code == 404
    assert ">57.09<" in client.get(f"/funding/claims/{c2.pk}/").content.decode()


def test_only_bureau_starts_a_round(client, world):
    _in_review(world, world.alice, world.org_a)
    for user in (world.dora, world.fin):
        with pytest.raises(services.FundingError, match="只有市科技局可以发起专家评审"):
            reviews.start_expert_review(user, world.programme)
    client.force_login(world.alice)
    assert client.post("/funding/review-rounds/", {"programme": world.programme.pk}).status_code == 404
    assert not ReviewItem.objects.exists()
    with pytest.raises(services.FundingError, match="不在本专项的评审环节"):
        reviews.start_expert_review(world.bea, world.programme, claim_ids=[999999])

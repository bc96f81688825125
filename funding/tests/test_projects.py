"""揭榜挂帅 (威政发〔2023〕5号 第7条: 不超过 200 万元), 任务书 with tranches paid per accepted milestone, 验收 and
绩效评价 recorded as dated registry events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from funding import projects, services
from funding.models import Challenge, LedgerEntry
from funding.services import FundingError
from registry.models import Recognition

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(world):
    return Challenge.objects.create(
        programme=world.programme, title="海洋牧场装备智能控制", kind="chain", lead_enterprise=world.org_b,
        description="攻关需求", bounty=Decimal(1000000), deadline=timezone.now() + dt.timedelta(days=5),
        milestones=[{"title": "样机", "months": 6, "share": 0.3}, {"title": "验收", "months": 18, "share": 0.7}])


def test_challenge_bid_selection_tranches_acceptance_and_grade(world, challenge):
    """B 第7条 揭榜挂帅: bounty 1,000,000 元; 300,000 + 700,000 paid per accepted milestone."""
    b = projects.bid(world.alice, challenge, "张工", "分两期完成样机与示范", "6222000011112222")
    with pytest.raises(FundingError, match="已揭榜"):
        projects.bid(world.alice, challenge, "张工", "再次", "6222000011112222")
    claim = projects.select_bid(world.bea, b.pk)
    assert claim.state == "decision" and claim.citation == "威政发〔2023〕5号 第7条"
    challenge.refresh_from_db()
    with pytest.raises(FundingError, match="已确定揭榜单位"):
        projects.bid(world.bob, challenge, "李工", "方案", "6222000011112222")
    with pytest.raises(FundingError, match="上限 1,000,000.00 元"):
        services.perform(world.bea, claim.pk, "decide", amount="1000001")
    services.perform(world.bea, claim.pk, "decide", amount="1000000")
    claim.refresh_from_db()
    plan = projects.milestone_plan(challenge, dt.date(2024, 7, 1))
    assert [p[2] for p in plan] == [Decimal("300000.00"), Decimal("700000.00")]
    project = projects.create_task_book(world.bea, claim, "张工", dt.date(2024, 7, 1), dt.date(2026, 6, 30), plan,
                                        "open_challenge_project")
    services.perform(world.bea, claim.pk, "publicity_end")
    first, second = project.milestones.all()
    with pytest.raises(FundingError, match="尚未验收"):
        projects.pay_milestone(world.fin, first.pk)
    projects.accept_milestone(world.bea, first.pk)
    projects.pay_milestone(world.fin, first.pk)
    with pytest.raises(FundingError, match="已拨付，不能重复拨付"):
        projects.pay_milestone(world.fin, first.pk)
    claim.refresh_from_db()
    assert claim.state == "approved" and services.money_received(world.org_a) == Decimal(300000)
    projects.accept_milestone(world.bea, second.pk)
    projects.pay_milestone(world.fin, second.pk)
    claim.refresh_from_db()
    assert claim.state == "paid" and services.money_received(world.org_a) == Decimal(1000000)
    assert LedgerEntry.objects.filter(kind="payment").count() == 2
    projects.midterm_check(world.bea, project, "进度正常")
    event = projects.accept_project(world.bea, project, "完成任务书全部指标", dt.date(2026, 6, 1))
    assert (event.kind, event.subject, event.occurred_on) == ("project", "open_challenge_project", dt.date(2026, 6, 1))
    grade = projects.grade_project(world.bea, project, "优秀", dt.date(2026, 7, 1))
    assert Recognition.objects.filter(organization=world.org_a, kind="platform_evaluation", grade="优秀",
                                      occurred_on=dt.date(2026, 7, 1)).get() == grade
    with pytest.raises(FundingError, match="绩效评价等次"):
        projects.grade_project(world.bea, project, "A+")


def test_task_book_tranches_must_add_up(world, challenge):
    b = projects.bid(world.alice, challenge, "张工", "方案", "6222000011112222")
    claim = projects.select_bid(world.bea, b.pk)
    services.perform(world.bea, claim.pk, "decide", amount="500000")
    claim.refresh_from_db()
    with pytest.raises(FundingError, match="合计 400,000.00 元，须等于决定金额 500,000.00 元"):
        projects.create_task_book(world.bea, claim, "张工", dt.date(2024, 7, 1), dt.date(2025, 7, 1),
                                  [("一期", dt.date(2024, 12, 31), "400000")])


def test_late_bid_refused(world, challenge):
    Challenge.objects.filter(pk=challenge.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    challenge.refresh_from_db()
    with pytest.raises(FundingError, match="截止揭榜"):
        projects.bid(world.alice, challenge, "张工", "方案", "6222000011112222")


def test_challenge_pages_bid_select_and_milestones(client, world, challenge):
    client.force_login(world.alice)
    r = client.post("/funding/challenges/", {"challenge": challenge.pk, "team_lead": "", "plan": ""}, follow=True)
    assert "请填写团队负责人和攻关方案" in r.content.decode()
    client.post("/funding/challenges/", {"challenge": challenge.pk, "team_lead": "张工", "plan": "方案",
                                         "bank_account": "6222000011112222"})
    client.force_login(world.bea)
    html = client.get("/funding/challenges/").content.decode()
    assert "产业上下游协同攻关的链条式技术" in html and "1,000,000.00" in html and "甲科技有限公司" in html
    r = client.post("/funding/challenges/", {"select": challenge.bids.get().pk})
    claim_pk = int(r["Location"].rstrip("/").rsplit("/", 1)[-1])
    services.perform(world.bea, claim_pk, "decide", amount="1000000")
    from funding.models import Claim

    claim = Claim.objects.get(pk=claim_pk)
    project = projects.create_task_book(world.bea, claim, "张工", dt.date(2024, 7, 1), dt.date(2026, 6, 30),
                                        projects.milestone_plan(challenge, dt.date(2024, 7, 1)))
    services.perform(world.bea, claim_pk, "publicity_end")
    ms = project.milestones.first()
    client.post(f"/funding/claims/{claim_pk}/milestones/{ms.pk}/")
    client.force_login(world.fin)
    client.post(f"/funding/claims/{claim_pk}/milestones/{ms.pk}/", {"action": "pay"})
    client.force_login(world.alice)
    html = client.get(f"/funding/claims/{claim_pk}/").content.decode()
    assert "300,000.00" in html and "里程碑" in html
    assert services.money_received(world.org_a) == Decimal(300000)
    client.force_login(world.bob)
    assert client.post(f"/funding/claims/{claim_pk}/milestones/{ms.pk}/", {"action": "pay"}).status_code == 404

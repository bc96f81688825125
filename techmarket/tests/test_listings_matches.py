"""Needs and achievements (moderation, expiry, renewal), matching with reasons, matchmaking, events, 科技副总."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from registry.models import Person
from screening.models import Notice
from techmarket import matchers, reports, services
from techmarket.models import Match, Placement, TechNeed
from techmarket.tests.conftest import NEED, TODAY


def test_need_without_description_is_refused(world):
    with pytest.raises(services.MarketInputError, match="需求描述不能为空") as err:
        services.post_need(world.users["alice"], {**NEED, "description": "  "})
    assert err.value.field == "description" and not TechNeed.objects.exists()
    r = world.client("alice").post("/techmarket/needs/new/", {"title": "x", "kind": "chain", "description": ""})
    assert r.status_code == 200 and "需求描述不能为空" in r.content.decode()
    r = world.client("alice").post("/api/techmarket/needs/", {"title": "x", "kind": "chain"},
                                   content_type="application/json")
    assert r.status_code == 400 and "需求描述不能为空" in r.json()["description"][0]


def test_budget_order_is_checked(world):
    with pytest.raises(services.MarketInputError, match="预算上限不能低于预算下限"):
        services.post_need(world.users["alice"], {**NEED, "budget_min": "500", "budget_max": "100"})
    with pytest.raises(services.MarketInputError, match="预算下限：不能为负数"):
        services.post_need(world.users["alice"], {**NEED, "budget_min": "-1"})


def test_moderation_before_public_then_expiry_and_renewal(world):
    need = services.post_need(world.users["alice"], NEED)
    assert need.status == "pending"
    assert world.client("bob").get(f"/techmarket/needs/{need.pk}/").status_code == 404
    with pytest.raises(services.MarketInputError, match="退回时请写明理由"):
        services.listing_transition(world.users["bureau"], need, "reject")
    with pytest.raises(services.MarketInputError, match="没有权限"):
        services.listing_transition(world.users["alice"], need, "approve")
    need = services.listing_transition(world.users["bureau"], need, "approve", today=TODAY)
    assert need.status == "published" and need.expires_on == TODAY + dt.timedelta(days=services.NEED_DAYS)
    assert world.client("bob").get(f"/techmarket/needs/{need.pk}/").status_code == 200
    assert services.expire_listings(need.expires_on + dt.timedelta(days=1)) == 1
    need.refresh_from_db()
    assert need.status == "expired"
    need = services.listing_transition(world.users["alice"], need, "renew", today=need.expires_on)
    assert need.status == "published" and need.expires_on > TODAY


def test_need_ranks_achievements_with_reasons_and_filters(world, listed):
    need, ach, food = listed
    s = matchers.for_need(need)
    assert [h.id for h in s.achievements][0] == ach.pk
    top = s.achievements[0]
    assert "碳纤维" in top.terms and "成型" in top.terms
    assert "同属产业链" in top.fields and 0 < top.score <= 100
    assert food.pk not in [h.id for h in s.achievements]  # nothing in common
    assert s.teams and s.teams[0].id == world.uni.pk
    assert s.experts and Person.objects.get(pk=s.experts[0].id).name == "张研究员"
    assert matchers.for_need(need, maturity="industrial").achievements == []
    assert matchers.for_need(need, region=world.bob.region_id).achievements == []
    page = world.client("alice").get(f"/techmarket/needs/{need.pk}/").content.decode()
    assert ach.title in page and "共同关键词：" in page and "碳纤维" in page and "同属产业链" in page


def test_achievement_finds_enterprises_by_chain_and_past_needs(world, listed):
    need, ach, food = listed
    hits = matchers.for_achievement(ach)
    assert hits[0].id == world.alice.pk and "同属产业链" in hits[0].fields
    assert world.uni.pk not in [h.id for h in hits]


def test_match_workflow_response_clock_and_notices(world, listed):
    need, ach, _ = listed
    m = services.start_match(world.users["alice"], need, ach)
    assert m.status == "intent" and m.score > 0 and "碳纤维" in m.reasons["terms"]
    assert Notice.objects.filter(organization=world.uni, title__contains=need.title).exists()
    assert not Notice.objects.filter(organization=world.alice).exists()
    with pytest.raises(services.MarketInputError, match="已经在对接中"):
        services.start_match(world.users["alice"], need, ach)
    with pytest.raises(services.MarketInputError, match="没有权限"):
        services.match_transition(world.users["bob"], m, "negotiate")
    with pytest.raises(services.MarketInputError, match="不能执行"):
        services.match_transition(world.users["alice"], m, "sign")
    services.add_contact(world.users["uni"], m, "meeting", TODAY, "双方在高区技术对接会面谈")
    m.refresh_from_db()
    assert m.first_response_at is not None
    m = services.match_transition(world.users["uni"], m, "negotiate")
    m = services.match_transition(world.users["alice"], m, "sign")
    assert m.status == "negotiating" and set(m.consents["sign"]) == {"need"}
    m = services.match_transition(world.users["uni"], m, "sign", "签订技术开发合同")
    assert m.status == "signed" and m.accepted_at and m.closed_at and m.outcome == "签订技术开发合同"


def test_overdue_matches_are_listed_for_staff(world, listed):
    need, ach, _ = listed
    m = services.start_match(world.users["alice"], need, ach)
    Match.objects.filter(pk=m.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    assert list(services.overdue_matches()) == [Match.objects.get(pk=m.pk)]
    page = world.client("bureau").get("/techmarket/").content.decode()
    assert "超过 7 天未响应的对接" in page and need.title in page
    TechNeed.objects.filter(pk=need.pk).update(published_at=timezone.now() - dt.timedelta(days=20))
    assert list(services.unanswered_needs()) == []  # it has a match
    m.delete()
    assert list(services.unanswered_needs()) == [TechNeed.objects.get(pk=need.pk)]


def test_funnel_matching_rate_and_median_response(world, listed):
    need, ach, food = listed
    other = services.listing_transition(world.users["bureau"], services.post_need(
        world.users["alice"], {**NEED, "title": "第二项需求"}), "approve")
    m = services.start_match(world.users["alice"], need, ach)
    services.start_match(world.users["alice"], other, food)
    now = timezone.now()
    Match.objects.filter(pk=m.pk).update(status="negotiating", first_response_at=m.created_at + dt.timedelta(hours=6),
                                         accepted_at=now)
    data = reports.build(world.users["bureau"])
    assert dict(data["funnel"]) == {"意向": 1, "洽谈": 1, "签约": 0, "放弃": 0}
    assert (data["accepted_needs"], data["listed_needs"]) == (1, 2) and data["matching_rate"] == 0.5
    assert data["median_response_hours"] == pytest.approx(6.0, abs=0.01)
    page = world.client("bureau").get("/techmarket/reports/").content.decode()
    assert "50%（1 / 2）" in page and "6.0 小时" in page


def test_event_registration_attendance_and_matches_counted(world, listed):
    from techmarket.models import MarketEvent

    need, ach, _ = listed
    event = MarketEvent.objects.create(kind="roadshow", title="碳纤维技术路演", held_on=TODAY)
    reg = services.register_for_event(world.users["alice"], event, world.alice)
    services.mark_attended(world.users["bureau"], reg)
    services.start_match(world.users["bureau"], need, ach, event=event)
    page = world.client("bureau").get("/techmarket/events/").content.decode()
    assert "碳纤维技术路演" in page
    detail = world.client("bureau").get(f"/techmarket/events/{event.pk}/").content.decode()
    assert 'id="event-matches">1<' in detail and "已到场" in detail


def test_vice_president_visible_on_both_profiles(world):
    person = Person.objects.get(name="张研究员")
    with pytest.raises(services.MarketInputError, match="任期止不能早于任期起"):
        services.place_vice_president(world.users["bureau"], person, world.alice, TODAY, TODAY - dt.timedelta(days=1))
    with pytest.raises(services.MarketInputError, match="只能派驻到企业"):
        services.place_vice_president(world.users["bureau"], person, world.uni, TODAY, TODAY)
    services.place_vice_president(world.users["bureau"], person, world.alice, TODAY, TODAY + dt.timedelta(days=730))
    assert Placement.objects.count() == 1
    staff = world.client("bureau")
    for org in (world.alice, world.uni):
        page = staff.get(f"/registry/{org.pk}/").content.decode()
        assert "科技副总" in page and "张研究员" in page and world.alice.name in page and "在任" in page


def test_new_match_is_emailed_and_brokers_get_credit(world, listed):
    from django.core import mail

    from registry.models import Organization
    from techmarket.tests.conftest import _org

    need, ach, _ = listed
    world.users["uni"].email = "tt@uni.example.cn"
    world.users["uni"].save()
    agency = _org("威海技术转移中心", "service_provider", 9, world.alice.region, world.chain,
                  provider_type="tech_transfer")
    world.users["bob"].organization, world.users["bob"].role = agency, "provider"
    world.users["bob"].save()
    r = world.client("bob").post("/techmarket/matches/start/", {"need": need.pk, "achievement": ach.pk})
    assert r.status_code == 302
    m = Match.objects.get()
    assert m.broker == agency and Organization.objects.get(pk=agency.pk)
    assert [e.to for e in mail.outbox] == [["tt@uni.example.cn"]] and need.title in mail.outbox[0].subject
    services.match_transition(world.users["uni"], m, "negotiate")
    services.match_transition(world.users["alice"], m, "sign")
    services.match_transition(world.users["uni"], m, "sign")
    data = reports.build(world.users["bureau"])
    assert data["brokers"] == [("威海技术转移中心", 1, 1, 0)]


def test_need_analysis_by_an_expert_joins_the_matching_text(world, listed):
    from accounts.models import Role, User

    vague = services.listing_transition(world.users["bureau"], services.post_need(
        world.users["alice"], {"title": "产品质量提升", "kind": "system", "description": "产品质量不稳定，希望提升。"}),
        "approve")
    assert matchers.for_need(vague).achievements == []
    expert = User.objects.create_user("expert1", role=Role.EXPERT)
    with pytest.raises(services.MarketInputError, match="未申请需求解析"):
        services.provide_analysis(expert, vague, "x")
    with pytest.raises(services.MarketInputError, match="只有需求方"):
        services.request_analysis(world.users["bob"], vague)
    services.request_analysis(world.users["alice"], vague)
    c = Client()
    c.force_login(expert)
    r = c.post(f"/techmarket/needs/{vague.pk}/action/", {"action": "analysis",
                                                          "analysis": "碳纤维预浸料热压罐成型孔隙率控制与层间剪切强度提升"})
    assert r.status_code == 302
    vague.refresh_from_db()
    assert "孔隙率" in vague.analysis and vague.analysed_by == expert
    _, ach, _ = listed
    assert matchers.for_need(vague).achievements[0].id == ach.pk
    assert "需求解析（技术问题）" in world.client("alice").get(f"/techmarket/needs/{vague.pk}/").content.decode()

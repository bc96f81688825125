"""Services of the expert review on a small world whose conflicts and best experts are known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditEvent
from experts import services
from experts.matching import Infeasible
from experts.models import (
    Assignment,
    Conflict,
    DeclaredRelation,
    Employment,
    Expert,
    Notice,
    PairRule,
    Review,
    Unavailability,
)
from experts.tests.conftest import bio_item, carbon_item, deadline, motor_item
from registry.models import Person

pytestmark = pytest.mark.django_db


def _pairs(rnd):
    return {(a.item.title, a.expert.person.name) for a in rnd.assignments.exclude(status="withdrawn").select_related("item", "expert__person")}


def test_solve_picks_field_experts_and_respects_conflicts(world, make_round):
    rnd = make_round()
    stats = services.solve_round(rnd, world.users["bureau"])
    assert stats["covered"] == 3 and stats["assignments"] == 6
    by_item = {}
    for a in rnd.assignments.select_related("item", "expert__person"):
        by_item.setdefault(a.item.title, set()).add(a.expert.person.name)
    # carbon item applied by e1: carbon3 (uni_c) shares the platform with e1 → conflict; carbon1 fits best
    carbon = by_item["碳纤维复合材料预浸料关键技术研发"]
    assert "专家carbon1" in carbon and "专家carbon3" not in carbon and carbon <= {"专家carbon1", "专家carbon2", "专家carbon4"}
    assert by_item["海洋多糖药物研发"] <= {"专家bio1", "专家bio2", "专家bio3"}
    assert by_item["高效永磁电机控制系统"] <= {"专家motor1", "专家motor2", "专家motor3"}
    c = Conflict.objects.get(round=rnd, expert=world.experts["carbon3"])
    assert c.reason == "platform" and c.get_reason_display() == "同一平台/联合体成员"
    a = rnd.assignments.get(expert=world.experts["carbon1"])
    assert "碳纤维" in a.reasons["terms"] and a.reasons["disciplines"] == ["430 材料科学"]
    assert a.reasons["chains"] == ["碳纤维及复合材料"]
    assert AuditEvent.objects.filter(action="experts.round.solve").count() == 1


def test_conflict_reasons_each_computed(world, make_round):
    e = world.experts
    # former employer within 3 years, an old one beyond, a declared relation, a team member, the same organisation
    Employment.objects.create(expert=e["bio1"], organization=world.orgs["e2"], start=dt.date(2015, 1, 1),
                              end=timezone.localdate() - dt.timedelta(days=365))
    Employment.objects.create(expert=e["bio2"], organization=world.orgs["e2"], start=dt.date(2005, 1, 1), end=dt.date(2010, 1, 1))
    DeclaredRelation.objects.create(expert=e["motor1"], organization=world.orgs["e3"], kind="relative")
    rnd = make_round([carbon_item(world, applicant="e4"), bio_item(world), motor_item(world)])
    carbon = rnd.items.get(title__startswith="碳纤维")
    carbon.team.add(e["carbon2"].person)
    services.solve_round(rnd)
    reasons = {(c.item.title[:3], c.expert.person.name): c.reason for c in Conflict.objects.filter(round=rnd).select_related("item", "expert__person")}
    assert reasons[("碳纤维", "专家carbon4")] == "same_org"
    assert reasons[("碳纤维", "专家carbon2")] == "co_applicant"
    assert reasons[("海洋多", "专家bio1")] == "former_org"
    assert ("海洋多", "专家bio2") not in reasons  # left e2 more than 3 years ago
    assert reasons[("高效永", "专家motor1")] == "declared"
    assigned = _pairs(rnd)
    for (item, expert) in reasons:
        assert not any(t.startswith(item) and n == expert for t, n in assigned)


def test_co_applicant_in_earlier_round(world, make_round):
    first = make_round([carbon_item(world, applicant="e1")])
    first.items.get().team.add(world.experts["bio2"].person)
    second = make_round([bio_item(world, applicant="e1")])
    services.solve_round(second)
    assert Conflict.objects.get(round=second, expert=world.experts["bio2"]).reason == "co_applicant"


def test_pin_and_exclude_then_resolve(world, make_round):
    rnd = make_round()
    services.solve_round(rnd)
    carbon = rnd.items.get(title__startswith="碳纤维")
    services.set_pair_rule(rnd, carbon, world.experts["carbon1"], "exclude", world.users["bureau"])
    services.set_pair_rule(rnd, carbon, world.experts["motor2"], "pin", world.users["bureau"])
    services.solve_round(rnd)
    names = {a.expert.person.name for a in carbon.assignments.select_related("expert__person")}
    assert "专家carbon1" not in names and "专家motor2" in names
    assert carbon.assignments.get(expert=world.experts["motor2"]).pinned


def test_too_few_experts_names_the_constraint(world, make_round):
    rnd = make_round(reviewers_per_item=6)  # the carbon item has 5 organisations without a conflict
    with pytest.raises(Infeasible) as exc:
        services.solve_round(rnd)
    assert exc.value.constraint == "reviewers_per_item"
    assert "可参评专家不足" in exc.value.message and "碳纤维复合材料预浸料关键技术研发" in exc.value.message
    rnd.refresh_from_db()
    assert rnd.solve_state == "failed" and "每项评审专家数" in rnd.solve_message
    assert rnd.status == "draft" and not rnd.assignments.exists()  # nothing half-written


def test_max_load_too_small_names_the_constraint(world, make_round):
    Expert.objects.exclude(pk__in=[world.experts[k].pk for k in ("carbon1", "carbon2", "bio1", "bio2")]).update(status="suspended")
    rnd = make_round([carbon_item(world), bio_item(world)], max_load=1, reviewers_per_item=2)
    services.solve_round(rnd)  # 4 experts × 1 = 4 = 2 × 2
    rnd2 = make_round([carbon_item(world), bio_item(world), carbon_item(world)], max_load=1, reviewers_per_item=2)
    with pytest.raises(Infeasible) as exc:
        services.solve_round(rnd2)
    assert exc.value.constraint == "max_load"


def test_suspended_and_unavailable_experts_are_not_used(world, make_round):
    services.set_expert_status(world.experts["carbon1"], "suspend", world.users["bureau"], "出国")
    Unavailability.objects.create(expert=world.experts["carbon2"], start=timezone.localdate(), end=timezone.localdate() + dt.timedelta(days=30))
    rnd = make_round([carbon_item(world, applicant="e6")])
    services.solve_round(rnd)
    names = {n for _, n in _pairs(rnd)}
    assert not names & {"专家carbon1", "专家carbon2"}
    with pytest.raises(services.ReviewError, match="不能执行“暂停”"):
        services.set_expert_status(world.experts["carbon1"], "suspend", None)


def test_yearly_cap(world, make_round):
    world.experts["carbon1"].yearly_cap = 1
    world.experts["carbon1"].save()
    r1 = make_round([carbon_item(world, applicant="e6")])
    services.solve_round(r1)
    assert r1.assignments.filter(expert=world.experts["carbon1"]).exists()
    r2 = make_round([carbon_item(world, applicant="e6")])
    services.solve_round(r2)
    assert not r2.assignments.filter(expert=world.experts["carbon1"]).exists()


def test_random_selection_is_replayable_with_the_kept_seed(world, make_round):
    r1 = make_round(method="random", randomness=0.9)
    services.solve_round(r1)
    r1.refresh_from_db()
    assert r1.seed is not None
    r2 = make_round(method="random", randomness=0.9, seed=r1.seed)
    services.solve_round(r2)
    assert sorted(n for _, n in _pairs(r1)) == sorted(n for _, n in _pairs(r2))


def test_industry_panel_mix(world, make_round):
    rnd = make_round(require_industry=True)
    services.solve_round(rnd)
    for item in rnd.items.all():
        assert item.assignments.filter(expert__sector="industry").exists()


def _published(world, make_round, **kw):
    rnd = make_round(**kw)
    services.solve_round(rnd)
    return services.transition(rnd, "publish", world.users["bureau"])


def _own(world, key, rnd):
    return Assignment.objects.filter(round=rnd, expert=world.experts[key]).first()


def test_publish_notifies_and_reviews_validate(world, make_round):
    rnd = _published(world, make_round)
    assert Notice.objects.filter(round=rnd, kind="assigned", expert=world.experts["carbon1"]).exists()
    a = _own(world, "carbon1", rnd)
    user = world.users["carbon1"]
    with pytest.raises(services.ReviewError, match="【创新性】得分 45 超出范围：应在 0 到 40 分之间"):
        services.submit_review(user, a, {"创新性": "45", "可行性": "50"}, "技术路线可行，创新性一般。")
    with pytest.raises(services.ReviewError, match="【可行性】请填写得分"):
        services.submit_review(user, a, {"创新性": "30"}, "技术路线可行，创新性一般。")
    with pytest.raises(services.ReviewError, match="不是数字"):
        services.submit_review(user, a, {"创新性": "三十", "可行性": "50"}, "技术路线可行，创新性一般。")
    with pytest.raises(services.ReviewError, match="评审意见"):
        services.submit_review(user, a, {"创新性": "30", "可行性": "50"}, "")
    with pytest.raises(services.ReviewError, match="已过提交截止时间"):
        services.submit_review(user, a, {"创新性": "30", "可行性": "50"}, "技术路线可行。", now=rnd.deadline + dt.timedelta(minutes=1))
    assert not Review.objects.exists()  # nothing written by a bad input
    # an item not assigned to this expert
    other = Assignment.objects.filter(round=rnd).exclude(expert=world.experts["carbon1"]).first()
    with pytest.raises(services.ReviewError, match="未分配给您"):
        services.submit_review(user, other, {"创新性": "30", "可行性": "50"}, "技术路线可行。")
    review = services.submit_review(user, a, {"创新性": "30.5", "可行性": "50"}, "技术路线可行，创新性一般。")
    assert review.total == Decimal("80.5")
    a.refresh_from_db()
    assert a.status == "submitted"


def test_declared_conflict_reassigns(world, make_round):
    rnd = _published(world, make_round)
    a = _own(world, "carbon1", rnd)
    with pytest.raises(services.ReviewError, match="回避原因"):
        services.declare_conflict(world.users["carbon1"], a, " ")
    new = services.declare_conflict(world.users["carbon1"], a, "曾与申报单位合作")
    a.refresh_from_db()
    assert a.status == "withdrawn"
    assert new is not None and new.expert != world.experts["carbon1"] and new.item_id == a.item_id
    assert new.expert != world.experts["carbon3"]  # the platform conflict still holds
    assert Conflict.objects.filter(item=a.item, expert=world.experts["carbon1"], reason="declared_on_item").exists()
    assert Notice.objects.filter(expert=new.expert, kind="reassigned").exists()
    live = rnd.assignments.filter(item=a.item).exclude(status="withdrawn").count()
    assert live == rnd.reviewers_per_item


def test_aggregation_mean_trimmed_normalised_and_outliers(world, make_round):
    """Two reviewers of the same items: a harsh one and a generous one count the same after normalisation."""
    rnd = _published(world, make_round)
    rows = {}
    for a in rnd.assignments.select_related("item"):
        rows.setdefault(a.item_id, []).append(a)
    from experts.models import Review as R

    # scores by hand: reviewer totals chosen to test the arithmetic
    totals = iter([Decimal(v) for v in (90, 60, 80, 50, 70, 40)])
    for item_rows in rows.values():
        for a in item_rows:
            R.objects.create(assignment=a, scores={}, total=next(totals), comment="ok")
    result = {s.item.pk: s for s in services.aggregate(rnd)}
    for item_id, item_rows in rows.items():
        s = result[item_id]
        vals = [float(a.review.total) for a in item_rows]
        assert s.mean == pytest.approx(sum(vals) / len(vals))
        assert s.trimmed_mean == pytest.approx(sum(vals) / len(vals))  # fewer than 4 scores: nothing trimmed
    out = services.aggregated_scores(rnd)
    assert {"mean", "trimmed_mean", "normalized", "outliers"} <= set(out[0]) and "expert" not in str(out[0].keys())


def _pinned_round(world, make_round, experts, n_items=2):
    rnd = make_round([carbon_item(world, applicant="e6") for _ in range(n_items)], reviewers_per_item=len(experts),
                     criteria=[{"name": "综合评价", "max": 100}])
    for item in rnd.items.all():
        for key in experts:
            PairRule.objects.create(round=rnd, item=item, expert=world.experts[key], kind="pin")
    services.solve_round(rnd)
    return services.transition(rnd, "publish", None)


def _score(rnd, expert, item, total):
    a = Assignment.objects.get(round=rnd, expert=expert, item=item)
    Review.objects.create(assignment=a, scores={"综合评价": str(total)}, total=Decimal(total), comment="ok")


def test_normalisation_makes_harsh_and_generous_reviewers_count_the_same(world, make_round):
    rnd = _pinned_round(world, make_round, ["carbon1", "carbon2"])
    first, second = rnd.items.order_by("id")
    harsh, generous = world.experts["carbon1"], world.experts["carbon2"]
    _score(rnd, harsh, first, 60)
    _score(rnd, harsh, second, 50)
    _score(rnd, generous, first, 90)
    _score(rnd, generous, second, 80)
    s1, s2 = services.aggregate(rnd)
    assert (s1.mean, s2.mean) == (75.0, 65.0)
    # overall mean 70, sd √250 = 15.81; each reviewer's z is +1 on the first item and −1 on the second
    assert [line.normalized for line in s1.lines] == [85.81, 85.81]
    assert [line.normalized for line in s2.lines] == [54.19, 54.19]
    assert (s1.normalized, s2.normalized) == (85.81, 54.19)


def test_trimmed_mean_and_outlier(world, make_round):
    keys = ["carbon1", "carbon2", "carbon4", "motor1", "motor2"]  # five organisations
    rnd = _pinned_round(world, make_round, keys, n_items=1)
    item = rnd.items.get()
    for key, total in zip(keys, [80, 82, 78, 30, 85], strict=True):
        _score(rnd, world.experts[key], item, total)
    (s,) = services.aggregate(rnd)
    assert s.mean == 71.0  # (80+82+78+30+85)/5
    assert s.trimmed_mean == 80.0  # 30 and 85 dropped: (80+82+78)/3
    assert [line.expert_name for line in s.lines if line.outlier] == ["专家motor1"]  # 50 below the median 80 > 25
    assert s.outliers == 1


def test_reminders_once(world, make_round):
    rnd = _published(world, make_round, deadline=timezone.now() + dt.timedelta(days=2))
    n = services.send_reminders()
    assert n == rnd.assignments.values("expert").distinct().count()
    assert services.send_reminders() == 0


def test_experts_for_text(world):
    found = services.experts_for_text("需要碳纤维复合材料的预浸料工艺专家", chain="carbon_fiber", k=3)
    assert [m.expert.person.name for m in found][:2] == ["专家carbon1", "专家carbon4"] or found[0].expert.person.name == "专家carbon1"
    assert "碳纤维" in found[0].reasons["terms"] and found[0].reasons["chains"] == ["碳纤维及复合材料"]
    assert all(m.expert.organization_id != world.orgs["e4"].pk for m in services.experts_for_text(
        "碳纤维", exclude_organization=world.orgs["e4"].pk))
    with pytest.raises(services.ReviewError):
        services.experts_for_text("  ")


def test_panel_stage_shortlists(world, make_round):
    rnd = _published(world, make_round)
    for a in rnd.assignments.all():
        Review.objects.create(assignment=a, scores={}, total=Decimal(50 + a.item_id % 3 * 10), comment="ok")
    panel = services.create_panel_stage(rnd, world.users["bureau"], top=2, deadline=deadline(20))
    assert panel.stage == "panel" and panel.items.count() == 2 and rnd.items.filter(shortlisted=True).count() == 2


def test_publish_refused_when_items_short(world, make_round):
    rnd = make_round()
    with pytest.raises(services.ReviewError, match="不能发布评审任务"):
        services.transition(rnd, "publish", None)


def test_bad_item_codes_write_nothing(world):
    with pytest.raises(services.ReviewError, match="学科代码“999”"):
        services.create_round(None, name="坏批次", deadline=deadline(), items=[{**carbon_item(world), "disciplines": ["999"]}])
    from experts.models import ReviewRound

    assert not ReviewRound.objects.filter(name="坏批次").exists()
    assert Person.objects.filter(kind="expert").count() == 10
    assert PairRule.objects.count() == 0


def test_decline_and_silent_invitations_go_to_reserve_experts(world, make_round):
    rnd = _published(world, make_round, response_days=2)
    a = _own(world, "carbon1", rnd)
    services.accept(world.users["carbon1"], a)
    a.refresh_from_db()
    assert a.accepted_at is not None
    b = _own(world, "bio1", rnd)
    new = services.decline(world.users["bio1"], b, "出差")
    b.refresh_from_db()
    assert b.status == "withdrawn" and b.withdrawn_reason == "出差" and new.item_id == b.item_id
    assert not Conflict.objects.filter(expert=world.experts["bio1"], reason="declared_on_item").exists()
    assert services.replace_silent() == 0  # the response period has not passed
    later = timezone.now() + dt.timedelta(days=3)
    silent = rnd.assignments.filter(status="assigned", accepted_at__isnull=True).count()
    assert silent > 0
    replaced = services.replace_silent(now=later)
    assert replaced >= silent  # replacements made today are themselves still inside their period
    a.refresh_from_db()
    assert a.status == "assigned"  # the accepted invitation stays
    for item in rnd.items.all():
        assert item.assignments.exclude(status="withdrawn").count() == rnd.reviewers_per_item or \
            not services.replacement_for(item)


def test_large_round_solves_on_the_job_queue(world, make_round, monkeypatch):
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(services, "INLINE_SOLVE_LIMIT", 0)
    monkeypatch.setattr(HUEY, "immediate", True)
    rnd = make_round()
    assert services.request_solve(rnd, world.users["bureau"]) == "queued"
    rnd.refresh_from_db()  # the immediate queue ran the job at once
    assert rnd.status == "solved" and rnd.solve_state == "done" and rnd.solve_progress == 100
    bad = make_round(reviewers_per_item=6)
    services.request_solve(bad, None)
    bad.refresh_from_db()
    assert bad.solve_state == "failed" and "每项评审专家数" in bad.solve_message


def test_cancelled_solve_writes_nothing(world, make_round, monkeypatch):
    rnd = make_round()
    services.solve_round(rnd)
    before = set(rnd.assignments.values_list("item_id", "expert_id"))
    from experts import affinity

    real = affinity.compute

    def cancel_midway(*args, **kwargs):  # staff press 取消求解 while the affinity is being computed
        services.cancel_solve(rnd, world.users["bureau"])
        return real(*args, **kwargs)

    from experts.models import ReviewRound

    ReviewRound.objects.filter(pk=rnd.pk).update(solve_state="queued")
    monkeypatch.setattr(affinity, "compute", cancel_midway)
    services.set_pair_rule(rnd, rnd.items.first(), world.experts["motor2"], "pin", None)
    assert services.solve_round(rnd, queued=True) is None
    rnd.refresh_from_db()
    assert rnd.solve_state == "cancelled" and "已取消" in rnd.solve_message
    assert set(rnd.assignments.values_list("item_id", "expert_id")) == before
    assert services.cancel_solve(rnd, None) is False

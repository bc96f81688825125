"""Eligibility and the blacklist re-checked at payment time; 重复申报 flagged across programmes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from funding import checks, services
from funding.models import Call, Claim, LedgerEntry
from funding.services import FundingError
from funding.tests.conftest import FIXED, give_facts, stop_qualifying, submitted_claim, to_decision
from registry.models import Qualification

pytestmark = pytest.mark.django_db


def _approved(w):
    """A 第7条 (威政发〔2018〕20号): 高企认定奖励 200,000 元, decided and out of 公示."""
    claim = to_decision(w, submitted_claim(w, FIXED))
    services.perform(w.bea, claim.pk, "decide")
    return services.perform(w.bea, claim.pk, "publicity_end")


def test_payment_refused_when_the_engine_no_longer_grants_the_provision(world):
    """威政发〔2018〕20号 第7条: the organisation no longer qualifies at payment time — nothing is paid."""
    claim = _approved(world)
    stop_qualifying(world.org_a, FIXED)  # the certification was withdrawn from the registry
    with pytest.raises(FundingError, match="拨付前复核：经政策测算，甲科技有限公司 2024 年度已不符合威政发〔2018〕20号 第7条"):
        services.perform(world.fin, claim.pk, "pay")
    claim.refresh_from_db()
    assert claim.state == "approved" and not LedgerEntry.objects.filter(kind="payment").exists()
    give_facts(world.org_a, FIXED)
    services.perform(world.fin, claim.pk, "pay")
    assert services.money_received(world.org_a) == Decimal(200000)


def test_payment_refused_when_the_engine_amount_dropped(world):
    """第7条 recomputed at 100,000 元 (the registry now says re-certification: 10 万元, below the 20 万元 decided for a
    first certification): the payment waits."""
    claim = _approved(world)
    Qualification.objects.filter(organization=world.org_a).update(certification="recertification")
    with pytest.raises(FundingError, match="现可享 100,000.00 元，本次拨付后累计 200,000.00 元将超过该金额"):
        services.perform(world.fin, claim.pk, "pay")
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_blacklisted_after_decision_is_not_paid(client, world):
    claim = _approved(world)
    services.add_blacklist_entry(world.bea, world.org_a, "fraud", "威科信〔2024〕1号", timezone.localdate(),
                                 timezone.localdate() + dt.timedelta(days=365))
    client.force_login(world.fin)
    html = client.post(f"/funding/claims/{claim.pk}/act/", {"transition": "pay", "idempotency_key": f"pay:{claim.pk}"},
                       follow=True).content.decode()
    assert "列入科研失信名单（弄虚作假，威科信〔2024〕1号）" in html and "前不能获得拨付" in html
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_call_eligibility_rechecked_at_payment(world):
    now = timezone.now()
    call = Call.objects.create(programme=world.programme, title="海洋装备攻关", opens_at=now - dt.timedelta(days=1),
                               closes_at=now + dt.timedelta(days=9), provision_id=FIXED, max_amount=Decimal(300000),
                               document="威政发〔2018〕20号", article="第7条")
    claim = services.apply_to_call(world.alice, call, {"project_title": "海洋牧场智能网箱"})
    stop_qualifying(world.org_a, FIXED)
    with pytest.raises(FundingError, match="拨付前复核：申报条件：经政策测算，甲科技有限公司 不符合"):
        checks.check_payable(claim, Decimal(100000))


def test_duplicate_projects_flagged_across_programmes_to_staff_only(client, world):
    other = services.create_programme(world.bea, "海洋经济创新专项", 2024, "威政发〔2018〕20号",
                                      lines=[("海洋装备", "city", "500000")])
    now = timezone.now()
    calls = [Call.objects.create(programme=p, title=f"指南{i}", opens_at=now - dt.timedelta(days=1),
                                 closes_at=now + dt.timedelta(days=9), max_amount=Decimal(300000),
                                 document="威政发〔2018〕20号", article="第7条")
             for i, p in enumerate((world.programme, other, other, world.programme))]
    first = services.apply_to_call(world.alice, calls[0], {"project_title": "海洋牧场 智能网箱控制系统（一期）"})
    same = services.apply_to_call(world.alice, calls[1], {"project_title": "海洋牧场智能网箱控制系统(一期)"})
    different = services.apply_to_call(world.alice, calls[2], {"project_title": "碳纤维复合材料回收工艺"})
    bobs = services.apply_to_call(world.bob, calls[3], {"project_title": "海洋牧场智能网箱控制系统（一期）"})
    flagged = checks.possible_duplicates(first)
    assert [(c.pk, s, why) for c, s, why in flagged] == [(same.pk, 1.0, "项目名称相同")]
    assert checks.possible_duplicates(different) == [] and checks.possible_duplicates(bobs) == []
    assert checks.jaccard("海洋牧场智能网箱控制系统研发", "海洋牧场智能网箱控制系统的研发") >= 0.8
    client.force_login(world.bea)
    page = client.get(f"/funding/claims/{first.pk}/").content.decode()
    assert "疑似重复申报" in page and f"#{same.pk}" in page and "海洋经济创新专项" in page
    client.force_login(world.alice)
    assert "疑似重复申报" not in client.get(f"/funding/claims/{first.pk}/").content.decode()
    Claim.objects.filter(pk=same.pk).update(state="withdrawn")
    assert checks.possible_duplicates(first) == []

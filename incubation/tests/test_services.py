"""Roster rules and the automatic A 第16条 events (威政发〔2018〕20号 第16条: 10万元 per incubatee that upgrades to a
high-tech enterprise inside its 3-year incubation period, at most 100万元 per carrier a year)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from incubation import services
from incubation.models import Incubatee, Stay
from incubation.services import add_stay, carrier_for, end_stay, incorporate, incubatee_for
from incubation.tests.conftest import certify, make_enterprise, uscc
from policy.services import evaluate_organization
from registry.models import Recognition

pytestmark = pytest.mark.django_db
D = dt.date


def _a16(org, year) -> Decimal:
    result = evaluate_organization(org, year)
    hit = [r for r in result.results if r.provision_id == "A.16.incubatee_upgrade_reward" and r.status == "applies"]
    return Decimal(hit[0].amount) if hit else Decimal(0)


def _stay(world, ent, entered, carrier_org=None, **kw) -> Stay:
    carrier = carrier_for(carrier_org or world.incubator)
    return add_stay(world.users["carrier"], carrier, incubatee_for(ent.uscc), entered, **kw)


def test_exit_before_entry_is_refused_with_the_dates(world):
    stay = _stay(world, world.ents[0], D(2022, 5, 1))
    with pytest.raises(ValidationError) as exc:
        end_stay(None, stay, D(2022, 4, 30), "graduated")
    assert "毕业/退出日期 2022-04-30 早于入驻日期 2022-05-01" in services.message_of(exc.value)
    stay.refresh_from_db()
    assert stay.exited_on is None


def test_db_refuses_exit_before_entry_even_without_clean(world):
    stay = _stay(world, world.ents[0], D(2022, 5, 1))
    Stay.objects.filter(pk=stay.pk).update(exited_on=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.filter(pk=stay.pk).update(exited_on=D(2022, 1, 1), exit_reason="graduated")


def test_two_carriers_at_once_without_a_recorded_move_is_refused(world):
    _stay(world, world.ents[0], D(2022, 5, 1))
    with pytest.raises(ValidationError) as exc:
        _stay(world, world.ents[0], D(2023, 1, 1), world.accelerator)
    text = services.message_of(exc.value)
    assert "威海示例科技企业孵化器" in text and "时间重叠" in text and "从其他载体迁入" in text
    assert Stay.objects.count() == 1
    # A closed stay that overlaps a later-entered one is refused too.
    stay = Stay.objects.get()
    end_stay(None, stay, D(2023, 6, 1), "graduated")
    with pytest.raises(ValidationError):
        _stay(world, world.ents[0], D(2023, 1, 1), world.accelerator)


def test_db_allows_only_one_open_stay_per_incubatee(world):
    stay = _stay(world, world.ents[0], D(2022, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(carrier=carrier_for(world.accelerator), incubatee=stay.incubatee, entered_on=D(2023, 1, 1))


def test_recorded_move_closes_the_old_stay(world):
    old = _stay(world, world.ents[0], D(2021, 3, 1))
    new = _stay(world, world.ents[0], D(2022, 3, 1), world.makerspace, moved_in=True)
    old.refresh_from_db()
    assert (old.exited_on, old.exit_reason) == (D(2022, 3, 1), "moved")
    assert new.moved_from == old
    assert AuditEvent.objects.filter(action="incubation.stay_added").count() == 2


def test_unknown_credit_code_is_named():
    with pytest.raises(ValidationError) as exc:
        incubatee_for(uscc(999), where="第3行：")
    assert f"第3行：统一社会信用代码 {uscc(999)} 未在创新主体库中登记" in services.message_of(exc.value)


def test_team_incorporates_keeping_its_history(world):
    team = incubatee_for(team_name="海洋传感团队", team_leader="李明")
    carrier = carrier_for(world.incubator)
    stay = add_stay(None, carrier, team, D(2021, 6, 1))
    org = make_enterprise(500, world.huancui, "威海海感科技有限公司")
    certify(org, D(2023, 5, 1))
    incorporate(None, team, org.uscc, D(2022, 1, 10))
    stay.refresh_from_db()
    assert stay.incubatee.organization == org and stay.incubatee.team_name == "海洋传感团队"
    assert Incubatee.objects.count() == 1
    # The team's entry date starts the incubation period: certified 2023-05-01 < 2024-05-31 → the carrier's event.
    assert Recognition.objects.filter(organization=world.incubator, subject="incubatee_high_tech").count() == 1


@pytest.mark.parametrize(("certified", "paid"), [(D(2024, 2, 29), Decimal(100000)), (D(2024, 3, 1), Decimal(0))])
def test_a16_upgrade_on_last_day_of_third_year_and_the_day_after(world, certified, paid):
    """威政发〔2018〕20号 第16条: entered 2021-03-01, the 3-year period runs to 2024-02-29 (last day, leap year)."""
    ent = world.ents[0]
    _stay(world, ent, D(2021, 3, 1))
    certify(ent, certified)  # the qualification record, not a hand-typed event
    events = Recognition.objects.filter(organization=world.incubator, subject="incubatee_high_tech")
    assert events.count() == (1 if paid else 0)
    assert _a16(world.incubator, 2024) == paid
    assert _a16(ent, 2024) == 0  # the carrier is paid, not the enterprise


def test_a16_recertification_is_not_an_upgrade_and_graduates_do_not_count(world):
    ent, grad = world.ents[0], world.ents[1]
    _stay(world, ent, D(2022, 1, 1))
    certify(ent, D(2023, 1, 1), certification="recertification")
    stay = _stay(world, grad, D(2022, 1, 1))
    end_stay(None, stay, D(2022, 12, 31), "graduated")
    certify(grad, D(2023, 2, 1))
    assert _a16(world.incubator, 2023) == 0


def test_a16_accelerator_is_not_rewarded(world):
    ent = world.ents[0]
    _stay(world, ent, D(2022, 1, 1), world.accelerator)
    certify(ent, D(2023, 1, 1))
    assert _a16(world.accelerator, 2023) == 0
    assert services.upgrades([ent.id])[0].reason.startswith("加速器不在")


def test_a16_yearly_cap_per_carrier(world):
    """威政发〔2018〕20号 第16条: 12 upgrades in 2023 → 120万元 capped at 100万元; 2 in 2024 → 20万元."""
    for i, ent in enumerate(world.ents[:14]):
        _stay(world, ent, D(2022, 1, 1))
        certify(ent, D(2023, 3, 1) if i < 12 else D(2024, 3, 1))
    assert Recognition.objects.filter(organization=world.incubator, subject="incubatee_high_tech").count() == 14
    assert _a16(world.incubator, 2023) == Decimal(1_000_000)
    assert _a16(world.incubator, 2024) == Decimal(200_000)


def test_a16_moved_incubatee_rewards_the_host_on_the_day_with_the_period_from_first_entry(world, settings):
    """Interpretation a16_move_continuous: the carrier where it is on certification day is paid; the 3 years run
    from its first entry (2021-03-01 → 2024-02-29), so a certification on 2024-06-01 after a move pays nobody."""
    ent = world.ents[0]
    _stay(world, ent, D(2021, 3, 1))
    _stay(world, ent, D(2022, 3, 1), world.makerspace, moved_in=True)
    certify(ent, D(2023, 6, 1))
    assert _a16(world.makerspace, 2023) == Decimal(100000)
    assert _a16(world.incubator, 2023) == 0

    late = world.ents[1]
    _stay(world, late, D(2021, 3, 1))
    _stay(world, late, D(2022, 3, 1), world.makerspace, moved_in=True)
    certify(late, D(2024, 6, 1))
    assert _a16(world.makerspace, 2024) == 0
    # The other reading (period restarts in the new carrier) pays it.
    settings.INCUBATION_PERIOD_RESTARTS_ON_MOVE = True
    services.sync_upgrade_events()
    assert _a16(world.makerspace, 2024) == Decimal(100000)


def test_deleting_the_qualification_withdraws_the_event(world):
    ent = world.ents[0]
    _stay(world, ent, D(2022, 1, 1))
    q = certify(ent, D(2023, 1, 1))
    assert Recognition.objects.filter(subject="incubatee_high_tech").count() == 1
    q.delete()
    assert Recognition.objects.filter(subject="incubatee_high_tech").count() == 0


def test_postgres_refuses_overlapping_closed_stays(world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraint exists on PostgreSQL only")
    stay = _stay(world, world.ents[0], D(2021, 1, 1))
    end_stay(None, stay, D(2022, 1, 1), "graduated")
    accelerator = carrier_for(world.accelerator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(carrier=accelerator, incubatee=stay.incubatee, entered_on=D(2021, 6, 1),
                            exited_on=D(2021, 9, 1), exit_reason="left")
    # Back to back (a move on the exit day) is allowed.
    Stay.objects.create(carrier=accelerator, incubatee=stay.incubatee, entered_on=D(2022, 1, 1))

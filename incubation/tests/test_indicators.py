"""Document C 二（三）: 专业化孵化载体数量 (23 → 50) and 孵化载体累计培育高新技术企业数量 (58 → 100), counted from the
rosters and checked against a roster counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from incubation.models import Carrier
from incubation.services import add_stay, carrier_for, end_stay, incorporate, incubatee_for
from incubation.tests.conftest import certify, make_enterprise
from indicators.computed import FUNCTIONS
from indicators.models import Indicator

pytestmark = pytest.mark.django_db
D = dt.date


def test_cultivated_hte_against_a_hand_counted_roster(world):
    e = world.ents
    inc, mak, acc = carrier_for(world.incubator), carrier_for(world.makerspace), carrier_for(world.accelerator)
    # 1 counts (2020, 环翠): certified while in the incubator.
    add_stay(None, inc, incubatee_for(e[0].uscc), D(2019, 1, 1))
    certify(e[0], D(2020, 5, 1))
    # 2 does not: certified after graduating.
    s = add_stay(None, mak, incubatee_for(e[1].uscc), D(2018, 1, 1))
    end_stay(None, s, D(2019, 12, 31), "graduated")
    certify(e[1], D(2020, 3, 1))
    # 3 does not: first certified before it entered (2017); its 2020 recertification is no upgrade.
    certify(e[2], D(2017, 1, 1))
    certify(e[2], D(2020, 1, 1), certification="recertification")
    add_stay(None, inc, incubatee_for(e[2].uscc), D(2019, 1, 1))
    # 4 counts (2022, 文登): an accelerator counts for the indicator (not for the A 第16条 reward).
    add_stay(None, acc, incubatee_for(e[3].uscc), D(2021, 1, 1))
    certify(e[3], D(2022, 2, 1))
    # 5 counts (2021, 环翠): a team that incorporated.
    team = incubatee_for(team_name="星海团队", team_leader="王芳")
    add_stay(None, mak, team, D(2020, 6, 1))
    org = make_enterprise(300, world.huancui, "威海星海科技有限公司")
    incorporate(None, team, org.uscc)
    certify(org, D(2021, 9, 1))
    # 6 counts once (2021, 文登): moved from the incubator to the accelerator, certified there.
    add_stay(None, inc, incubatee_for(e[5].uscc), D(2019, 6, 1))
    add_stay(None, acc, incubatee_for(e[5].uscc), D(2020, 6, 1), moved_in=True)
    certify(e[5], D(2021, 3, 1))
    # 7 not yet: in the incubator, no certification.
    add_stay(None, inc, incubatee_for(e[6].uscc), D(2021, 1, 1))

    count = FUNCTIONS["incubated_hte_cumulative"]
    assert [count(y, None, False) for y in (2019, 2020, 2021, 2022)] == [0, 1, 3, 4]
    assert count(2022, None, True) == {"371002": 2, "371003": 2}
    assert count(2022, ["371003"], False) == 2


def test_the_indicator_row_reads_the_rosters(world):
    assert Indicator.objects.get(code="c.incubated_hte_cumulative").computed == "incubated_hte_cumulative"


def test_incubation_carriers_counts_provincial_plus_carriers_of_the_roster(world):
    # world: a provincial incubator (2015), a city makerspace and a city accelerator → 1.
    count = FUNCTIONS["incubation_carriers"]
    assert count(2020, None, False) == 1
    # An industrial park kept as a carrier is not an incubation carrier; a provincial operator registered as an
    # enterprise and kept as an incubator is.
    park = make_enterprise(400, world.huancui, "威海示例产业园运营有限公司")
    Carrier.objects.create(organization=park, stage="industrial_park")
    op = make_enterprise(401, world.huancui, "威海示例孵化运营有限公司")
    op.level = "provincial"
    op.save()
    Carrier.objects.create(organization=op, stage="incubator")
    assert count(2020, None, False) == 2
    assert count(2014, None, False) == 0

"""Competitions: the finals reward and the 1:1:1 matching (威政发〔2018〕20号 第16条), the excellent-enterprise reward
(威政发〔2023〕5号 第16条) and the start-up landing subsidy (威政发〔2023〕5号 第15条), computed by the policy engine from
the entries, with their citations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from incubation import services
from incubation.models import Competition, Entry, Prize
from incubation.services import incubatee_for
from incubation.tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db
D = dt.date


def _amounts(entry) -> dict[str, Decimal]:
    return {f"{r['citation']}|{r['title']}": r["amount"] for r in services.entry_rewards(entry)}


def test_a16_finalist_reward_and_national_prize_matching_2022(world):
    """威政发〔2018〕20号 第16条: reaching the national finals 10万元; a national prize of 30万元 matched 1:1 by the city."""
    comp = Competition.objects.create(series="china_innovation_contest", name="第十一届中国创新创业大赛", year=2022)
    entry = Entry.objects.create(competition=comp, incubatee=incubatee_for(world.ents[0].uscc), project="海洋传感器",
                                 stage_reached="national_final", reached_on=D(2022, 9, 1))
    Prize.objects.create(entry=entry, level="provincial", grade="一等奖", amount=Decimal(200000), awarded_on=D(2022, 7, 1))
    Prize.objects.create(entry=entry, level="national", grade="优秀奖", amount=Decimal(300000), awarded_on=D(2022, 10, 1))
    services.sync_competition_events([entry])
    got = _amounts(entry)
    assert sorted(got.values()) == [Decimal(100000), Decimal(300000)]
    assert all(k.startswith("威政发〔2018〕20号 第16条") for k in got)
    page = _staff_page(world)
    assert "海洋传感器" in page and "100,000.00 元" in page and "300,000.00 元" in page


def _staff_page(world) -> str:
    c = Client()
    c.force_login(world.users["bureau"])
    return c.get("/incubation/competitions/").content.decode()


def test_b16_excellent_enterprise_and_b15_landing_while_b_in_force(world):
    """威政发〔2023〕5号 第16条 (10万元) replaces A's finals reward in 2024; 第15条: landed via 中韩创新大赛 with 150万元
    of physical investment → at most 50万元."""
    comp = Competition.objects.create(series="china_innovation_contest", name="第十三届中国创新创业大赛", year=2024)
    entry = Entry.objects.create(competition=comp, incubatee=incubatee_for(world.ents[1].uscc), project="膜材料",
                                 stage_reached="national_final", reached_on=D(2024, 9, 1), excellent_title=True)
    services.sync_competition_events([entry])
    got = _amounts(entry)
    assert list(got.values()) == [Decimal(100000)] and next(iter(got)).startswith("威政发〔2023〕5号 第16条")

    korea = Competition.objects.create(series="china_korea", name="中韩创新大赛", year=2024)
    landed = Entry.objects.create(competition=korea, incubatee=incubatee_for(world.ents[2].uscc), project="智能传感",
                                  stage_reached="city", reached_on=D(2024, 5, 1), landed_on=D(2024, 8, 1),
                                  physical_investment=Decimal(1_500_000))
    services.sync_competition_events([landed])
    got = _amounts(landed)
    assert list(got.values()) == [Decimal(500000)] and next(iter(got)).startswith("威政发〔2023〕5号 第15条")


def test_a_team_is_rewarded_once_it_incorporates(world):
    comp = Competition.objects.create(series="china_innovation_contest", name="第十一届中国创新创业大赛", year=2022)
    team = incubatee_for(team_name="蓝海团队", team_leader="赵强")
    entry = Entry.objects.create(competition=comp, incubatee=team, project="水下机器人",
                                 stage_reached="national_final", reached_on=D(2022, 9, 1))
    services.sync_competition_events([entry])
    assert services.entry_rewards(entry) == []
    assert "团队尚未注册为企业" in _staff_page(world)
    org = make_enterprise(600, world.huancui, "威海蓝海机器人有限公司")
    services.incorporate(None, team, org.uscc)
    entry.refresh_from_db()
    assert [r["amount"] for r in services.entry_rewards(entry)] == [Decimal(100000)]


def test_competitions_page_is_for_staff(world):
    c = Client()
    c.force_login(world.users["carrier"])
    assert c.get("/incubation/competitions/").status_code == 404


def test_staff_record_an_entry_on_the_page_and_bad_input_is_named(world):
    c = Client()
    c.force_login(world.users["bureau"])
    base = {"series": "china_innovation_contest", "name": "第十一届中国创新创业大赛", "year": 2022,
            "uscc": world.ents[3].uscc, "project": "海水淡化膜", "stage_reached": "provincial", "reached_on": "2022-07-01"}
    bad = c.post("/incubation/competitions/", {**base, "excellent_title": "on"}).content.decode()
    assert "只有晋级全国赛的参赛者才能获得全国赛优秀企业称号" in bad
    assert Entry.objects.count() == 0
    r = c.post("/incubation/competitions/", {**base, "stage_reached": "national_final", "national_grade": "优胜奖",
                                             "national_amount": "50000", "awarded_on": "2022-10-01"})
    assert r.status_code == 302
    page = c.get("/incubation/competitions/").content.decode()
    assert "海水淡化膜" in page and "50,000.00 元" in page and "100,000.00 元" in page
    # District staff see the list but may not record entries.
    d = Client()
    d.force_login(world.users["district"])
    assert d.get("/incubation/competitions/").status_code == 200
    assert d.post("/incubation/competitions/", base).status_code == 404

"""Fixtures of the expert review tests: a small hand-made world whose conflicts and best experts are known."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import Role, User
from experts.models import Employment, Expert
from registry.models import IndustryChain, Organization, Person, PlatformMembership, Region

PASSWORD = "pw-12345!"


@dataclass
class World:
    orgs: dict[str, Organization]
    experts: dict[str, Expert]
    users: dict[str, User]
    chains: dict[str, IndustryChain]


def _org(name: str, kind: str, n: int, region: Region, **kw) -> Organization:
    uscc = None
    if kind != "platform":
        from registry.demo import _uscc

        uscc = _uscc("91", "371000", 900_000 + n, 3)
    return Organization.objects.create(name=name, kind=kind, region=region, uscc=uscc, **kw)


@pytest.fixture
def world(db) -> World:
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)  # transactional (browser) tests flush the migration's reference data
    region = Region.objects.filter(kind="zone").first()
    chains = {c.code: c for c in IndustryChain.objects.all()}
    orgs = {}
    for n, (key, name, kind) in enumerate([
        ("uni_a", "威海示范大学", "research_institution"), ("uni_b", "胶东示范研究院", "research_institution"),
        ("uni_c", "海滨示范学院", "research_institution"), ("e1", "威海碳纤维示范有限公司", "enterprise"),
        ("e2", "威海海洋生物示范有限公司", "enterprise"), ("e3", "威海电机示范有限公司", "enterprise"),
        ("e4", "威海轮胎示范有限公司", "enterprise"), ("e5", "威海激光示范有限公司", "enterprise"),
        ("e6", "威海渔具示范有限公司", "enterprise"),
    ]):
        orgs[key] = _org(name, kind, n, region)
    orgs["platform"] = _org("威海碳纤维创新联合体", "platform", 99, region, platform_type="innovation_consortium", level="city")
    PlatformMembership.objects.create(platform=orgs["platform"], organization=orgs["e1"], role="lead")
    PlatformMembership.objects.create(platform=orgs["platform"], organization=orgs["uni_c"], role="participant")
    specs = [  # key, org, chain, disciplines, keywords, sector
        ("carbon1", "uni_a", "carbon_fiber", ["430"], "碳纤维、复合材料、预浸料", "academia"),
        ("carbon2", "uni_b", "carbon_fiber", ["430", "530"], "碳纤维、树脂基体、界面改性", "academia"),
        ("carbon3", "uni_c", "carbon_fiber", ["430"], "复合材料、轻量化结构", "academia"),
        ("carbon4", "e4", "carbon_fiber", ["430"], "碳纤维原丝、复合材料", "industry"),
        ("bio1", "uni_a", "marine_biomedicine", ["180", "350"], "海洋生物、海洋药物、海洋多糖", "academia"),
        ("bio2", "uni_b", "marine_biomedicine", ["180"], "生物发酵、活性物质提取", "academia"),
        ("bio3", "e6", "marine_biomedicine", ["350"], "海洋药物、生物制品", "industry"),
        ("motor1", "uni_c", "electric_motors", ["470"], "永磁电机、电机控制", "academia"),
        ("motor2", "e5", "electric_motors", ["470", "460"], "伺服驱动、电力电子", "industry"),
        ("motor3", "uni_b", "electric_motors", ["470"], "电机设计、变频调速", "academia"),
    ]
    experts = {}
    for key, org, chain, codes, kws, sector in specs:
        p = Person.objects.create(kind="expert", name=f"专家{key}", organization=orgs[org], title="教授")
        e = Expert.objects.create(person=p, organization=orgs[org], disciplines=codes, keywords=kws, sector=sector,
                                  title="教授")
        e.chains.set([chains[chain]])
        Employment.objects.create(expert=e, organization=orgs[org], start=dt.date(2010, 1, 1))
        experts[key] = e
    users = {
        "bureau": User.objects.create_user("t_bureau", password=PASSWORD, role=Role.BUREAU),
        "enterprise": User.objects.create_user("t_ent", password=PASSWORD, role=Role.ENTERPRISE, organization=orgs["e1"]),
        "district": User.objects.create_user("t_district", password=PASSWORD, role=Role.DISTRICT, region=region),
    }
    for key in ("carbon1", "carbon2", "bio1"):
        u = User.objects.create_user(f"t_{key}", password=PASSWORD, role=Role.EXPERT)
        experts[key].user = u
        experts[key].save(update_fields=["user"])
        users[key] = u
    return World(orgs, experts, users, chains)


def carbon_item(world: World, applicant: str = "e1", **kw) -> dict:
    return {"title": "碳纤维复合材料预浸料关键技术研发", "keywords": "碳纤维、复合材料、预浸料",
            "abstract": "围绕碳纤维复合材料预浸料开展攻关。", "disciplines": ["430"], "chain": "carbon_fiber",
            "applicant": world.orgs[applicant], **kw}


def bio_item(world: World, applicant: str = "e2") -> dict:
    return {"title": "海洋多糖药物研发", "keywords": "海洋药物、海洋多糖", "abstract": "海洋生物活性物质提取与海洋药物研发。",
            "disciplines": ["350"], "chain": "marine_biomedicine", "applicant": world.orgs[applicant]}


def motor_item(world: World, applicant: str = "e3") -> dict:
    return {"title": "高效永磁电机控制系统", "keywords": "永磁电机、电机控制", "abstract": "永磁电机及伺服驱动。",
            "disciplines": ["470"], "chain": "electric_motors", "applicant": world.orgs[applicant]}


def deadline(days: int = 10) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def make_round(world):
    from experts import services

    def make(items=None, **settings):
        settings.setdefault("reviewers_per_item", 2)
        settings.setdefault("max_load", 3)
        settings.setdefault("criteria", [{"name": "创新性", "max": 40}, {"name": "可行性", "max": 60}])
        return services.create_round(world.users["bureau"], name="测试批次", deadline=settings.pop("deadline", deadline()),
                                     items=items if items is not None else [carbon_item(world), bio_item(world), motor_item(world)],
                                     **settings)

    return make

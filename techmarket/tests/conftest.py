"""A small known world for the technology market tests: alice (a 科技型中小企业 buyer), bob (another enterprise,
not a 科技型企业), uni (a university in Weihai) and far (an institute outside Weihai), with one account each, plus
bureau and district staff. Who may see what of whom is known."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import Role, User
from registry.models import IndustryChain, Organization, Person, Qualification, Region
from registry.reference import load_reference
from registry.uscc import make_uscc
from techmarket import matchers, services

TODAY = dt.date.today()


@dataclass
class World:
    alice: Organization
    bob: Organization
    uni: Organization
    far: Organization
    chain: IndustryChain
    other_chain: IndustryChain
    users: dict[str, User]

    def client(self, name: str) -> Client:
        c = Client()
        c.force_login(self.users[name])
        return c


def _org(name: str, kind: str, n: int, region: Region, chain: IndustryChain, **kw) -> Organization:
    return Organization.objects.create(name=name, kind=kind, uscc=make_uscc(f"91371000MA3C{n:05d}"), region=region,
                                       industry_chain=chain, **kw)


@pytest.fixture
def world(db) -> World:
    matchers.clear()
    load_reference(Region, IndustryChain)  # transactional (browser) tests flush the migrations' reference data
    gaoqu = Region.objects.get(code="Z-GAOQU")
    huancui = Region.objects.exclude(pk=gaoqu.pk).filter(kind="division").first()
    chain = IndustryChain.objects.get(code="carbon_fiber")
    other = IndustryChain.objects.get(code="marine_food")
    alice = _org("威海碳谷复合材料有限公司", "enterprise", 1, gaoqu, chain)
    bob = _org("威海海味食品有限公司", "enterprise", 2, huancui, other)
    uni = _org("威海理工大学", "research_institution", 3, gaoqu, chain, institution_type="university")
    far = _org("外地材料研究院", "research_institution", 4, huancui, chain, institution_type="institute",
               located_locally=False)
    Qualification.objects.create(organization=alice, kind="tech_sme", year=TODAY.year,
                                 valid_from=dt.date(TODAY.year, 1, 1), valid_to=dt.date(TODAY.year, 12, 31))
    users = {}
    for name, role, org, region in (("alice", Role.ENTERPRISE, alice, None), ("bob", Role.ENTERPRISE, bob, None),
                                    ("uni", Role.ENTERPRISE, uni, None), ("bureau", Role.BUREAU, None, None),
                                    ("district", Role.DISTRICT, None, huancui)):
        users[name] = User.objects.create_user(name, password="demo12345", role=role, organization=org, region=region,
                                               first_name=name)
    from experts.models import Expert

    for name, title, field, kws, ch in (("张研究员", "研究员", "碳纤维复合材料成型", "碳纤维、复合材料成型", chain),
                                        ("李教授", "教授", "海洋食品加工", "海洋食品、水产品加工", other)):
        p = Person.objects.create(kind="expert", name=name, organization=uni, title=title, field=field, industry_chain=ch)
        Expert.objects.create(person=p, organization=uni, title=title, keywords=kws).chains.set([ch])
    return World(alice, bob, uni, far, chain, other, users)


ACHIEVEMENT = {"title": "碳纤维复合材料热压罐成型关键技术", "abstract":
               "本成果突破了碳纤维预浸料热压罐成型和孔隙率控制技术，层间剪切强度提高20%以上，适用于风电叶片大梁和航空构件。",
               "maturity": "pilot", "trl": 6, "transfer_mode": "licence", "price_min": "500000", "price_max": "2000000"}
NEED = {"title": "风电叶片碳纤维大梁成型孔隙率控制", "kind": "chokepoint",
        "description": "我公司生产风电叶片碳纤维大梁，热压成型后孔隙率偏高，层间剪切强度不足，寻求成型工艺改进技术。",
        "budget_min": "300000", "budget_max": "1000000"}


def publish(user: User, obj):
    return services.listing_transition(user, obj, "approve")


@pytest.fixture
def listed(world: World):
    """A published achievement of the university and a published need of alice, on the same chain."""
    staff = world.users["bureau"]
    ach = publish(staff, services.post_achievement(world.users["uni"], {**ACHIEVEMENT, "industry_chain": world.chain}))
    food = publish(staff, services.post_achievement(world.users["bob"], {
        "title": "海参低温加工保鲜技术", "abstract": "海参低温加工与冷链保鲜，货架期延长一倍。", "maturity": "industrial",
        "transfer_mode": "assignment", "industry_chain": world.other_chain}))
    need = publish(staff, services.post_need(world.users["alice"], {**NEED, "industry_chain": world.chain}))
    return need, ach, food


def contract(world: World, *, kind: str = "tech_development", seller: Organization | None = None,
             buyer: Organization | None = None, amount: str = "2000000", paid: str = "2000000",
             register: bool = True, number: str = "371000TC0001", user: str = "bureau"):
    seller = seller or world.uni
    buyer = buyer or world.alice
    c = services.submit_contract(world.users[user], {"title": "碳纤维成型技术开发合同", "contract_type": kind,
                                                     "signed_on": TODAY, "amount": amount},
                                 {"organization": buyer}, {"organization": seller},
                                 [(TODAY, paid)] if paid else [])
    if register:
        c = services.contract_transition(world.users["bureau"], c, "register", number=number, on=TODAY)
    return c

"""Issue 25 item 2: a confidential need's text, budget and owner are seen by its owner, staff and the organisations
the owner shared it with — nowhere else (match creation, search, lists, likely buyers, exports, API). Only
technology-transfer agencies broker; pending achievements cannot be matched. The attacks are replayed."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role, User
from accounts.tests.test_url_matrix import walk
from techmarket import services
from techmarket.models import Match, TechNeed
from techmarket.tests.conftest import ACHIEVEMENT, _org, publish

TITLE = "绝密碳纤维大梁热压罐孔隙率攻关"
DESCRIPTION = "绝密描述：碳纤维预浸料热压罐成型孔隙率控制，层间剪切强度提高，用于风电叶片大梁。"
OWNER = "保密需求方集团有限公司"
SECRETS = (TITLE, "绝密描述", "765.43", "987.65", "7654321", OWNER)


@pytest.fixture
def secret(world, listed):
    """A published confidential need of OWNER, and the accounts that must not read it: a bank, a
    technology-transfer agency not invited, an expert, finance staff, bob and uni (the best achievement's owner)."""
    need, ach, _ = listed
    region = world.alice.region
    owner = _org(OWNER, "enterprise", 20, region, world.other_chain)  # its registry chain does not name the need's
    bank = _org("威海某商业银行", "service_provider", 21, region, world.chain, provider_type="finance")
    agency = _org("威海技术转移中心", "service_provider", 22, region, world.chain, provider_type="tech_transfer")
    other_agency = _org("另一技术转移中心", "service_provider", 23, region, world.chain, provider_type="tech_transfer")
    for name, role, org in (("owner", Role.ENTERPRISE, owner), ("bank", Role.PROVIDER, bank),
                            ("agency", Role.PROVIDER, agency), ("other_agency", Role.PROVIDER, other_agency),
                            ("expert", Role.EXPERT, None), ("finance", Role.FINANCE, None)):
        world.users[name] = User.objects.create_user(name, role=role, organization=org)
    s = publish(world.users["bureau"], services.post_need(world.users["owner"], {
        "title": TITLE, "kind": "chokepoint", "description": DESCRIPTION, "budget_min": "7654321",
        "budget_max": "9876543", "confidential": True, "industry_chain": world.chain}))
    services.request_analysis(world.users["owner"], s)
    return {"need": s, "ach": ach, "owner": owner, "bank": bank, "agency": agency}


def _clean(text: str, who: str, url: str) -> None:
    for word in SECRETS:
        assert word not in text, f"{who} read “{word}” at {url}"


def test_attack_a_pending_achievement_cannot_match_and_the_need_stays_hidden(world, secret):
    """An enterprise posts a pending achievement and matches it to the confidential need (page and API)."""
    bob = world.client("bob")
    r = bob.post("/api/techmarket/achievements/", {**ACHIEVEMENT, "title": "待审核的攻击成果"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    pending = r.json()["id"]
    r = bob.post("/api/techmarket/matches/", {"need": secret["need"].pk, "achievement": pending},
                 content_type="application/json")
    assert r.status_code == 400 and "尚未审核通过" in r.json()["achievement"][0]
    r = bob.post("/techmarket/matches/start/", {"need": secret["need"].pk, "achievement": pending}, follow=True)
    assert "尚未审核通过" in r.content.decode()
    # The owner of a published achievement cannot match itself to the confidential need either.
    r = world.client("uni").post("/api/techmarket/matches/", {"need": secret["need"].pk,
                                                             "achievement": secret["ach"].pk},
                                 content_type="application/json")
    assert r.status_code == 400 and "保密需求" in r.json()["need"][0]
    assert not Match.objects.filter(need=secret["need"]).exists()
    for name in ("bob", "uni"):
        data = world.client(name).get(f"/api/techmarket/needs/{secret['need'].pk}/").json()
        assert (data["title"], data["description"], data["budget_min"], data["organization_name"]) == (
            "保密需求", "", None, "")
        _clean(world.client(name).get(f"/techmarket/needs/{secret['need'].pk}/").content.decode(), name, "page")


def test_attack_b_banks_and_insurers_cannot_broker(world, secret, listed):
    """A bank account starts a match as a “broker” (page and API), for the confidential need and a public one."""
    public_need = listed[0]
    bank = world.client("bank")
    for need in (secret["need"], public_need):
        r = bank.post("/techmarket/matches/start/", {"need": need.pk, "achievement": secret["ach"].pk}, follow=True)
        assert "只有工作人员、需求方、成果方或技术转移机构可以发起对接" in r.content.decode()
        r = bank.post("/api/techmarket/matches/", {"need": need.pk, "achievement": secret["ach"].pk},
                      content_type="application/json")
        assert r.status_code == 400 and "技术转移机构" in r.json()["non_field_errors"][0]
    assert Match.objects.count() == 0
    # Nor can the owner invite a bank to see it.
    r = world.client("owner").post(f"/techmarket/needs/{secret['need'].pk}/action/",
                                   {"action": "share", "agency": secret["bank"].pk}, follow=True)
    assert "银行、保险等机构不能代理对接" in r.content.decode()
    assert not secret["need"].shared_with.exists()
    # An uninvited technology-transfer agency may broker public needs, not the confidential one.
    r = world.client("other_agency").post("/techmarket/matches/start/",
                                          {"need": secret["need"].pk, "achievement": secret["ach"].pk}, follow=True)
    assert "需求方邀请的技术转移机构" in r.content.decode() and Match.objects.count() == 0
    world.client("other_agency").post("/techmarket/matches/start/", {"need": public_need.pk,
                                                                     "achievement": secret["ach"].pk})
    assert Match.objects.get().broker.name == "另一技术转移中心"


def test_attack_c_search_and_lists_show_no_confidential_title_or_budget(world, secret):
    for name in ("bob", "uni", "bank", "expert"):
        c = world.client(name)
        for q in ("绝密", "孔隙率", "保密"):
            page = c.get("/techmarket/needs/", {"q": q}).content.decode()
            _clean(page, name, f"search {q}")
        page = c.get("/techmarket/needs/").content.decode()
        _clean(page, name, "list")
        assert "保密需求" in page  # listed by kind and chain only, budget 保密
        _clean(c.get("/techmarket/").content.decode(), name, "home")
        _clean(c.get("/api/techmarket/needs/").content.decode(), name, "api list")
    owner_page = world.client("owner").get("/techmarket/needs/", {"q": "孔隙率"}).content.decode()
    assert TITLE in owner_page and "765.43 万元 – 987.65 万元" in owner_page


def test_attack_d_likely_buyers_come_only_from_open_published_needs(world, secret):
    """The achievement's “likely buyers” once listed OWNER through its confidential need (and pending needs)."""
    pending_owner = _org("待审核需求企业有限公司", "enterprise", 24, world.alice.region, world.other_chain)
    pending_user = User.objects.create_user("pending_owner", role=Role.ENTERPRISE, organization=pending_owner)
    services.post_need(pending_user, {"title": "碳纤维热压罐成型孔隙率", "kind": "chain", "description": DESCRIPTION})
    for name in ("uni", "bureau"):
        page = world.client(name).get(f"/techmarket/achievements/{secret['ach'].pk}/").content.decode()
        assert "可能需要该成果的企业" in page
        assert OWNER not in page and "待审核需求企业有限公司" not in page and "绝密" not in page


def test_owner_staff_and_invited_agency_see_it_and_the_agency_brokers(world, secret):
    need = secret["need"]
    for name in ("owner", "bureau"):
        page = world.client(name).get(f"/techmarket/needs/{need.pk}/").content.decode()
        assert TITLE in page and DESCRIPTION in page and "765.43 万元 – 987.65 万元" in page
    assert TITLE in world.client("bureau").get("/techmarket/").content.decode()
    owner = world.client("owner")
    page = owner.get(f"/techmarket/needs/{need.pk}/").content.decode()
    assert "邀请技术转移机构" in page and "威海技术转移中心" in page and "威海某商业银行" not in page
    owner.post(f"/techmarket/needs/{need.pk}/action/", {"action": "share", "agency": secret["agency"].pk})
    agency = world.client("agency")
    assert world.client("agency").get(f"/api/techmarket/needs/{need.pk}/").json()["title"] == TITLE
    r = agency.post("/techmarket/matches/start/", {"need": need.pk, "achievement": secret["ach"].pk})
    match = Match.objects.get(need=need)
    assert r.status_code == 302 and match.broker == secret["agency"]
    # The owner's broker chose the seller: the seller now reads the need (and only this one seller).
    page = world.client("uni").get(f"/techmarket/matches/{match.pk}/").content.decode()
    assert TITLE in page and OWNER in page
    assert DESCRIPTION in world.client("uni").get(f"/techmarket/needs/{need.pk}/").content.decode()
    _clean(world.client("bob").get(f"/techmarket/needs/{need.pk}/").content.decode(), "bob", "after match")


def test_every_market_route_for_every_outsider_hides_the_confidential_need(world, secret):
    """Generated: every page and API route of the market × every account that may not read the need, with the
    need, a match on it that its achievement's owner started before this fix (old data), that achievement and the
    search, export and contract-prefill parameters. None shows the title, text, budget or owner."""
    need, ach = secret["need"], secret["ach"]
    legacy = Match.objects.create(need=need, achievement=ach, reasons={"terms": ["绝密描述"]},
                                  started_by=world.users["uni"])
    ids = {"needs": need.pk, "matches": legacy.pk, "achievements": ach.pk}
    routes = [r for r in walk() if r.route.startswith(("techmarket/", "api/techmarket/")) and "<format>" not in r.route]
    assert len(routes) >= 25
    outsiders = {name: world.client(name) for name in ("bob", "uni", "bank", "other_agency", "expert", "finance")}
    outsiders["anonymous"] = Client()
    query = f"?q=绝密&match={legacy.pk}&format=xlsx"
    seen = 0
    for r in routes:
        unknown = [k for k in r.kwargs if k != "pk"]
        assert not unknown, f"{r.route}: add a value for {unknown}"
        values = [ids.get(part, need.pk) for part in r.route.split("/") if part in ids][:1] or [need.pk]
        url = "/" + r.route.replace("<pk>", str(values[0]))
        for name, client in outsiders.items():
            for u in (url, url + query):
                resp = client.get(u)
                assert resp.status_code < 500, (name, u)
                body = resp.content.decode(errors="ignore") if not resp.streaming else ""
                _clean(body, name, u)
                seen += 1
    assert seen >= 25 * 7 * 2
    # The achievement's owner is a party of the old match: it sees the match, but not what the need hides.
    page = outsiders["uni"].get(f"/techmarket/matches/{legacy.pk}/").content.decode()
    assert "保密需求" in page and "（保密）" in page
    assert outsiders["uni"].get(f"/api/techmarket/matches/{legacy.pk}/").json()["reasons"] == {}
    assert TechNeed.objects.get(pk=need.pk).shared_with.count() == 0

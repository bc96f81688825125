"""Every page and API view of the market with another party's ids: others get 404; confidential needs hide details."""

from __future__ import annotations

import pytest

from techmarket import services
from techmarket.tests.conftest import NEED, TODAY, contract


@pytest.fixture
def objects(world, listed):
    need, ach, food = listed
    match = services.start_match(world.users["alice"], need, ach)
    c = contract(world)
    pending = services.post_need(world.users["alice"], {**NEED, "title": "未审核需求"})
    return {"need": need, "ach": ach, "match": match, "contract": c, "pending": pending}


def test_bob_gets_404_for_others_private_objects(world, objects):
    bob = world.client("bob")
    for url in (f"/techmarket/needs/{objects['pending'].pk}/", f"/techmarket/matches/{objects['match'].pk}/",
                f"/techmarket/contracts/{objects['contract'].pk}/", f"/api/techmarket/matches/{objects['match'].pk}/",
                f"/api/techmarket/contracts/{objects['contract'].pk}/",
                f"/api/techmarket/needs/{objects['pending'].pk}/"):
        assert bob.get(url).status_code == 404, url
    assert bob.get("/api/techmarket/contracts/").json()["count"] == 0
    assert bob.get("/api/techmarket/matches/").json()["count"] == 0
    assert bob.post(f"/techmarket/needs/{objects['need'].pk}/action/", {"action": "close"}).status_code == 302
    objects["need"].refresh_from_db()
    assert objects["need"].status == "published"  # refused: not bob's need


def test_parties_see_their_match_and_contract(world, objects):
    for name in ("alice", "uni"):
        c = world.client(name)
        assert c.get(f"/techmarket/matches/{objects['match'].pk}/").status_code == 200
        assert c.get(f"/techmarket/contracts/{objects['contract'].pk}/").status_code == 200


def test_bob_sees_public_listings_but_not_suggestions(world, objects):
    bob = world.client("bob")
    page = bob.get(f"/techmarket/needs/{objects['need'].pk}/").content.decode()
    assert NEED["description"] in page and "匹配的科技成果" not in page
    assert bob.get(f"/api/techmarket/needs/{objects['need'].pk}/suggestions/").status_code == 403


def test_confidential_need_details_only_for_staff_owner_and_matched(world, listed):
    need, ach, _ = listed
    secret = services.listing_transition(world.users["bureau"], services.post_need(
        world.users["alice"], {**NEED, "title": "保密的成型工艺需求", "confidential": True}), "approve")
    bob, uni = world.client("bob"), world.client("uni")
    page = bob.get(f"/techmarket/needs/{secret.pk}/").content.decode()
    assert "保密的成型工艺需求" not in page and NEED["description"] not in page and "保密需求" in page
    assert bob.get(f"/api/techmarket/needs/{secret.pk}/").json()["description"] == ""
    assert "保密的成型工艺需求" not in bob.get("/techmarket/needs/").content.decode()
    services.start_match(world.users["alice"], secret, ach)
    assert NEED["description"] in uni.get(f"/techmarket/needs/{secret.pk}/").content.decode()
    assert NEED["description"] in world.client("bureau").get(f"/techmarket/needs/{secret.pk}/").content.decode()


def test_district_sees_only_its_region(world, objects):
    """District staff of bob's district: alice's need (高区) is not theirs."""
    d = world.client("district")
    assert d.get(f"/techmarket/needs/{objects['need'].pk}/").status_code == 404
    assert d.get(f"/techmarket/contracts/{objects['contract'].pk}/").status_code == 404


def test_reports_for_staff_only(world, objects):
    assert world.client("alice").get("/techmarket/reports/").status_code == 403
    assert world.client("bureau").get("/techmarket/reports/").status_code == 200


def test_anonymous_goes_to_login(client):
    r = client.get("/techmarket/needs/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert client.get("/api/techmarket/needs/").status_code in (401, 403)


def test_entity_cannot_register_contract(world):
    c = contract(world, register=False)
    with pytest.raises(services.MarketInputError, match="没有权限"):
        services.contract_transition(world.users["alice"], c, "register", number="Z", on=TODAY)

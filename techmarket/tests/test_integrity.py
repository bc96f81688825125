"""Issue 26 items 4 and 26, issue 25 item 10 for the market: responses follow their match, signing needs both
sides, and dates, lengths and amounts out of range are refused with the field named (pages, API, services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from registry.models import Recognition
from techmarket import demo, reports, services, workflow
from techmarket.models import Match, TechContract
from techmarket.tests.conftest import NEED, TODAY, contract


@pytest.fixture
def negotiating(world, listed):
    need, ach, _ = listed
    m = services.start_match(world.users["alice"], need, ach)
    return services.match_transition(world.users["uni"], m, "negotiate")


# ---------------------------------------------------------------- issue 26 item 26: signing needs both sides


def test_signing_is_declared_as_needing_both_sides():
    sign = workflow.find(workflow.MATCH, "sign")
    assert sign.consent == ("need", "achievement") and "staff" not in sign.who and "broker" not in sign.who


def test_one_party_alone_cannot_sign_on_the_page(world, negotiating):
    m = negotiating
    alice, uni = world.client("alice"), world.client("uni")
    page = alice.post(f"/techmarket/matches/{m.pk}/", {"action": "sign"}, follow=True).content.decode()
    assert '<strong id="match-status">洽谈</strong>' in page
    assert "签约须双方确认：需求方已确认，等待另一方确认。" in page
    assert 'value="sign"' not in page  # nothing left for alice to press
    page = world.client("bureau").get(f"/techmarket/matches/{m.pk}/").content.decode()
    assert 'value="sign"' not in page  # staff do not sign for the parties
    with pytest.raises(services.MarketInputError, match="没有权限"):
        services.match_transition(world.users["bureau"], m, "sign")
    assert 'value="sign"' in uni.get(f"/techmarket/matches/{m.pk}/").content.decode()
    page = uni.post(f"/techmarket/matches/{m.pk}/", {"action": "sign", "outcome": "签订技术开发合同"},
                    follow=True).content.decode()
    assert '<strong id="match-status">签约</strong>' in page and "结果说明：签订技术开发合同" in page


def test_one_party_alone_cannot_sign_through_the_api(world, negotiating):
    m = negotiating
    url = f"/api/techmarket/matches/{m.pk}/transition/"
    r = world.client("alice").post(url, {"action": "sign"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "negotiating" and list(r.json()["consents"]["sign"]) == ["need"]
    r = world.client("alice").post(url, {"action": "sign"}, content_type="application/json")  # again: still one side
    assert r.json()["status"] == "negotiating"
    r = world.client("uni").post(url, {"action": "sign"}, content_type="application/json")
    assert r.json()["status"] == "signed" and r.json()["closed_at"]


# ---------------------------------------------------------------- issue 26 item 4: responses after the match


def test_a_contact_dated_before_the_match_is_refused(world, negotiating):
    m = negotiating
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    page = world.client("uni").post(f"/techmarket/matches/{m.pk}/", {"action": "contact", "kind": "meeting",
                                                                    "on": yesterday, "note": "提前的会谈"}).content.decode()
    assert f"日期：{yesterday} 早于对接发起日期" in page and "提前的会谈" not in page.split("联系与会谈记录")[1].split("<form")[0]
    assert m.contacts.count() == 0
    with pytest.raises(services.MarketInputError, match="早于对接发起日期"):
        services.add_contact(world.users["alice"], m, "note", TODAY - dt.timedelta(days=400), "x")


def test_the_database_refuses_a_response_before_the_match(world, negotiating):
    m = negotiating
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.filter(pk=m.pk).update(first_response_at=m.created_at - dt.timedelta(hours=1))


def test_demo_responses_follow_their_matches_and_the_report_median_is_positive(world):
    from registry.models import Organization
    from registry.uscc import make_uscc

    Organization.objects.bulk_create([Organization(name=f"演示企业{k}", kind="enterprise", region=world.alice.region,
                                                   industry_chain=world.chain, uscc=make_uscc(f"91371000MA3D{k:05d}"))
                                      for k in range(25)])
    summary = demo.generate(needs=120, achievements=120, seed=3)
    assert summary["matches"] > 5
    rows = list(Match.objects.values_list("created_at", "first_response_at", "accepted_at", "closed_at"))
    assert all(first is None or first >= created for created, first, _, _ in rows)
    assert all(acc is None or acc >= created for created, _, acc, _ in rows)
    assert any(first is not None for _, first, _, _ in rows)
    hours = reports.build(world.users["bureau"])["median_response_hours"]
    assert 2 <= hours <= 240
    page = world.client("bureau").get("/techmarket/reports/").content.decode()
    cell = page.split('id="median-response">')[1].split("<")[0]
    assert cell == f"{hours:.1f} 小时" and "-" not in cell


# ---------------------------------------------------------------- issue 25 item 10: dates, lengths, amounts


def _contract_body(world, **over) -> dict:
    body = {"title": "碳纤维成型技术开发合同", "contract_type": "tech_development", "signed_on": TODAY.isoformat(),
            "amount": "1000000", "buyer": {"organization": world.alice.pk}, "seller": {"organization": world.uni.pk}}
    return {**body, **over}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_contract_dates_outside_the_window_are_refused(world, day):
    api = world.client("bureau")
    r = api.post("/api/techmarket/contracts/", _contract_body(world, signed_on=day), content_type="application/json")
    assert r.status_code == 400 and r.json()["signed_on"][0].startswith(f"签订日期：{day}")
    r = api.post("/api/techmarket/contracts/", _contract_body(world, payments=[{"paid_on": day, "amount": "10"}]),
                 content_type="application/json")
    assert r.status_code == 400 and f"支付日期：{day}" in str(r.json())
    page = world.client("alice").post("/techmarket/contracts/new/", {
        "title": "合同", "contract_type": "tech_development", "signed_on": day, "amount": "1000",
        "buyer_name": world.alice.name, "buyer_uscc": world.alice.uscc, "seller_name": world.uni.name,
        "seller_uscc": world.uni.uscc}).content.decode()
    assert f"签订日期：{day}" in page
    c = contract(world, register=False)
    r = api.post(f"/api/techmarket/contracts/{c.pk}/register/", {"registration_number": "R1", "registered_on": day},
                 content_type="application/json")
    assert r.status_code == 400 and "登记日期" in r.json()["registered_on"][0]
    assert TechContract.objects.count() == 1
    assert not Recognition.objects.filter(occurred_on__year__in=[1, 9999]).exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_need_deadline_outside_the_window_is_refused(world, day):
    r = world.client("alice").post("/api/techmarket/needs/", {**NEED, "deadline": day}, content_type="application/json")
    assert r.status_code == 400 and r.json()["deadline"][0].startswith(f"期望解决期限：{day}")
    page = world.client("alice").post("/techmarket/needs/new/", {**NEED, "deadline": day}).content.decode()
    assert f"期望解决期限：{day}" in page


def test_text_lengths_are_enforced_on_every_path(world, negotiating):
    long = "长" * 5001
    r = world.client("alice").post("/api/techmarket/needs/", {**NEED, "description": long},
                                   content_type="application/json")
    assert r.status_code == 400 and "5000" in r.json()["description"][0]
    with pytest.raises(services.MarketInputError, match="^需求描述：.*5000"):
        services.post_need(world.users["alice"], {**NEED, "description": long})
    c = contract(world, register=False)
    with pytest.raises(services.MarketInputError, match="^登记编号：.*40"):
        services.contract_transition(world.users["bureau"], c, "register", number="3" * 5000, on=TODAY)
    page = world.client("bureau").post(f"/techmarket/contracts/{c.pk}/", {
        "action": "register", "registration_number": "3" * 5000, "registered_on": TODAY.isoformat()}).content.decode()
    assert "40" in page and TechContract.objects.get(pk=c.pk).registration_number is None
    r = world.client("bureau").post("/api/techmarket/contracts/", _contract_body(world, title="合" * 5000),
                                    content_type="application/json")
    assert r.status_code == 400 and "title" in r.json()
    with pytest.raises(services.MarketInputError, match="单位名称最多 120 个字"):
        services.submit_contract(world.users["bureau"], {"title": "合同", "contract_type": "tech_development",
                                                         "signed_on": TODAY, "amount": "10"},
                                 {"name": "买" * 5000, "uscc": world.bob.uscc}, {"organization": world.uni})
    r = world.client("alice").post(f"/api/techmarket/matches/{negotiating.pk}/transition/",
                                   {"action": "abandon", "outcome": "x" * 5000}, content_type="application/json")
    assert r.status_code == 400 and "outcome" in r.json()
    with pytest.raises(services.MarketInputError, match="内容：最多 300 个字"):
        services.add_contact(world.users["alice"], negotiating, "note", TODAY, "x" * 5000)
    assert TechContract.objects.count() == 1


def test_huge_amounts_answer_400_naming_the_field(world):
    r = world.client("bureau").post("/api/techmarket/contracts/", _contract_body(world, amount="1e30"),
                                    content_type="application/json")
    assert r.status_code == 400 and "amount" in r.json()
    r = world.client("alice").post("/api/techmarket/needs/", {**NEED, "budget_min": "1e30"},
                                   content_type="application/json")
    assert r.status_code == 400 and "budget_min" in r.json()
    page = world.client("alice").post("/techmarket/contracts/new/", {
        "title": "合同", "contract_type": "tech_development", "signed_on": TODAY.isoformat(), "amount": "1e30",
        "buyer_name": world.alice.name, "buyer_uscc": world.alice.uscc, "seller_name": world.uni.name,
        "seller_uscc": world.uni.uscc})
    assert page.status_code == 200 and "合同金额：不能超过 999,999,999,999.99 元" in page.content.decode()
    c = contract(world, register=False, paid="")
    page = world.client("alice").post(f"/techmarket/contracts/{c.pk}/", {"action": "pay", "paid_on": TODAY.isoformat(),
                                                                       "amount": "1e30"})
    assert page.status_code == 200 and "支付金额：不能超过" in page.content.decode()
    assert c.payments.count() == 0 and TechContract.objects.count() == 1


def test_malformed_ids_answer_404_not_500(world, listed):
    need, ach, _ = listed
    alice = world.client("alice")
    for bad in ("abc", str(2**63), "-1", "１２"):
        assert alice.post("/techmarket/matches/start/", {"need": bad, "achievement": ach.pk}).status_code == 404
        assert alice.post("/techmarket/matches/start/", {"need": need.pk, "achievement": ach.pk,
                                                         "event": bad}).status_code == 404
        assert alice.get("/techmarket/contracts/new/", {"match": bad}).status_code == 404
        assert alice.post(f"/techmarket/needs/{need.pk}/action/", {"action": "share", "agency": bad}).status_code == 404
    assert not Match.objects.exists()

"""Issue 24 item 5: each role starts from its work — 我的待办 lists what waits for this account, oldest first, with
the count in the navigation, and every login lands on it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from funding import services
from funding.tests.conftest import submitted_claim, world  # noqa: F401  (the funding tests' actors and budget)
from reference.tests.helpers import fill_missing_reference

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _groups(client: Client) -> dict[str, str]:
    html = client.get("/todo/").content.decode()
    return {m.group(1).strip(): m.group(0) for m in re.finditer(r"<h2>([^<]+)<span.*?</section>", html, re.S)}


def test_a_claim_waits_on_the_list_of_whoever_holds_its_step(world):  # noqa: F811
    w = world
    fill_missing_reference(w.bea)  # the reference months the rules need would be the bureau's work too
    claim = submitted_claim(w)
    assert claim.state == "district_check"
    district = _groups(_client(w.dora))
    assert "待区市初审的申报" in district
    assert f'href="/funding/claims/{claim.pk}/"' in district["待区市初审的申报"]
    assert "甲科技有限公司" in district["待区市初审的申报"] and "1 项" in district["待区市初审的申报"]
    assert "待区市初审的申报" not in _groups(_client(w.ed)), "another district's claims are not its work"
    assert "待区市初审的申报" not in _groups(_client(w.bea)), "the district's step is not on the bureau's list"
    services.perform(w.dora, claim.pk, "district_pass")
    assert "待区市初审的申报" not in _groups(_client(w.dora))
    assert f"/funding/claims/{claim.pk}/" in _groups(_client(w.bea))["待形式审查的申报"]
    # the navigation carries the count; an account with nothing waiting reads so
    nav = _client(w.bea).get("/registry/").content.decode()
    assert re.search(r'我的待办<span class="badge" aria-label="1 项待办">1</span>', nav)
    assert "目前没有等待您处理的事项" in _client(w.ed).get("/todo/").content.decode()


def test_finance_confirms_budget_lines_and_the_applicant_fixes_returned_claims(world):  # noqa: F811
    w = world
    services.add_budget_line(w.bea, w.programme, "省级配套", "province", "500000")
    finance = _groups(_client(w.fin))
    assert "省级配套" in finance["待确认的预算科目"] and "500,000.00 元" in finance["待确认的预算科目"]
    claim = submitted_claim(w)
    services.perform(w.dora, claim.pk, "return_to_applicant", "请补充证明材料")
    applicant = _groups(_client(w.alice))
    assert f"/funding/claims/{claim.pk}/" in applicant["被退回、待修改后重新提交的申报"]
    assert not _groups(_client(w.bob)), "another enterprise has nothing waiting"


def test_every_login_lands_on_the_work_list(world):  # noqa: F811
    c = Client()
    response = c.post("/login/", {"username": "dora", "password": "pw-12345"})
    assert response.status_code == 302 and response["Location"] == "/todo/"

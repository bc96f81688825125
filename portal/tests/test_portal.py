"""Issue 13: the public front door for anonymous visitors."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from portal import documents

pytestmark = pytest.mark.django_db


def text_of(resp) -> str:
    body = resp.content.decode()
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_anonymous_home_is_the_front_door():
    resp = Client().get("/")
    assert resp.status_code == 200
    text = text_of(resp)
    for words in ("政策目录", "政策计算器", "政策原文", "如何注册", "威政发〔2023〕5号"):
        assert words in text
    assert Client().get("/portal/register/").status_code == 200


def test_catalogue_is_public_with_toc_search_and_filters():
    c = Client()
    resp = c.get("/portal/catalogue/")
    assert resp.status_code == 200
    text = text_of(resp)
    total = int(re.search(r"共 (\d+) 项", text).group(1))
    assert total >= 50 and "目录" in text
    # B 第9条: 研发投入递增补助, 5%, 每家每年不超过 100 万元 — amounts with units and the one money rule
    b09 = text_of(c.get("/portal/catalogue/?q=研发投入递增"))
    assert "研发投入递增补助" in b09 and "5%" in b09 and "100 万元" in b09 and "当前显示 1 项" in b09
    only_b = text_of(c.get("/portal/catalogue/?document=B"))
    assert "威政发〔2018〕20号 第" not in only_b and "威政发〔2023〕5号 第1条" in only_b
    # D is cited only as 同一规定 of A's provisions: its filter lists them
    only_d = text_of(c.get("/portal/catalogue/?document=D"))
    assert "当前显示 0 项" not in only_d and "同一规定：威政办字〔2018〕107号" in only_d
    ceilings = text_of(c.get("/portal/catalogue/?form=ceiling"))
    assert "一次性奖励" not in ceilings.split("当前显示")[1].split("目录")[0]
    providers = c.get("/portal/catalogue/?beneficiary=service_provider").content.decode()
    assert "年度代理市内发明专利授权超过100件的服务机构奖励" in providers
    # A 第14条: a patent-count threshold is 20 件, not 20 元
    assert "20 件" in text_of(c.get("/portal/catalogue/?q=发明专利授权20件"))
    assert not re.search(r"[a-z]+_[a-z]+|subject=", text), "developer codes on a public page"


def test_document_text_has_article_anchors_linking_to_rules():
    c = Client()
    resp = c.get("/portal/documents/B/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'id="art-第9条"' in body and "研发投入较上年度增长 10%" in body.replace("\n", "")
    rules = body.split('id="art-第9条"')[1].split('id="art-第10条"')[0]
    assert "研发投入递增补助" in rules and "/portal/catalogue/#B.09.rd_growth_subsidy" in rules
    d = c.get("/portal/documents/D/").content.decode()
    assert 'id="art-二（四）1"' in d
    assert c.get("/portal/documents/Z/").status_code == 404


def test_documents_parse_every_numbered_article_of_a_and_b():
    a = documents.document("A")
    assert [p.label for p in a.articles if p.level == "item"] == [f"第{n}条" for n in range(1, 29)]
    b = documents.document("B")
    labels = [p.label for p in b.articles if p.level == "item"]
    assert labels == [f"第{n}条" for n in range(1, len(labels) + 1)] and len(labels) >= 30


def test_home_sends_each_role_to_its_start_page(demo_city):
    """``/`` (URL name "home", portal.views.start): the front door for visitors, each role's own page once signed in."""
    from django.urls import resolve, reverse

    from accounts.models import User
    from portal.views import start

    assert reverse("home") == "/" and resolve("/").func is start
    assert "政策目录" in text_of(Client().get("/"))
    c = Client()
    enterprise = User.objects.get(username="enterprise")
    c.force_login(enterprise)
    assert c.get("/").url == reverse("registry:organization_detail", args=[enterprise.organization_id])
    c.force_login(User.objects.get(username="expert"))
    assert c.get("/").url == reverse("policy:catalogue")
    for username in ("bureau", "district"):
        user = User.objects.get(username=username)
        c.force_login(user)
        resp = c.get("/")
        assert resp.status_code == 200
        region = user.region.name if user.region else "威海市"
        assert f"{region}科技创新主体概况" in text_of(resp)

"""Expert matching quality (issue 26 item 12): one matcher for the match page, the need page and the rounds; the
experts' own fields, not their employers' names; long compounds; whole-word reasons; a chain bonus that never
outweighs text; and the labelled set against a character-bigram TF-IDF baseline."""

from __future__ import annotations

import html

from django.test import Client

from experts import services
from experts.models import Expert
from experts.tests.conftest import PASSWORD
from registry.models import Person


def _expert(world, name: str, org: str, keywords: str, field: str = "", chain: str | None = None,
            achievements: str = "") -> Expert:
    p = Person.objects.create(kind="expert", name=name, organization=world.orgs[org], field=field)
    e = Expert.objects.create(person=p, organization=world.orgs[org], keywords=keywords, achievements=achievements)
    if chain:
        e.chains.set([world.chains[chain]])
    return e


def _page(world, text: str) -> str:
    c = Client()
    c.login(username="t_bureau", password=PASSWORD)
    r = c.get("/experts/match/", {"text": text})
    assert r.status_code == 200
    return html.unescape(r.content.decode())


def test_match_page_finds_long_compounds_by_own_fields_with_whole_word_reasons(world):
    printer = _expert(world, "打印专家", "uni_a", "激光打印、定影技术、温度控制", "电子科学与技术",
                      achievements="激光打印机定影组件温控方法")
    world.orgs["e5"].name = "威海激光打印示范有限公司"
    world.orgs["e5"].save()
    accountant = _expert(world, "会计专家", "e5", "财务管理、成本核算", "会计学", "office_automation")
    short = _expert(world, "打印机构专家", "uni_b", "打印机机构设计、进纸机构", "机械工程")
    page = _page(world, "激光打印")
    assert "打印专家" in page and "会计专家" not in page
    page = _page(world, "激光打印机定影温度控制")
    rows = page.split('id="matches"')[1]
    assert rows.index(printer.name) < rows.index(short.name)  # both found; the closer one first
    assert "会计专家" not in rows  # the employer's name "…激光打印…" is not indexed
    assert "共同关键词：" in rows and "温度控制" in rows and "定影" in rows
    assert "印机" not in rows.replace("打印机", "")  # no fragment of 打印机 shown as a reason
    assert accountant.pk and "没有匹配的专家" not in rows


def test_compound_keyword_does_not_swallow_shared_words(world):
    _expert(world, "催化专家", "uni_a", "钒钛催化剂、SCR脱硝")
    found = services.experts_for_text("低温脱硝催化剂活性不足")
    assert found and found[0].expert.name == "催化专家"
    assert set(found[0].reasons["terms"]) & {"脱硝", "钒钛催化剂"}


def test_chain_bonus_never_outweighs_text(world):
    engineer = _expert(world, "硫化工程师", "uni_a", "硫化工艺、橡胶配方", "化学工程")
    lawyer = _expert(world, "轮胎公司法务", "e4", "合同管理、劳动法", "法学", "tyres")
    found = services.experts_for_text("子午线轮胎硫化工艺参数优化", "tyres")
    names = [m.expert.name for m in found]
    assert names[0] == engineer.name  # outside the chain, but the text is theirs
    assert lawyer.name not in names or found[names.index(lawyer.name)].score < found[0].score / 2
    # with no text at all the chain alone still finds the chain's experts
    assert lawyer.name in [m.expert.name for m in services.experts_for_text("", "tyres")]


def test_need_page_matcher_is_the_expert_database(world):
    from techmarket.experts import get_expert_matcher

    e = _expert(world, "预浸料专家", "uni_a", "碳纤维、预浸料", "材料科学", "carbon_fiber")
    _expert(world, "碳纤维公司会计", "e1", "财务管理", "会计学", "carbon_fiber")
    hits = get_expert_matcher().match("碳纤维预浸料热压成型", world.chains["carbon_fiber"].pk, 5)
    assert [h.id for h in hits][:1] == [e.person_id]
    assert "碳纤维" in hits[0].terms and any("碳纤维" in f for f in hits[0].fields)
    names = [Person.objects.get(pk=h.id).name for h in hits]
    assert "碳纤维公司会计" not in names[:4]  # the chain alone ranks below every expert whose own words match
    # the need's own enterprise's experts are left out
    assert e.person_id not in [h.id for h in get_expert_matcher().match("碳纤维预浸料", None, 5, world.orgs["uni_a"].pk)]


def test_labelled_set_beats_the_character_bigram_baseline():
    from benchmarks import experts_quality as q
    from benchmarks.expert_match_set import labelled_set

    experts, needs, relevant = labelled_set()
    assert (len(experts), len(needs), sum(len(e["achievements"]) for e in experts)) == (60, 30, 120)
    with_chain, _ = q.rank_affinity(experts, [(n["text"], n["chain"]) for n in needs])
    text_only, _ = q.rank_affinity(experts, [(n["text"], None) for n in needs])
    baseline = q.precision_at_5(q.rank_bigram_baseline(experts, [(n["text"], None) for n in needs]), relevant)
    assert q.precision_at_5(with_chain, relevant) > baseline
    assert q.precision_at_5(text_only, relevant) > baseline
    assert q.precision_at_5(q.rank_need_page_before(experts, [(n["text"], n["chain"]) for n in needs]), relevant) < baseline

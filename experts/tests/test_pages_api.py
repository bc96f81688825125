"""Pages, API, CLI, Excel import and export of the expert review, with every party's access checked."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from experts import excel, services
from experts.models import Assignment, Expert, Review, ReviewRound
from experts.tests.conftest import PASSWORD, deadline

pytestmark = pytest.mark.django_db


def _client(world, who: str) -> Client:
    c = Client()
    assert c.login(username=world.users[who].username, password=PASSWORD)
    return c


@pytest.fixture
def published(world, make_round):
    rnd = make_round()
    services.solve_round(rnd)
    return services.transition(rnd, "publish", None)


def test_bureau_pages_show_round_coverage_reasons_and_scores(world, published):
    c = _client(world, "bureau")
    a = Assignment.objects.filter(round=published, expert=world.experts["carbon1"]).first()
    services.submit_review(world.users["carbon1"], a, {"创新性": "30", "可行性": "48"}, "技术路线清晰，建议支持。")
    page = c.get(f"/experts/rounds/{published.pk}/").content.decode()
    assert "已配齐专家的项目" in page and 'id="covered">3<' in page
    assert "专家carbon1（威海示范大学" in page and "碳纤维" in page
    assert "78.00" in page  # the one submitted score is the item's mean so far
    assert 'id="submitted">1<' in page
    assert "贪心" not in page and "z 分数" not in page  # issue 26 item 17: no developer words
    item = c.get(f"/experts/rounds/{published.pk}/items/{a.item_id}/").content.decode()
    assert "同一平台/联合体成员" in item and "专家carbon3" in item  # the conflict and its reason
    assert c.get("/experts/").status_code == 200
    assert "专家carbon1" in c.get("/experts/?q=预浸料").content.decode()
    detail = c.get(f"/experts/{world.experts['carbon1'].pk}/").content.decode()
    assert "430 材料科学" in detail
    r = c.post(f"/experts/{world.experts['bio2'].pk}/", {"action": "suspend", "note": "出国一年"})
    assert r.status_code == 302
    assert Expert.objects.get(pk=world.experts["bio2"].pk).status == "suspended"
    m = c.get("/experts/match/", {"text": "碳纤维复合材料预浸料"}).content.decode()
    assert "专家carbon1" in m and "共同关键词" in m


def test_round_export_xlsx(world, published):
    c = _client(world, "bureau")
    a = Assignment.objects.filter(round=published, expert=world.experts["carbon1"]).first()
    services.submit_review(world.users["carbon1"], a, {"创新性": "30", "可行性": "48"}, "技术路线清晰，建议支持。")
    r = c.get(f"/experts/rounds/{published.pk}/?export=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["项目得分", "专家分配", "评审意见", "回避关系"]
    scores = {row[1]: row for row in wb["项目得分"].iter_rows(min_row=2, values_only=True)}
    assert scores[a.item.title][4] == 1 and scores[a.item.title][5] == 78.0
    assert wb["专家分配"].max_row == 1 + 6
    assert any(row[3] == "同一平台/联合体成员" for row in wb["回避关系"].iter_rows(min_row=2, values_only=True))


def test_round_create_add_item_solve_publish_by_pages(world):
    c = _client(world, "bureau")
    r = c.post("/experts/rounds/", {"name": "页面批次", "programme": "测试", "reviewers_per_item": 2, "min_load": 0,
                                    "max_load": 3, "conflict_years": 3, "method": "optimal", "randomness": 0, "response_days": 3,
                                    "review_start": "2026-01-01", "deadline": "2099-01-01T17:00",
                                    "criteria_text": "创新性:40、可行性:60"})
    rnd = ReviewRound.objects.get(name="页面批次")
    assert r.status_code == 302 and rnd.criteria == [{"name": "创新性", "max": 40}, {"name": "可行性", "max": 60}]
    bad = c.post("/experts/rounds/", {"name": "坏", "reviewers_per_item": 2, "min_load": 5, "max_load": 3,
                                      "conflict_years": 3, "method": "optimal", "randomness": 0,
                                      "review_start": "2026-01-01", "deadline": "2099-01-01T17:00", "criteria_text": "创新性:三十"})
    text = bad.content.decode()
    assert "最多评审项数不能小于最少评审项数" in text and "格式不对" in text
    r = c.post(f"/experts/rounds/{rnd.pk}/", {"title": "碳纤维预浸料", "keywords": "碳纤维、预浸料", "disciplines": "430",
                                              "applicant": world.orgs["e1"].name})
    assert r.status_code == 302 and rnd.items.count() == 1
    r = c.post(f"/experts/rounds/{rnd.pk}/", {"title": "x", "applicant": "不存在的公司", "disciplines": "99"})
    assert "主体库中没有这个申报单位" in r.content.decode() and rnd.items.count() == 1
    c.post(f"/experts/rounds/{rnd.pk}/solve/")
    rnd.refresh_from_db()
    assert rnd.status == "solved" and rnd.assignments.count() == 2
    c.post(f"/experts/rounds/{rnd.pk}/publish/")
    rnd.refresh_from_db()
    assert rnd.status == "published"


def test_infeasible_round_page_names_the_constraint(world, make_round):
    rnd = make_round(reviewers_per_item=6)
    c = _client(world, "bureau")
    page = c.post(f"/experts/rounds/{rnd.pk}/solve/", follow=True).content.decode()
    assert "不能满足的约束：每项评审专家数" in page and "碳纤维复合材料预浸料关键技术研发" in page


def test_expert_sees_only_own_items_scores_and_declares(world, published):
    c = _client(world, "carbon1")
    mine = Assignment.objects.filter(round=published, expert=world.experts["carbon1"]).first()
    other = Assignment.objects.filter(round=published).exclude(expert=world.experts["carbon1"]).first()
    page = c.get("/experts/reviews/").content.decode()
    assert mine.item.title in page
    assert c.get(f"/experts/reviews/{other.pk}/").status_code == 404
    assert c.post(f"/experts/reviews/{other.pk}/", {"score_0": "1", "score_1": "1", "comment": "一二三四五六"}).status_code == 404
    assert c.get(f"/experts/rounds/{published.pk}/").status_code == 404
    assert c.get("/experts/").status_code == 302  # to their own reviews
    r = c.post(f"/experts/reviews/{mine.pk}/", {"score_0": "50", "score_1": "40", "comment": "技术可行，创新性较好。"})
    assert r.status_code == 400 and "【创新性】得分 50 超出范围：应在 0 到 40 分之间" in r.content.decode()
    assert not Review.objects.exists()
    r = c.post(f"/experts/reviews/{mine.pk}/", {"score_0": "35", "score_1": "40", "comment": "技术可行，创新性较好。"})
    assert r.status_code == 302 and Review.objects.get().total == 75
    # own profile: keywords and a declared relation
    r = c.post("/experts/me/", {"form": "relation", "r-organization": world.orgs["e5"].name, "r-kind": "relative", "r-note": "配偶任职"})
    assert r.status_code == 302 and world.experts["carbon1"].relations.filter(organization=world.orgs["e5"]).exists()
    r = c.post("/experts/me/", {"form": "profile", "p-title": "教授", "p-keywords": "碳纤维、预浸料", "p-disciplines_text": "999"})
    assert "不在 GB/T 13745-2009 一级学科表中" in r.content.decode()


def test_others_get_404_everywhere(world, published):
    a = Assignment.objects.filter(round=published).first()
    item = a.item
    urls = ["/experts/", f"/experts/{world.experts['carbon1'].pk}/", "/experts/import/", "/experts/match/",
            "/experts/rounds/", f"/experts/rounds/{published.pk}/", f"/experts/rounds/{published.pk}/items/{item.pk}/",
            f"/experts/rounds/{published.pk}/?export=xlsx", f"/experts/reviews/{a.pk}/", "/experts/me/",
            "/api/experts/rounds/", f"/api/experts/rounds/{published.pk}/", f"/api/experts/rounds/{published.pk}/scores/",
            "/api/experts/assignments/"]
    for who in ("enterprise", "district"):
        c = _client(world, who)
        for url in urls:
            assert c.get(url).status_code == 404, (who, url)
        assert c.post(f"/experts/rounds/{published.pk}/close/").status_code == 404
        assert c.post(f"/api/experts/assignments/{a.pk}/review/", {"scores": {}, "comment": "x"},
                      content_type="application/json").status_code == 404
    anon = Client()
    assert anon.get("/experts/rounds/").status_code == 302
    assert anon.get("/api/experts/rounds/").status_code in (401, 403)


def test_api_round_lifecycle_and_scores(world):
    c = _client(world, "bureau")
    payload = {"name": "API 批次", "reviewers_per_item": 2, "max_load": 3, "deadline": deadline().isoformat(),
               "criteria": [{"name": "综合评价", "max": 100}],
               "items": [{"title": "碳纤维预浸料", "keywords": "碳纤维、预浸料", "disciplines": ["430"],
                          "chain": "carbon_fiber", "applicant": world.orgs["e1"].pk}]}
    r = c.post("/api/experts/rounds/", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    bad = c.post("/api/experts/rounds/", {**payload, "items": [{"title": "x", "disciplines": ["12"]}]}, content_type="application/json")
    assert bad.status_code == 400 and "学科代码“12”格式不对" in bad.content.decode()
    r = c.post(f"/api/experts/rounds/{rid}/solve/")
    assert r.status_code == 200 and r.json()["solve_stats"]["assignments"] == 2
    assert c.post(f"/api/experts/rounds/{rid}/publish/").json()["status"] == "published"
    a = Assignment.objects.filter(round_id=rid, expert=world.experts["carbon1"]).first() or \
        Assignment.objects.filter(round_id=rid).first()
    key = next(k for k, e in world.experts.items() if e.pk == a.expert_id)
    if key not in world.users:
        pytest.skip("the best expert has no account in this world")
    e = _client(world, key)
    assert [x["id"] for x in e.get("/api/experts/assignments/").json()] == [a.pk]
    r = e.post(f"/api/experts/assignments/{a.pk}/review/", {"scores": {"综合评价": "101"}, "comment": "建议支持该项目。"},
               content_type="application/json")
    assert r.status_code == 400 and "超出范围" in r.json()["detail"]
    r = e.post(f"/api/experts/assignments/{a.pk}/review/", {"scores": {"综合评价": "88"}, "comment": "建议支持该项目。"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["total"] == "88.00"
    scores = c.get(f"/api/experts/rounds/{rid}/scores/").json()
    assert scores[0]["mean"] == 88.0 and scores[0]["reviews"] == 1 and "expert" not in json.dumps(scores)
    r = c.post(f"/api/experts/rounds/{rid}/solve/")
    assert r.status_code == 400 and "不能重新分配" in r.json()["detail"]


def test_api_infeasible_is_409_with_constraint(world, make_round):
    rnd = make_round(reviewers_per_item=6)
    r = _client(world, "bureau").post(f"/api/experts/rounds/{rnd.pk}/solve/")
    assert r.status_code == 409 and r.json()["constraint"] == "reviewers_per_item"
    assert r.json()["constraint_display"] == "每项评审专家数"


def test_api_match(world):
    r = _client(world, "bureau").post("/api/experts/match/", {"text": "永磁电机控制", "k": 2}, content_type="application/json")
    assert r.status_code == 200 and r.json()[0]["name"] == "专家motor1" and "永磁电机" in r.json()[0]["reasons"]["terms"]


def test_openapi_schema_lists_the_endpoints(world):
    r = _client(world, "bureau").get("/api/schema/")
    text = r.content.decode()
    for path in ("/api/experts/rounds/", "/api/experts/rounds/{id}/solve/", "/api/experts/assignments/{id}/review/",
                 "/api/experts/rounds/{id}/scores/", "/api/experts/match/"):
        assert path in text


def test_cli(world, tmp_path, capsys):
    items = tmp_path / "items.json"
    items.write_text(json.dumps([{"title": "碳纤维预浸料", "keywords": "碳纤维", "disciplines": ["430"],
                                  "chain": "carbon_fiber", "applicant": world.orgs["e1"].pk}], ensure_ascii=False), encoding="utf-8")
    call_command("experts_round", "create", name="CLI 批次", deadline="2099-01-01T17:00", items=str(items), k=2)
    rnd = ReviewRound.objects.get(name="CLI 批次")
    call_command("experts_round", "solve", rnd.pk)
    out = capsys.readouterr().out
    assert "已分配 2 项次；配齐 1/1 个项目" in out and "评审量分布" in out
    call_command("experts_round", "publish", rnd.pk)
    call_command("experts_round", "scores", rnd.pk)
    assert "碳纤维预浸料\t0/2" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有编号为 9999 的评审批次"):
        call_command("experts_round", "solve", 9999)


def _workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = excel.SHEET
    ws.append(excel.COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_excel_import_all_or_nothing(world):
    before = Expert.objects.count()
    bad = _workbook([
        ["新专家甲", world.orgs["uni_a"].name, "高校院所", "教授", "碳纤维及复合材料", "430", "碳纤维", "入库", 50],
        ["", "某单位", "火星", "教授", "不存在的链", "999", "", "休眠", "abc"],
        ["新专家甲", world.orgs["uni_a"].name, "高校院所", "教授", "", "430", "碳纤维", "入库", 50],
    ])
    result = excel.import_experts(bad)
    assert not result.ok and Expert.objects.count() == before
    messages = [str(e) for e in result.errors]
    for fragment in ("第3行 【姓名】姓名必填", "第3行 【单位性质】“火星”不是可选值", "第3行 【产业链】产业链“不存在的链”不存在",
                     "第3行 【学科代码】学科代码“999”的一级学科 999 不在", "第3行 【状态】“休眠”不是可选值",
                     "第3行 【年度评审上限】“abc”不是 0 到 1000 之间的整数", "第4行 【姓名】与第2行重复"):
        assert any(fragment in m for m in messages), fragment
    good = _workbook([
        ["新专家甲", world.orgs["uni_a"].uscc, "高校院所", "教授", "碳纤维及复合材料、轮胎", "430、530", "碳纤维、橡胶", "入库", 50],
        ["新专家乙", "市外某研究所", "高校院所", "研究员", "", "180", "海洋生物", "", ""],
    ])
    result = excel.import_experts(good)
    assert result.ok and result.created == 2
    e = Expert.objects.get(person__name="新专家甲")
    assert e.organization == world.orgs["uni_a"] and e.disciplines == ["430", "530"] and e.chains.count() == 2
    assert Expert.objects.get(person__name="新专家乙").organization_name == "市外某研究所"
    assert excel.import_experts(good).updated == 2  # the same file again updates, never duplicates


def test_import_page_lists_errors(world):
    c = _client(world, "bureau")
    assert c.get("/experts/import/?template=1").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("x.xlsx", _workbook([["", "", "", "", "", "", "", "", ""], ["甲", "", "", "", "", "", "", "", ""]]))
    page = c.post("/experts/import/", {"file": f}).content.decode()
    assert "工作单位必填" in page and "未导入" in page


def test_demo_command(db):
    from registry.demo import generate

    generate(enterprises=300, seed=7)
    call_command("experts_demo", "--experts", "120")
    assert Expert.objects.count() == 120
    finished = ReviewRound.objects.get(status="closed")
    assert finished.assignments.count() == 200 and Review.objects.filter(assignment__round=finished).count() == 200
    s = services.aggregate(finished)
    assert all(x.n == 5 and x.mean is not None for x in s)
    open_round = ReviewRound.objects.get(status="published")
    assert Assignment.objects.filter(round=open_round, expert__user__username="expert").count() == 3
    call_command("experts_demo", "--if-empty")
    assert Expert.objects.count() == 120


def test_accept_and_decline_pages(world, published):
    c = _client(world, "carbon1")
    a = Assignment.objects.filter(round=published, expert=world.experts["carbon1"]).first()
    assert "待接受邀请" in c.get("/experts/reviews/").content.decode()
    assert c.post(f"/experts/reviews/{a.pk}/accept/").status_code == 302
    a.refresh_from_db()
    assert a.accepted_at is not None
    b = Assignment.objects.filter(round=published, expert=world.experts["bio1"]).first()
    r = _client(world, "bio1").post(f"/api/experts/assignments/{b.pk}/decline/", {"reason": "出差"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["replaced"] is True
    assert c.post(f"/experts/reviews/{b.pk}/decline/").status_code == 404  # not theirs

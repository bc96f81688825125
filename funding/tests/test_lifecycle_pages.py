"""After 立项 through pages and the CLI: 任务书 with tranches, 中期检查, 验收, 绩效评价, shown to staff and applicant."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from funding import services
from funding.models import Project
from funding.tests.conftest import CEILING, submitted_claim, to_decision
from registry.models import Recognition

pytestmark = pytest.mark.django_db


def _decided(w, amount="500000"):
    """B 第4条 (威政发〔2023〕5号): 新型研发机构绩效优秀，不超过 50 万元 — decided at the ceiling."""
    claim = to_decision(w, submitted_claim(w, CEILING))
    return services.perform(w.bea, claim.pk, "decide", amount=amount)


def _post(client, user, claim, data):
    client.force_login(user)
    return client.post(f"/funding/claims/{claim.pk}/project/", data, follow=True).content.decode()


def test_task_book_midterm_acceptance_grade_on_pages(client, world):
    """威政发〔2023〕5号 第4条, decided 500,000 元 in two tranches 200,000 + 300,000; the applicant sees them."""
    claim = _decided(world)
    client.force_login(world.bea)
    assert "下达任务书" in client.get(f"/funding/claims/{claim.pk}/").content.decode()
    bad = _post(client, world.bea, claim, {"action": "task_book", "lead": "张工", "starts_on": "2024-07-01",
                                           "ends_on": "2026-06-30",
                                           "milestones": "样机，2025-06-30，200000\n验收，2026-06-30，200000"})
    assert "里程碑拨付金额合计 400,000.00 元，须等于决定金额 500,000.00 元" in bad
    bad = _post(client, world.bea, claim, {"action": "task_book", "lead": "张工", "starts_on": "2024-07-01",
                                           "ends_on": "2026-06-30", "milestones": "样机 2025-06-30 200000"})
    assert "里程碑第 1 行" in bad and "名称，计划完成日期，拨付金额" in bad
    bad = _post(client, world.bea, claim, {"action": "task_book", "lead": "张工", "starts_on": "2024/13/01",
                                           "ends_on": "2026-06-30", "milestones": "样机，2025-06-30，500000"})
    assert "开始日期：请按 年-月-日 填写日期" in bad
    assert not Project.objects.exists()
    html = _post(client, world.bea, claim, {"action": "task_book", "lead": "张工", "starts_on": "2024-07-01",
                                            "ends_on": "2026-06-30",
                                            "milestones": "样机，2025-06-30，200000\n验收，2026-06-30，300,000"})
    assert "任务书已下达" in html and "200,000.00" in html and "300,000.00" in html and "500,000.00" in html
    html = _post(client, world.bea, claim, {"action": "midterm", "conclusion": "整改", "result": ""})
    assert "中期检查意见：请填写检查意见" in html
    html = _post(client, world.bea, claim, {"action": "midterm", "conclusion": "整改", "result": "进度滞后两个月"})
    assert "限期整改" in html and "进度滞后两个月" in html
    html = _post(client, world.bea, claim, {"action": "accept", "passed": "0", "result": "指标未完成"})
    assert "不通过" in html and not Recognition.objects.filter(kind="project").exists()
    html = _post(client, world.bea, claim, {"action": "accept", "passed": "1", "result": "完成全部指标，授权专利 3 件"})
    assert "授权专利 3 件" in html
    assert Recognition.objects.filter(organization=world.org_a, kind="project").count() == 1
    html = _post(client, world.bea, claim, {"action": "grade", "grade": "A+"})
    assert "绩效评价等次：请选择" in html
    html = _post(client, world.bea, claim, {"action": "grade", "grade": "优秀"})
    assert "<b>优秀</b>" in html
    # the applicant sees the same figures and conclusions, without the staff forms
    client.force_login(world.alice)
    page = client.get(f"/funding/claims/{claim.pk}/").content.decode()
    assert "200,000.00" in page and "300,000.00" in page and "授权专利 3 件" in page and "优秀" in page
    assert "记录中期检查" not in page and "下达任务书" not in page.split("办理记录")[0].split("任务书")[0]
    mine = client.get("/funding/mine/").content.decode()
    assert "中期检查 限期整改" in mine and "验收 通过" in mine and "绩效评价 优秀" in mine
    api = client.get(f"/api/funding/claims/{claim.pk}/").json()["project"]
    assert (api["midterm_conclusion"], api["acceptance_passed"], api["grade"]) == ("整改", True, "优秀")
    assert [m["amount"] for m in api["milestones"]] == ["200000.00", "300000.00"]
    history = page.split("办理记录")[1]
    assert "下达任务书" in history and "中期检查" in history and "项目验收" in history


def test_project_steps_refused_to_applicant_district_and_other_party(client, world):
    claim = _decided(world)
    for user in (world.alice, world.dora):
        html = _post(client, user, claim, {"action": "task_book", "lead": "张工", "starts_on": "2024-07-01",
                                           "ends_on": "2026-06-30", "milestones": "样机，2025-06-30，500000"})
        assert "只有市科技局可以办理项目管理事项" in html
    for user in (world.bob, world.ed):
        client.force_login(user)
        assert client.post(f"/funding/claims/{claim.pk}/project/", {"action": "midterm"}).status_code == 404
    assert not Project.objects.exists()


def test_cli_batch_project_steps(world):
    """The CLI does the same steps for several claims; a bad one is reported and the others go on."""
    c1 = _decided(world)
    c2 = services.perform(world.bea, to_decision(world, submitted_claim(world, CEILING, user=world.bob,
                                                                       org=world.org_b)).pk, "decide", amount="100000")
    out = io.StringIO()
    call_command("funding", "project", "taskbook", "--claim", str(c1.pk), "--claim", str(c2.pk), "--user", "bea",
                 "--lead", "李工", "--start", "2024-07-01", "--end", "2025-12-31",
                 "--milestones", "一期,2025-01-31,400000;二期,2025-12-31,100000", stdout=out)
    text = out.getvalue()
    assert f"#{c1.pk}：已办理" in text and "须等于决定金额 100,000.00 元" in text and "已办理 1 项" in text
    out = io.StringIO()
    call_command("funding", "project", "grade", "--claim", str(c1.pk), "--user", "bea", "--grade", "良好", stdout=out)
    call_command("funding", "project", "list", stdout=out)
    assert "绩效 良好" in out.getvalue()

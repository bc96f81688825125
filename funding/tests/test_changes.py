"""After 立项: change requests with approval and history, termination with clawback and 结余, and 结题.

Money figures: B 第4条 (威政发〔2023〕5号, 新型研发机构绩效优秀, 不超过 50 万元) decided at 500,000 元 in two
tranches of 200,000 and 300,000 元.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funding import changes, projects, services
from funding.models import ChangeRequest, LedgerEntry
from funding.services import FundingError
from funding.tests.conftest import CEILING, submitted_claim, to_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world):
    claim = to_decision(world, submitted_claim(world, CEILING))
    services.perform(world.bea, claim.pk, "decide", amount="500000")
    claim.refresh_from_db()
    p = projects.create_task_book(world.bea, claim, "张工", dt.date(2024, 7, 1), dt.date(2026, 6, 30),
                                  [("样机", dt.date(2025, 6, 30), "200000"), ("验收", dt.date(2026, 6, 30), "300000")])
    services.perform(world.bea, claim.pk, "publicity_end")
    return p


def _line(world):
    return services.line_balance(world.line)


def test_change_requests_filed_approved_refused_with_history(client, world, project):
    claim = project.claim
    first, second = project.milestones.all()
    with pytest.raises(FundingError, match="只有项目承担单位"):
        changes.file_change(world.bea, project, "lead", "调动", {"lead": "李工"})
    with pytest.raises(FundingError, match="须晚于原结束日期 2026-06-30"):
        changes.file_change(world.alice, project, "extension", "设备延迟到货", {"ends_on": "2026-01-01"})
    with pytest.raises(FundingError, match="调剂后合计 250,000.00 元须等于调剂前合计 200,000.00 元"):
        changes.file_change(world.alice, project, "budget", "调整", {"amounts": {first.pk: "250000"}})
    # through the page: the applicant files an extension, the bureau approves it
    client.force_login(world.alice)
    html = client.post(f"/funding/claims/{claim.pk}/project/", {
        "action": "change", "kind": "extension", "ends_on": "2026-12-31", "reason": "设备延迟到货"},
        follow=True).content.decode()
    assert "变更申请已提交" in html and "结束日期 2026-06-30 → 2026-12-31" in html and "待审批" in html
    change = ChangeRequest.objects.get()
    client.force_login(world.bob)
    assert client.post(f"/funding/claims/{claim.pk}/project/", {"action": "decide_change", "change": change.pk,
                                                                 "approve": "1"}).status_code == 404
    client.force_login(world.bea)
    html = client.post(f"/funding/claims/{claim.pk}/project/", {"action": "decide_change", "change": change.pk,
                                                                 "approve": "0"}, follow=True).content.decode()
    assert "不予批准须填写审批意见" in html
    html = client.post(f"/funding/claims/{claim.pk}/project/", {"action": "decide_change", "change": "x"},
                       follow=True).content.decode()
    assert "请选择要审批的变更申请" in html
    html = client.post(f"/funding/claims/{claim.pk}/project/", {"action": "decide_change", "change": change.pk,
                                                                 "approve": "1", "note": "同意"},
                       follow=True).content.decode()
    project.refresh_from_db()
    claim.refresh_from_db()
    assert project.ends_on == claim.acceptance_due == dt.date(2026, 12, 31) and "已批准" in html
    # 预算调剂 between unpaid tranches keeps the total; a refused lead change stays in the history
    c = changes.file_change(world.alice, project, "budget", "样机阶段投入增加",
                            {"amounts": {first.pk: "250000", second.pk: "250000"}})
    changes.decide_change(world.bea, c.pk, True)
    assert [m.amount for m in project.milestones.all()] == [Decimal(250000), Decimal(250000)]
    c = changes.file_change(world.alice, project, "lead", "原负责人调离", {"lead": "李工"})
    changes.decide_change(world.bea, c.pk, False, "新负责人资历不足")
    project.refresh_from_db()
    assert project.lead == "张工"
    with pytest.raises(FundingError, match="不能重复审批"):
        changes.decide_change(world.bea, c.pk, True)
    projects.accept_milestone(world.bea, first.pk)
    projects.pay_milestone(world.fin, first.pk)
    with pytest.raises(FundingError, match="已拨付，不能调剂"):
        changes.file_change(world.alice, project, "budget", "再调", {"amounts": {first.pk: "1", second.pk: "1"}})
    client.force_login(world.alice)
    page = client.get(f"/funding/claims/{claim.pk}/").content.decode()
    assert "新负责人资历不足" in page and "不予批准" in page and "250,000.00" in page


def test_termination_claws_back_and_returns_the_balance_then_close_out(client, world, project):
    """B 第4条: 500,000 decided, 200,000 paid; terminated: 300,000 结余 released, 200,000 clawed back."""
    claim = project.claim
    first = project.milestones.first()
    projects.accept_milestone(world.bea, first.pk)
    projects.pay_milestone(world.fin, first.pk)
    before = _line(world)
    assert (before.committed, before.paid) == (Decimal(300000), Decimal(200000))
    with pytest.raises(FundingError, match="只有市科技局可以终止项目"):
        changes.terminate(world.alice, project, "无力继续")
    with pytest.raises(FundingError, match="应追回金额 250,000.00 元超过已拨付 200,000.00 元"):
        changes.terminate(world.bea, project, "关键人员流失", "250000")
    with pytest.raises(FundingError, match="结题：项目尚未通过验收"):
        changes.close_out(world.bea, project)
    client.force_login(world.bea)
    html = client.post(f"/funding/claims/{claim.pk}/project/", {"action": "terminate", "reason": "关键人员流失",
                                                                 "clawback": "200000"}, follow=True).content.decode()
    assert "项目已终止" in html and "结余退回 300,000.00 元" in html
    after = _line(world)
    assert (after.committed, after.paid, after.available) == (Decimal(0), Decimal(200000), Decimal(800000))
    with pytest.raises(FundingError, match="不能再拨付"):
        projects.pay_milestone(world.fin, project.milestones.last().pk)
    with pytest.raises(FundingError, match="追回完毕后才能结题"):
        changes.close_out(world.bea, project)
    client.force_login(world.fin)
    html = client.post(f"/funding/claims/{claim.pk}/project/", {"action": "recover"}, follow=True).content.decode()
    assert "已登记追回" in html
    with pytest.raises(FundingError, match="已全部追回"):
        changes.recover(world.fin, project)
    final = _line(world)
    assert (final.committed, final.paid, final.available) == (Decimal(0), Decimal(0), Decimal(1000000))
    assert LedgerEntry.objects.filter(claim=claim, kind="clawback").get().amount == Decimal(200000)
    changes.close_out(world.bea, project)
    project.refresh_from_db()
    assert project.status == "closed"
    client.force_login(world.alice)
    mine = client.get("/funding/mine/").content.decode()
    assert "已结题" in mine and "已收到资金 <b id=\"received\">0.00</b>" in mine


def test_every_project_is_closed_out_after_acceptance_and_grade(world, project):
    """The next step stays with the bureau until 结题; a normal close-out releases an unpaid tranche (结余)."""
    claim = project.claim
    first = project.milestones.first()
    projects.accept_milestone(world.bea, first.pk)
    projects.pay_milestone(world.fin, first.pk)
    projects.accept_project(world.bea, project, "基本完成", passed=True)
    claim.refresh_from_db()
    assert "结题" in services.next_step_text(claim)
    with pytest.raises(FundingError, match="尚未进行绩效评价"):
        changes.close_out(world.bea, project)
    projects.grade_project(world.bea, project, "合格")
    project.refresh_from_db()
    changes.close_out(world.bea, project, "第二期不再拨付")
    claim.refresh_from_db()
    assert services.next_step_text(claim) == "已办结（已结题）"
    bal = _line(world)
    assert (bal.committed, bal.paid) == (Decimal(0), Decimal(200000))
    assert changes.open_projects().count() == 0
    with pytest.raises(FundingError, match="已结题"):
        changes.close_out(world.bea, project)

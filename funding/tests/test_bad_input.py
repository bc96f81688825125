"""Issue 25 item 7 for funding: inputs that answered 500 answer a Chinese 400 naming the field; issue 26 item 24:
任务书 only for project programmes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from funding import projects, services
from funding.models import Call, Challenge, Claim, Project
from funding.services import FundingError
from funding.tests.conftest import CEILING, submitted_claim, to_decision

pytestmark = pytest.mark.django_db


def _decided_fixed(w):
    claim = to_decision(w, submitted_claim(w))
    return services.perform(w.bea, claim.pk, "decide")


def test_milestone_post_on_a_claim_without_project(client, world):
    claim = submitted_claim(world)
    client.force_login(world.alice)
    response = client.post(f"/funding/claims/{claim.pk}/milestones/1/", {"action": "pay"})
    assert response.status_code == 400
    assert "里程碑：该申报没有任务书或没有这个里程碑" in response.content.decode()


def test_long_project_title_on_a_call(client, world):
    from django.utils import timezone

    now = timezone.now()
    call = Call.objects.create(programme=world.programme, title="2024 年关键技术攻关", opens_at=now - dt.timedelta(days=1),
                               closes_at=now + dt.timedelta(days=9), max_amount=500000, document="威政发〔2023〕5号",
                               article="第6条")
    client.force_login(world.alice)
    response = client.post(f"/funding/calls/{call.pk}/apply/", {"project_title": "题" * 5000, "summary": "简介"})
    assert response.status_code == 400
    assert "项目名称：不超过 200 字（现为 5,000 字）" in response.content.decode()
    assert not Claim.objects.filter(call=call).exists()


def test_ledger_api_budget_line_not_a_number(client, world):
    client.force_login(world.fin)
    response = client.get("/api/funding/ledger/?budget_line=abc")
    assert response.status_code == 400
    assert response.json() == {"detail": "预算科目（budget_line）：「abc」不是预算科目编号，请填写整数编号。",
                               "field": "budget_line"}
    assert client.get(f"/api/funding/ledger/?budget_line={world.line.pk}").status_code == 200


@pytest.mark.parametrize("amount", ["1e30", "1E+40", "100000000000000"])
def test_decide_with_huge_amount(client, world, amount):
    claim = to_decision(world, submitted_claim(world, CEILING))
    with pytest.raises(FundingError, match="决定金额：金额过大"):
        services.perform(world.bea, claim.pk, "decide", amount=amount)
    client.force_login(world.bea)
    page = client.post(f"/funding/claims/{claim.pk}/act/", {"transition": "decide", "amount": amount},
                       follow=True).content.decode()
    assert "决定金额：金额过大，须小于 1 万亿元" in page
    claim.refresh_from_db()
    assert claim.state == "decision"


def test_select_of_an_unknown_bid(client, world):
    from django.utils import timezone

    Challenge.objects.create(programme=world.programme, title="盐碱地耐受品种", kind="chain", lead_enterprise=world.org_b,
                             description="需求", bounty=1000000, deadline=timezone.now() + dt.timedelta(days=5))
    client.force_login(world.bea)
    for value, message in (("999999", "入选团队：没有编号为 999999 的揭榜申请"), ("abc", "入选团队：请从列表中选择")):
        response = client.post("/funding/challenges/", {"select": value})
        assert response.status_code == 400 and message in response.content.decode()


def test_bank_return_amount_1e30(client, world):
    claim = _decided_fixed(world)
    services.perform(world.bea, claim.pk, "publicity_end")
    services.perform(world.fin, claim.pk, "pay")
    wb = Workbook()
    wb.active.append(["付款参考号", "结果", "金额(元)"])
    wb.active.append([f"pay:{claim.pk}", "成功", 1e30])
    buf = io.BytesIO()
    wb.save(buf)
    client.force_login(world.fin)
    page = client.post("/funding/bank/", {"file": SimpleUploadedFile("回单.xlsx", buf.getvalue())},
                       follow=True).content.decode()
    assert "第 2 行金额：金额过大" in page


def test_task_book_only_for_projects_not_formula_subsidies(client, world):
    """A 第7条 (新认定高企奖励, a fixed reward) gets no 任务书; B 第4条 (择优, up to 50 万元) does."""
    fixed = _decided_fixed(world)
    assert not projects.takes_task_book(fixed)
    client.force_login(world.bea)
    assert "下达任务书</button>" not in client.get(f"/funding/claims/{fixed.pk}/").content.decode()
    with pytest.raises(FundingError, match="是按标准计算的补助，不是立项项目，不下达任务书"):
        projects.create_task_book(world.bea, fixed, "张工", dt.date(2024, 7, 1), dt.date(2025, 6, 30),
                                  [("验收", dt.date(2025, 6, 30), "200000")])
    formula = Claim(origin="redemption", provision_id="B.09.rd_growth_subsidy")
    assert not projects.takes_task_book(formula)  # B 第9条 研发投入递增补助: proportional
    ceiling = to_decision(world, submitted_claim(world, CEILING))
    services.perform(world.bea, ceiling.pk, "decide", amount="300000")
    assert "下达任务书</button>" in client.get(f"/funding/claims/{ceiling.pk}/").content.decode()
    assert not Project.objects.exists()


def test_project_free_text_bounded(client, world):
    """中期检查意见, 终止原因 … of 10⁶ characters: a Chinese error naming the field; the database refuses them too."""
    from django.db import IntegrityError, transaction

    from funding import changes
    from funding.models import ClaimEvent

    claim = to_decision(world, submitted_claim(world, CEILING))
    services.perform(world.bea, claim.pk, "decide", amount="500000")
    claim.refresh_from_db()
    project = projects.create_task_book(world.bea, claim, "张工", dt.date(2024, 7, 1), dt.date(2026, 6, 30),
                                        [("验收", dt.date(2026, 6, 30), "500000")])
    with pytest.raises(FundingError, match="中期检查意见：不超过 2,000 字（现为 1,000,000 字）"):
        projects.midterm_check(world.bea, project, "意" * 1_000_000)
    with pytest.raises(FundingError, match="终止原因：不超过 2,000 字"):
        changes.terminate(world.bea, project, "因" * 2001)
    with pytest.raises(FundingError, match="理由/意见：不超过 2,000 字"):
        services.perform(world.bea, claim.pk, "reject", "由" * 2001)
    client.force_login(world.bea)
    page = client.post(f"/funding/claims/{claim.pk}/project/", {"action": "midterm", "conclusion": "通过",
                                                                "result": "意" * 5000}, follow=True)
    assert "中期检查意见：不超过 2,000 字" in page.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():  # bulk_create skips the save-time check: the database
        ClaimEvent.objects.bulk_create([ClaimEvent(claim=claim, transition="midterm", from_state="publicity",
                                                   to_state="publicity", reason="x" * 4001)])

"""A year set up on pages (programmes by kind, workflows by name, budget lines, finance's confirmation, copying last
year's) and bulk work with a per-item result: what the pages show."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from funding import access, services
from funding.models import BudgetLine, Call, Claim, LedgerEntry, Programme
from funding.services import FundingError
from funding.tests.conftest import CEILING, FIXED, submitted_claim, to_decision

pytestmark = pytest.mark.django_db


def _text(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.content.decode()))


FORM = {"name": "孵化载体绩效奖励", "year": "2026", "kind": "incubation", "workflow": "fixed",
        "publicity_days": "7", "legal_basis": "威政发〔2018〕20号",
        "line_name_0": "孵化奖励市级资金", "line_source_0": "city", "line_amount_0": "300000",
        "line_name_1": "孵化奖励省级资金", "line_source_1": "province", "line_amount_1": "120000.50"}


def test_bureau_sets_up_a_programme_by_kind_and_named_workflow(client, world):
    client.force_login(world.bea)
    page = _text(client.get("/funding/setup/"))
    assert "标准流程（含区市初审、评审）" in page and "免评审（定额奖补）" in page and "功能区直报（无区市初审）" in page
    assert "区市初审 → 形式审查 → 评审 → 市科技局决定 → 公示中 → 待拨付" in page
    resp = client.post("/funding/setup/", FORM, follow=True)
    page = _text(resp)
    assert "已设立 2026 年度孵化载体绩效奖励（孵化奖励）" in page
    assert "免评审（定额奖补） 区市初审 → 形式审查 → 市科技局决定 → 公示中 → 待拨付" in page
    assert "7 天" in page
    assert "孵化奖励市级资金（市级）300,000.00 元" in page and "孵化奖励省级资金（省级）120,000.50 元" in page
    p = Programme.objects.get(name="孵化载体绩效奖励", year=2026)
    assert p.kind == "incubation" and p.workflow["steps"][0] == "district_check" and "review" not in p.workflow["steps"]
    assert AuditEvent.objects.filter(action="funding.programme_created").count() == 2  # the world's and this one
    assert AuditEvent.objects.filter(action="funding.budget_line_added").count() == 3
    client.force_login(world.alice)
    assert client.get("/funding/setup/").status_code == 404


def test_an_error_names_the_field_and_keeps_every_typed_value(client, world):
    client.force_login(world.bea)
    resp = client.post("/funding/setup/", {**FORM, "line_amount_1": "十二万"})
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "第 2 行预算金额：请填写金额数字（元）" in page
    for value in ("孵化载体绩效奖励", "2026", "威政发〔2018〕20号", "孵化奖励市级资金", "300000", "十二万"):
        assert f'value="{value}"' in page, value
    assert '<option value="incubation" selected>' in page and 'value="fixed" checked' in page
    assert '<option value="province" selected>' in page
    assert not Programme.objects.filter(name="孵化载体绩效奖励").exists()
    for bad in ("1e30", "inf", "NaN", "-5", "0.001"):
        resp = client.post("/funding/setup/", {**FORM, "line_amount_0": bad})
        assert resp.status_code == 400 and "第 1 行预算金额：" in resp.content.decode(), bad
    resp = client.post("/funding/setup/", {**FORM, "publicity_days": "-3"})
    assert "公示天数：请填写 0–60 的整数" in resp.content.decode()
    resp = client.post("/funding/setup/", {**FORM, "name": "科技创新发展专项资金", "year": "2024"})
    assert "专项名称：2024 年度已有「科技创新发展专项资金」" in resp.content.decode()


def test_finance_confirms_budget_lines_on_its_own_page(client, world):
    client.force_login(world.bea)
    client.post("/funding/setup/", FORM)
    client.force_login(world.fin)
    page = _text(client.get("/funding/budget-lines/"))
    assert "待财政确认的预算科目（2 项）" in page
    assert "孵化奖励市级资金 市级 300,000.00" in page
    line = BudgetLine.objects.get(name="孵化奖励市级资金")
    page = _text(client.post("/funding/budget-lines/", {"line": line.pk}, follow=True))
    assert "已确认：2026 年度孵化载体绩效奖励 · 孵化奖励市级资金（市级），预算 300,000.00 元" in page
    assert "待财政确认的预算科目（1 项）" in page
    for bad in ("abc", "1e30", "²", ""):
        assert client.post("/funding/budget-lines/", {"line": bad}).status_code == 404
    line.refresh_from_db()
    assert line.confirmed_by == world.fin
    assert AuditEvent.objects.filter(action="funding.budget_line_confirmed", object_id=str(line.pk)).exists()
    for user in (world.alice, world.dora):
        client.force_login(user)
        assert client.get("/funding/budget-lines/").status_code == 404
    client.force_login(world.fin)
    assert "预算科目确认" in client.get("/funding/queue/").content.decode()


def test_copy_last_year_with_amounts_edited_before_saving(client, world):
    client.force_login(world.bea)
    assert "以上一年度为基础开设本年度" in client.get("/funding/programmes/").content.decode()
    page = _text(client.get("/funding/setup/copy/?from=2024"))
    assert "以 2024 年度为基础开设 2025 年度" in page
    assert "科技创新发展专项资金 · 政策兑现（含免申即享）" in page
    assert "标准流程（含区市初审、评审）：区市初审 → 形式审查 → 评审" in page
    assert "1,000,000.00" in page
    field = f"amount_{world.line.pk}"
    resp = client.post("/funding/setup/copy/", {"from_year": "2024", field: "1e30x"})
    assert resp.status_code == 400
    assert "「科技创新发展专项资金·企业研发奖补」2025 年预算金额：请填写金额数字" in resp.content.decode()
    assert 'value="1e30x"' in resp.content.decode()
    resp = client.post("/funding/setup/copy/", {"from_year": "2024", field: "1e30"})
    assert resp.status_code == 400 and "2025 年预算金额：金额过大" in resp.content.decode()
    assert not Programme.objects.filter(year=2025).exists()
    for year in ("abc", "99999", "-1"):  # an impossible year falls back to last year's page
        assert client.post("/funding/setup/copy/", {"from_year": year}).status_code in (200, 400)
    page = _text(client.post("/funding/setup/copy/", {"from_year": "2024", field: "1,200,000"}, follow=True))
    assert "已开设 2025 年度专项 1 个：科技创新发展专项资金" in page
    assert "企业研发奖补（市级）1,200,000.00 元" in page and "待财政确认" in page
    new = Programme.objects.get(year=2025)
    assert new.kind == "entitlement" and new.workflow == world.programme.workflow
    assert new.publicity_days == world.programme.publicity_days
    assert AuditEvent.objects.filter(action="funding.year_copied").exists()
    # a second copy finds the name taken and copies nothing
    assert "2025 年度已有同名专项" in _text(client.get("/funding/setup/copy/?from=2024"))


def test_copy_year_opens_the_voucher_programme_with_its_kinds(client, world):
    from vouchers import services as vouchers
    from vouchers.models import VoucherProgramme

    vp = vouchers.create_programme(
        world.bea, 2024, city_budget="2000000", province_budget="4000000", starts_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2024, 12, 31), yearly_cap="100000", publicity_days=0,
        kinds=[{"kind": "universal", "categories": ["testing"], "face_amount": "20000", "share": "0.5"}])
    assert vp.funding_programme.kind == "voucher"
    client.force_login(world.bea)
    page = client.get("/funding/setup/copy/?from=2024").content.decode()
    assert 'value="2025-01-01"' in page and 'value="2025-12-31"' in page and "普惠券 每张 20,000 元、每家 1 张" in page
    data = {"from_year": "2024", f"amount_{world.line.pk}": "1000000", f"amount_{vp.city_line_id}": "2500000",
            f"amount_{vp.province_line_id}": "4000000", f"starts_{vp.pk}": "2025-01-01",
            f"expires_{vp.pk}": "2025-13-40"}
    resp = client.post("/funding/setup/copy/", data)
    assert "创新券有效期至：请按 YYYY-MM-DD 填写日期" in resp.content.decode()
    assert not Programme.objects.filter(year=2025).exists()
    client.post("/funding/setup/copy/", {**data, f"expires_{vp.pk}": "2025-12-31"})
    new = VoucherProgramme.objects.get(year=2025)
    assert new.city_line.amount == 2500000 and new.province_line.amount == 4000000
    assert new.expires_on == dt.date(2025, 12, 31) and new.funding_programme.kind == "voucher"
    assert [(k.kind, k.face_amount) for k in new.kinds.all()] == [("universal", 20000)]


def test_a_programme_kind_decides_which_claims_may_use_it(world):
    pool = services.create_programme(world.bea, "人才贷资金池", 2025, kind="risk_pool", lines=[("池", "city", "1000")])
    with pytest.raises(FundingError, match="2025 年度尚未设立专项资金"):
        services.programme_for(2025)
    entitlement = services.create_programme(world.bea, "科技创新发展专项资金", 2025)
    assert services.programme_for(2025) == entitlement
    claim = Claim(programme=pool, organization=world.org_a, origin="redemption", provision_id=FIXED, title="奖励",
                  year=2025, entitled_amount=200000)
    with pytest.raises(ValidationError, match="风险补偿资金池专项，不能用于本申报；请选择政策兑现"):
        claim.full_clean()
    claim.provision_id = "A.19.risk_compensation"
    claim.full_clean()
    call = Call(programme=pool, title="指南", opens_at=timezone.now(), closes_at=timezone.now() + dt.timedelta(days=9),
                max_amount=1000)
    with pytest.raises(ValidationError, match="申报指南请选择项目申报专项"):
        call.full_clean()
    call.programme = services.create_programme(world.bea, "重点研发计划", 2025, kind="call")
    call.full_clean()


def test_an_applicant_can_never_decide_or_pay(world):
    with pytest.raises(ValidationError, match="「决定资助金额并公示」不能由申请单位办理"):
        services.create_programme(world.bea, "坏流程", 2025, workflow_def={"steps": ["formal_check", "decision",
                                  "publicity", "approved"], "roles": {"decide": ["applicant", "bureau"]}})
    # a raw update around the validation is refused by the database (programme_workflow_staff_acts)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=world.programme.pk).update(workflow={
            "steps": world.programme.workflow["steps"], "roles": {"decide": ["applicant"], "pay": ["applicant"]}})
    claim = to_decision(world, submitted_claim(world))
    assert not access.may_fire(world.alice, claim, "decide")
    with pytest.raises(FundingError, match="无权执行"):
        services.perform(world.alice, claim.pk, "decide")


def test_bulk_pass_and_return_with_a_result_per_item(client, world):
    a1 = submitted_claim(world)
    a2 = submitted_claim(world, CEILING)
    b = submitted_claim(world, user=world.bob, org=world.org_b)
    client.force_login(world.dora)
    page = client.get("/funding/queue/?state=district_check").content.decode()
    assert f'name="ids" value="{a1.pk}"' in page and "批量通过" in page and "批量退回" in page
    page = _text(client.post("/funding/bulk/", {"action": "pass", "ids": [a1.pk, a2.pk, b.pk]}))
    assert "批量通过结果" in page and "成功 2 项、失败 1 项" in page
    assert f"{b.pk} 失败 未找到该申报，或您无权办理" in page
    assert "已区市初审通过，现为「形式审查」" in page
    assert Claim.objects.get(pk=a1.pk).state == "formal_check"
    # district staff cannot pass the next step: each item says why, nothing stops
    page = _text(client.post("/funding/bulk/", {"action": "pass", "ids": [a1.pk, a2.pk]}))
    assert "成功 0 项、失败 2 项" in page and "您的账户无权执行「形式审查通过」" in page
    client.force_login(world.bea)
    resp = client.post("/funding/bulk/", {"action": "return", "ids": [a1.pk]}, follow=True)
    assert "退回理由：批量退回须填写理由" in resp.content.decode()
    page = _text(client.post("/funding/bulk/", {"action": "return", "ids": [a1.pk, a2.pk], "reason": "请补充审计报告"}))
    assert "成功 2 项、失败 0 项" in page and "现为「退回修改」" in page
    assert Claim.objects.get(pk=a2.pk).events.last().reason == "请补充审计报告"
    assert AuditEvent.objects.filter(action="funding.return_to_applicant").count() == 2


def test_finance_pays_a_batch_in_one_action(client, world):
    claims = []
    for user, org in ((world.alice, world.org_a), (world.bob, world.org_b)):
        c = to_decision(world, submitted_claim(world, user=user, org=org))
        services.perform(world.bea, c.pk, "decide")
        claims.append(services.perform(world.bea, c.pk, "publicity_end"))
    client.force_login(world.fin)
    page = client.get("/funding/payments/").content.decode()
    assert "批量拨付所选事项" in page and f'name="ids" value="{claims[0].pk}" checked' in page
    ids = [c.pk for c in claims] + [999999]
    page = _text(client.post("/funding/bulk/", {"action": "pay", "ids": ids}))
    assert "批量拨付结果" in page and "成功 2 项、失败 1 项" in page and "现为「已拨付」" in page
    assert "999999 失败 未找到该申报" in page
    for bad, says in (({"ids": ["abc"]}, "申报：请勾选要办理的申报"), ({"ids": list(range(1, 600))}, "一次最多办理 500 项"),
                      ({"ids": [2**63]}, "成功 0 项、失败 1 项"), ({"ids": [claims[0].pk], "action": "steal"},
                                                                   "批量操作：请选择")):
        resp = client.post("/funding/bulk/", {"action": "pay", **bad}, follow=True)
        assert resp.status_code == 200 and says in _text(resp), bad
    keys = set(LedgerEntry.objects.filter(kind="payment").values_list("idempotency_key", flat=True))
    assert keys == {f"pay:{c.pk}" for c in claims}
    # the same batch again pays nothing twice
    page = _text(client.post("/funding/bulk/", {"action": "pay", "ids": ids}))
    assert "成功 0 项、失败 3 项" in page
    assert LedgerEntry.objects.filter(kind="payment").count() == 2
    page = _text(client.get("/funding/payments/"))
    assert "暂无待拨付事项" in page and "200,000.00" in page

"""Claims, decisions, the ledger and the bad inputs of issue 10, through the service functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from funding import services
from funding.models import BlacklistEntry, Call, Claim, ClaimEvent, LedgerEntry
from funding.services import FundingError
from funding.tests.conftest import CEILING, FIXED, PDF, PNG, stop_qualifying, submitted_claim, to_decision
from screening.models import Notice

pytestmark = pytest.mark.django_db


def _paid(w, provision=FIXED, amount=None):
    claim = to_decision(w, submitted_claim(w, provision))
    services.perform(w.bea, claim.pk, "decide", amount=amount)
    services.perform(w.bea, claim.pk, "publicity_end")
    return services.perform(w.fin, claim.pk, "pay")


def test_fixed_claim_paid_end_to_end_a_art7(world):
    """威政发〔2018〕20号 第7条: 200,000 元 fixed, skips review, committed then paid; balance 800,000 left."""
    claim = to_decision(world, submitted_claim(world))
    assert claim.state == "decision"  # fixed amounts skip the review step
    claim = services.perform(world.bea, claim.pk, "decide")
    assert claim.decided_amount == Decimal(200000) and claim.state == "publicity"
    services.perform(world.bea, claim.pk, "publicity_end")
    claim = services.perform(world.fin, claim.pk, "pay")
    assert claim.state == "paid" and claim.applicant_state == "已拨付"
    bal = services.line_balance(world.line)
    assert (bal.committed, bal.paid, bal.available) == (0, Decimal(200000), Decimal(800000))
    pay = LedgerEntry.objects.get(kind="payment")
    assert (pay.document, pay.article, pay.organization_id) == ("威政发〔2018〕20号", "第7条", world.org_a.pk)
    assert services.money_received(world.org_a) == Decimal(200000)
    assert [e.transition for e in claim.events.all()][-1] == "pay"
    assert Notice.objects.filter(organization=world.org_a, title="资金已拨付").exists()
    assert Notice.objects.filter(title="资金已拨付").get().link == f"/funding/claims/{claim.pk}/"


def test_ceiling_decided_by_review_within_ceiling_b_art4(world):
    """威政发〔2023〕5号 第4条 不超过 50 万元: review step, amount above the ceiling refused, 300,000 accepted."""
    claim = to_decision(world, submitted_claim(world, CEILING))
    assert claim.scores["total"] == 86
    with pytest.raises(FundingError, match="决定金额 500,001.00 元超过.*上限 500,000.00 元") as e:
        services.perform(world.bea, claim.pk, "decide", amount="500001")
    assert e.value.field == "amount"
    with pytest.raises(FundingError, match="须填写评审确定的金额"):
        services.perform(world.bea, claim.pk, "decide")
    claim.refresh_from_db()
    assert claim.state == "decision" and LedgerEntry.objects.count() == 0  # nothing half-written
    claim = services.perform(world.bea, claim.pk, "decide", amount="300000")
    assert claim.decided_amount == Decimal(300000)


def test_ceiling_check_constraint_in_database(world):
    claim = to_decision(world, submitted_claim(world, CEILING))
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(decided_amount=Decimal(600000))


def test_amount_above_budget_balance_refused(world):
    """A budget line of 1,000,000 元 with 900,000 committed cannot take B 第4条's 300,000 元."""
    world.line.amount = Decimal(1000000)
    first = to_decision(world, submitted_claim(world, CEILING))
    services.perform(world.bea, first.pk, "decide", amount="500000")
    second = to_decision(world, submitted_claim(world, FIXED))
    services.perform(world.bea, second.pk, "decide")
    third = to_decision(world, submitted_claim(world, CEILING, world.bob, world.org_b))
    with pytest.raises(FundingError, match="超过预算科目「企业研发奖补」可用余额 300,000.00 元"):
        services.perform(world.bea, third.pk, "decide", amount="400000")
    assert services.line_balance(world.line).available == Decimal(300000)


def test_yearly_cap_per_article_across_events(world):
    """B 第4条: two qualifying events in one year share the organisation's 50 万元 cap."""
    one = to_decision(world, submitted_claim(world, CEILING, event_key="e1"))
    two = to_decision(world, submitted_claim(world, CEILING, event_key="e2"))
    services.perform(world.bea, one.pk, "decide", amount="400000")
    with pytest.raises(FundingError, match="超过每家每年上限 500,000.00 元（已安排 400,000.00 元）"):
        services.perform(world.bea, two.pk, "decide", amount="200000")
    services.perform(world.bea, two.pk, "decide", amount="100000")


def test_second_payment_of_same_decision_refused(world):
    claim = _paid(world)
    with pytest.raises(FundingError, match="已拨付，不能重复拨付") as e:
        services.perform(world.fin, claim.pk, "pay")
    assert e.value.field == "idempotency_key"
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


def test_idempotency_key_is_unique_in_database(world):
    claim = _paid(world)
    entry = LedgerEntry.objects.get(kind="payment")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            kind="payment", budget_line=world.line, organization=world.org_a, claim=claim, amount=1,
            committed_delta=-1, paid_delta=1, decision="x", document="d", article="a", year=2024,
            idempotency_key=entry.idempotency_key)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the PostgreSQL triggers are tested in test_postgres.py")
def test_sqlite_triggers_refuse_update_and_delete(world):
    _paid(world)
    from django.db.utils import IntegrityError as DbIntegrityError

    for sql in ("UPDATE funding_ledgerentry SET amount = 1", "DELETE FROM funding_ledgerentry"):
        with pytest.raises(DbIntegrityError, match="资金台账只能追加"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql)
    assert LedgerEntry.objects.filter(amount=200000).count() == 2


def test_reversal_and_clawback_restore_balance(world):
    claim = _paid(world)
    pay = LedgerEntry.objects.get(kind="payment")
    services.clawback(world.fin, claim, "50000", "绩效评价不合格，追回部分资金")
    assert services.line_balance(world.line).paid == Decimal(150000)
    with pytest.raises(FundingError, match="超过已拨付 150,000.00 元"):
        services.clawback(world.fin, claim, "150000.01", "x")
    services.reverse_entry(world.fin, pay.pk, "银行退票")
    with pytest.raises(FundingError, match="已冲销过"):
        services.reverse_entry(world.fin, pay.pk, "again")
    bal = services.line_balance(world.line)
    assert (bal.committed, bal.paid) == (Decimal(200000), Decimal(-50000))
    from_entries, running = services.reconcile(world.line)
    assert from_entries == running


def test_payee_on_blacklist_refused_at_payment_with_reason_and_end(world):
    claim = to_decision(world, submitted_claim(world))
    services.perform(world.bea, claim.pk, "decide")
    services.perform(world.bea, claim.pk, "publicity_end")
    services.add_blacklist_entry(world.bea, world.org_a, "fraud", "威科字〔2024〕1号", timezone.localdate(),
                                 dt.date(2099, 12, 31))
    with pytest.raises(FundingError, match="列入科研失信名单（弄虚作假.*2099年12月31日 前不能获得拨付"):
        services.perform(world.fin, claim.pk, "pay")
    assert LedgerEntry.objects.filter(kind="payment").count() == 0


def test_blacklisted_cannot_apply(world):
    services.add_blacklist_entry(world.bea, world.org_a, "overdue_acceptance", "威科字〔2024〕2号",
                                 timezone.localdate(), dt.date(2099, 1, 1))
    with pytest.raises(FundingError, match="2099年01月01日 前不能申报"):
        services.create_claim_from_entitlement(world.alice, world.org_a, FIXED, 2024)


def test_missing_required_attachment_refused(world):
    claim, _ = services.create_claim_from_entitlement(world.alice, world.org_a, FIXED, 2024)
    services.update_claim(world.alice, claim, {"bank_account": "6222000011112222"})
    services.attach(world.alice, claim, "营业执照", "licence.png", PNG)
    with pytest.raises(FundingError, match="缺少必交材料：证明材料") as e:
        services.perform(world.alice, claim.pk, "submit")
    assert e.value.field == "file"
    claim.refresh_from_db()
    assert claim.state == "draft"


@pytest.mark.parametrize("name,data,message", [
    ("report.pdf", b"MZ\x90\x00 not a pdf", "不是 PDF 格式"),
    ("photo.jpg", b"\x89PNG\r\n\x1a\n....", "不是 JPG 格式"),
    ("tool.exe", b"MZ", "只接受 PDF、PNG、JPG"),
    ("empty.pdf", b"", "文件为空"),
    ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "超过 10 MB"),
])
def test_file_not_what_its_extension_says_refused(world, name, data, message):
    claim, _ = services.create_claim_from_entitlement(world.alice, world.org_a, FIXED, 2024)
    with pytest.raises(FundingError, match=message):
        services.attach(world.alice, claim, "证明材料", name, data)
    assert claim.attachments.count() == 0


def test_attachment_checksum_stored(world):
    import hashlib

    claim, _ = services.create_claim_from_entitlement(world.alice, world.org_a, FIXED, 2024)
    att = services.attach(world.alice, claim, "证明材料", "cert.pdf", PDF)
    assert att.sha256 == hashlib.sha256(PDF).hexdigest() and att.content_type == "application/pdf"


def test_return_fix_and_resubmit_keeps_what_was_typed(world):
    claim = submitted_claim(world)
    with pytest.raises(FundingError, match="须填写理由"):
        services.perform(world.dora, claim.pk, "return_to_applicant")
    services.perform(world.dora, claim.pk, "return_to_applicant", "证明材料不清晰，请重新上传")
    claim.refresh_from_db()
    assert claim.state == "returned" and claim.applicant_state == "退回修改"
    services.attach(world.alice, claim, "证明材料", "clear.pdf", PDF + b"clear")
    claim = services.perform(world.alice, claim.pk, "submit")
    assert claim.state == "district_check" and claim.bank_account == "6222000011112222"
    assert ClaimEvent.objects.filter(claim=claim, transition="return_to_applicant",
                                     reason="证明材料不清晰，请重新上传").exists()


def test_withdraw_before_decision_only(world):
    claim = submitted_claim(world)
    services.perform(world.alice, claim.pk, "withdraw")
    claim2 = to_decision(world, submitted_claim(world, CEILING))
    services.perform(world.bea, claim2.pk, "decide", amount="100000")
    with pytest.raises(FundingError, match="不能执行「撤回」"):
        services.perform(world.alice, claim2.pk, "withdraw")


def test_roles_are_the_declared_ones(world):
    claim = submitted_claim(world)
    with pytest.raises(FundingError, match="无权执行「区市初审通过」"):
        services.perform(world.ed, claim.pk, "district_pass")  # another region's district
    with pytest.raises(FundingError, match="无权"):
        services.perform(world.alice, claim.pk, "district_pass")
    with pytest.raises(FundingError, match="无权"):
        services.perform(world.bob, claim.pk, "withdraw")


def test_programme_workflow_without_district_step(world):
    programme = services.create_programme(world.bea, "高区专项", 2025, "威政发〔2023〕5号",
                                          workflow_def={"steps": ["formal_check", "review", "decision",
                                                                  "publicity", "approved"]})
    claim = Claim.objects.create(programme=programme, organization=world.org_a, origin="redemption",
                                 provision_id=FIXED, title="t", document="d", article="a", year=2025,
                                 entitled_amount=1, bank_account="6222000011112222")
    services.attach(world.alice, claim, "证明材料", "x.pdf", PDF)
    assert services.perform(world.alice, claim.pk, "submit").state == "formal_check"


def test_bad_workflow_declaration_refused(world):
    with pytest.raises(Exception, match="缺少必经步骤 形式审查"):
        services.create_programme(world.bea, "坏专项", 2026, workflow_def={"steps": ["decision", "publicity",
                                                                                   "approved"]})


def test_objection_blocks_payment_until_resolved(world):
    claim = to_decision(world, submitted_claim(world))
    services.perform(world.bea, claim.pk, "decide")
    obj = services.file_objection(claim.pk, "张三", "13800000000", "该企业认定时间不属于本年度")
    with pytest.raises(FundingError, match="公示异议尚有 1 条未处理"):
        services.perform(world.bea, claim.pk, "publicity_end")
    services.resolve_objection(world.bea, obj.pk, "经核实，认定证书日期为 2024 年，异议不成立")
    services.perform(world.bea, claim.pk, "publicity_end")


def test_proactive_claims_from_a_run_never_duplicate(world):
    from screening.models import ScreeningResult, ScreeningRun

    run = ScreeningRun.objects.create(year=2024, status="done")
    for org in (world.org_a, world.org_b):
        ScreeningResult.objects.create(run=run, organization=org, provision_id=FIXED, title="高企认定奖励",
                                       document="威政发〔2018〕20号", article="第7条", amount=200000,
                                       status="applies")
        ScreeningResult.objects.create(run=run, organization=org, provision_id=CEILING, title="c", document="d",
                                       article="a", amount=500000, is_ceiling=True, status="applies")
    assert services.create_proactive_claims(world.bea, run.pk) == (2, 0)
    assert services.create_proactive_claims(world.bea, run.pk) == (0, 2)
    claim = Claim.objects.get(organization=world.org_a)
    assert claim.state == "awaiting_confirmation" and claim.applicant_state == "待确认"
    assert Notice.objects.filter(organization=world.org_a, title="免申即享：请确认兑现事项").exists()
    with pytest.raises(FundingError, match="银行账号"):
        services.perform(world.alice, claim.pk, "confirm")
    services.update_claim(world.alice, claim, {"bank_account": "6222000011112222"})
    assert services.perform(world.alice, claim.pk, "confirm").state == "district_check"
    other = Claim.objects.get(organization=world.org_b)
    services.perform(world.bob, other.pk, "object", "认定年份有误")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(programme=world.programme, organization=world.org_a, origin="proactive",
                             provision_id=FIXED, title="dup", year=2024, entitled_amount=1)


def test_call_window_and_eligibility(world):
    now = timezone.now()
    call = Call.objects.create(programme=world.programme, title="2024 年新型研发机构绩效补助申报", provision_id=CEILING,
                               opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1),
                               max_amount=500000, document="威政发〔2023〕5号", article="第4条")
    stop_qualifying(world.org_b, CEILING)  # no rating of 优秀 in the registry
    with pytest.raises(FundingError, match="乙材料有限公司 不符合威政发〔2023〕5号第4条。"):
        services.apply_to_call(world.bob, call, {"project_title": "p"})
    with pytest.raises(FundingError, match="项目名称"):
        services.apply_to_call(world.alice, call, {"project_title": ""})
    claim = services.apply_to_call(world.alice, call, {"project_title": "海洋装备研发"})
    assert claim.entitled_amount == Decimal(500000)
    late = Call.objects.create(programme=world.programme, title="已截止指南", opens_at=now - dt.timedelta(days=9),
                               closes_at=now - dt.timedelta(days=2), max_amount=1)
    with pytest.raises(FundingError, match="已截止指南」已于 .* 截止，不再受理"):
        services.apply_to_call(world.alice, late, {"project_title": "p"})
    # the window is checked again at submission
    services.update_claim(world.alice, claim, {"bank_account": "6222000011112222"})
    services.attach(world.alice, claim, "证明材料", "a.pdf", PDF)
    Call.objects.filter(pk=call.pk).update(closes_at=now - dt.timedelta(seconds=1),
                                           opens_at=now - dt.timedelta(days=3))
    with pytest.raises(FundingError, match="截止"):
        services.perform(world.alice, claim.pk, "submit")


def test_overdue_acceptance_proposes_unconfirmed_entries(world):
    claim = _paid(world)
    Claim.objects.filter(pk=claim.pk).update(acceptance_due=dt.date(2024, 12, 31))
    proposals = services.propose_overdue_entries(dt.date(2025, 3, 1))
    assert len(proposals) == 1 and not proposals[0].confirmed
    assert services.blacklist_entry(world.org_a, dt.date(2025, 3, 2)) is None  # not yet confirmed
    assert services.propose_overdue_entries(dt.date(2025, 3, 2)) == []
    BlacklistEntry.objects.update(confirmed=True)
    assert services.blacklist_entry(world.org_a, dt.date(2025, 3, 2))


def test_budget_line_confirmed_only_by_finance(world):
    line = services.add_budget_line(world.bea, world.programme, "区级配套", "district", "500000")
    with pytest.raises(FundingError, match="财政部门账户确认"):
        services.confirm_budget_line(world.bea, line)
    with pytest.raises(FundingError, match="预算金额：金额须大于 0"):
        services.add_budget_line(world.bea, world.programme, "x", "city", "-5")

"""After 立项: 任务书 with milestones (分期拨付), 中期检查, 验收 and 绩效评价 as dated registry events; 揭榜挂帅."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from core.audit import record
from funding import access
from funding.models import Challenge, ChallengeBid, Claim, LedgerEntry, Milestone, Project
from funding.notify import notify
from funding.services import (
    ZERO,
    FundingError,
    _append,
    _event,
    check_not_blacklisted,
    check_text,
    money,
    parse_amount,
)
from registry.models import Recognition

B_DOC, B_ART7 = "威政发〔2023〕5号", "第7条"


def _bureau(user: Any) -> None:
    if not access.is_bureau(user):
        raise FundingError("只有市科技局可以办理项目管理事项。")


def takes_task_book(claim: Claim) -> bool:
    """任务书 (milestones) belong to projects: an application to a call or a 揭榜挂帅 bid, or a 择优 award whose
    amount a review decides (a "ceiling" provision). Formula subsidies (fixed, proportional, matching, per unit — e.g.
    B 第9条) are paid as computed and have none."""
    if claim.origin == Claim.Origin.CALL:
        return True
    from policy.catalogue import BY_ID

    provision = BY_ID.get(claim.provision_id) if claim.provision_id else None
    return provision is not None and provision.form == "ceiling"


def create_task_book(user: Any, claim: Claim, lead: str, starts_on: dt.date, ends_on: dt.date,
                     milestones: list[tuple[str, dt.date, Any]], registry_subject: str = "") -> Project:
    """任务书: the tranches must add up to the decided amount."""
    _bureau(user)
    if not takes_task_book(claim):
        raise FundingError(f"{claim.citation}是按标准计算的补助，不是立项项目，不下达任务书；公示期满后直接拨付。",
                           "claim")
    if claim.decided_amount is None or claim.state not in ("publicity", "approved"):
        raise FundingError("只有已决定资助金额、尚未拨付的项目可以签订任务书。", "claim")
    if ends_on <= starts_on:
        raise FundingError("结束日期须晚于开始日期。", "ends_on")
    if not (lead or "").strip():
        raise FundingError("项目负责人：请填写项目负责人（技术总师）姓名。", "lead")
    if Project.objects.filter(claim=claim).exists():
        raise FundingError("该项目已签订任务书，不能重复签订。", "claim")
    for title, due, _ in milestones:
        if not starts_on <= due <= ends_on:
            raise FundingError(f"里程碑「{title}」的计划完成日期 {due} 须在实施期 {starts_on} 至 {ends_on} 之内。",
                               "milestones")
    amounts = [parse_amount(a, "milestones", f"里程碑「{t}」拨付金额") for t, _, a in milestones]
    if sum(amounts, ZERO) != claim.decided_amount:
        raise FundingError(f"里程碑拨付金额合计 {money(sum(amounts, ZERO))} 元，须等于决定金额 "
                           f"{money(claim.decided_amount)} 元。", "milestones")
    with transaction.atomic():
        project = Project.objects.create(claim=claim, lead=lead, starts_on=starts_on, ends_on=ends_on,
                                         registry_subject=registry_subject)
        for (title, due, _), amount in zip(milestones, amounts, strict=True):
            Milestone.objects.create(project=project, title=title, due_on=due, amount=amount)
        Claim.objects.filter(pk=claim.pk).update(acceptance_due=ends_on)
        record(user, "funding.task_book", claim, f"任务书：{len(milestones)} 个里程碑，验收期限 {ends_on}")
        _event(claim, "task_book", user, claim.state,
               f"任务书：负责人 {lead}，{len(milestones)} 个里程碑，合计 {money(claim.decided_amount)} 元")
    notify(claim.organization, "任务书已下达", f"{claim.title}：任务书已下达，实施期至 {ends_on:%Y年%m月%d日}。",
           f"/funding/claims/{claim.pk}/", user)
    return project


def parse_date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FundingError(f"{label}：请按 年-月-日 填写日期，如 2025-06-30。", field) from None


def parse_milestones(text: str) -> list[tuple[str, dt.date, str]]:
    """One milestone a line: 名称，计划完成日期，拨付金额 (commas, Chinese commas or tabs)."""
    out = []
    for n, raw in enumerate((text or "").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace("，", ",").replace("\t", ",").split(",", 2)]
        if len(parts) != 3 or not parts[0]:
            raise FundingError(f"里程碑第 {n} 行「{line}」：请按「名称，计划完成日期，拨付金额」填写，如 "
                               "「样机研制，2025-06-30，300000」。", "milestones")
        out.append((parts[0][:200], parse_date(parts[1], "milestones", f"里程碑第 {n} 行的计划完成日期"), parts[2]))
    if not out:
        raise FundingError("里程碑：请至少填写一个里程碑（名称，计划完成日期，拨付金额）。", "milestones")
    return out


def pay_milestone(user: Any, milestone_id: int) -> LedgerEntry:
    """分期拨付: finance pays one accepted milestone's tranche against the claim's commitment (once per milestone)."""
    if getattr(user, "role", "") != "finance":
        raise FundingError("拨付须由财政部门账户办理。")
    with transaction.atomic():
        ms = Milestone.objects.select_related("project__claim__organization").get(pk=milestone_id)
        claim = Claim.objects.select_for_update().get(pk=ms.project.claim_id)
        if claim.state != "approved":
            raise FundingError(f"项目处于「{claim.internal_state}」，公示期满后才能拨付。", "state")
        if ms.project.status != "active":
            raise FundingError(f"项目{ms.project.get_status_display()}，不能再拨付。", "project")
        if ms.accepted_on is None:
            raise FundingError(f"里程碑「{ms.title}」尚未验收，验收通过后才能拨付该笔资金。", "milestone")
        from funding.checks import check_payable

        check_payable(claim, ms.amount)  # eligibility and the blacklist again, at payment time
        key = f"milestone:{ms.pk}"
        earlier = LedgerEntry.objects.filter(Q(idempotency_key=key) | Q(idempotency_key__startswith=f"{key}:r"),
                                             kind=LedgerEntry.Kind.PAYMENT)
        if earlier.filter(reversed_by__isnull=True).exists():
            raise FundingError(f"里程碑「{ms.title}」已拨付，不能重复拨付。", "idempotency_key")
        if earlier.exists():  # the bank failed or returned the earlier payment: re-issue under a new key
            key = f"{key}:r{earlier.count()}"
        commitment = claim.entries.get(kind=LedgerEntry.Kind.COMMITMENT, reversed_by__isnull=True)
        paid = claim.entries.aggregate(s=Sum("paid_delta"))["s"] or ZERO
        if paid + ms.amount > commitment.amount:
            raise FundingError("该笔拨付将超过决定金额，请核对任务书。", "amount")
        entry = _append(
            kind=LedgerEntry.Kind.PAYMENT, budget_line=commitment.budget_line, organization=claim.organization,
            claim=claim, amount=ms.amount, committed_delta=-ms.amount, paid_delta=ms.amount,
            decision=commitment.decision, document=commitment.document, article=commitment.article,
            provision_id=commitment.provision_id, year=commitment.year, idempotency_key=key,
            bank_account=claim.bank_account, created_by=user, memo=f"分期拨付：{ms.title}"[:200])
        if paid + ms.amount == commitment.amount:
            from_state = claim.state
            claim.pay()
            claim.save()
            _event(claim, "pay", user, from_state, f"最后一期：{ms.title}", amount=str(ms.amount))
        notify(claim.organization, "分期资金已拨付", f"{claim.title}：里程碑「{ms.title}」拨付 {money(ms.amount)} 元。",
               f"/funding/claims/{claim.pk}/", user)
    return entry


def accept_milestone(user: Any, milestone_id: int) -> Milestone:
    _bureau(user)
    ms = Milestone.objects.get(pk=milestone_id)
    if ms.accepted_on is None:
        ms.accepted_on, ms.accepted_by = timezone.localdate(), user
        ms.save(update_fields=["accepted_on", "accepted_by"])
        record(user, "funding.milestone_accepted", ms.project.claim, f"里程碑验收：{ms.title}")
    return ms


MIDTERM_CONCLUSIONS = ("通过", "整改", "不通过")


def midterm_check(user: Any, project: Project, result: str, conclusion: str = "通过") -> Project:
    """中期检查: a conclusion (通过 / 限期整改 / 不通过) and the comments."""
    _bureau(user)
    if conclusion not in MIDTERM_CONCLUSIONS:
        raise FundingError("中期检查结论：请选择 通过、限期整改 或 不通过。", "midterm_conclusion")
    if not (result or "").strip():
        raise FundingError("中期检查意见：请填写检查意见。", "midterm_result")
    check_text(result.strip(), "midterm_result", "中期检查意见")
    project.midterm_on, project.midterm_result = timezone.localdate(), result.strip()
    project.midterm_conclusion = conclusion
    project.save(update_fields=["midterm_on", "midterm_result", "midterm_conclusion"])
    record(user, "funding.midterm_check", project.claim, f"中期检查：{conclusion}；{result.strip()[:80]}")
    _event(project.claim, "midterm", user, project.claim.state, f"中期检查{conclusion}：{result.strip()}")
    return project


def accept_project(user: Any, project: Project, result: str, on: dt.date | None = None,
                   passed: bool = True) -> Recognition | None:
    """验收: passed, it becomes a dated registry event (kind 承担科技项目) that the policy engine can read; not
    passed, the conclusion is recorded (the project stays open for a re-check)."""
    _bureau(user)
    if not (result or "").strip():
        raise FundingError("验收结论：请填写验收意见。", "acceptance_result")
    check_text(result.strip(), "acceptance_result", "验收意见")
    if project.acceptance_passed:
        raise FundingError("该项目已通过验收，不能重复验收。", "acceptance_result")
    on = on or timezone.localdate()
    with transaction.atomic():
        project.accepted_on, project.acceptance_result = on, result.strip()
        project.acceptance_passed = passed
        project.save(update_fields=["accepted_on", "acceptance_result", "acceptance_passed"])
        verdict = "通过" if passed else "不通过"
        _event(project.claim, "acceptance", user, project.claim.state, f"验收{verdict}：{result.strip()}")
        record(user, "funding.project_accepted" if passed else "funding.project_not_accepted", project.claim,
               f"项目验收{verdict}：{result[:80]}")
        if not passed:
            return None
        Claim.objects.filter(pk=project.claim_id).update(accepted_on=on)
        event = Recognition.objects.create(
            organization=project.claim.organization, kind="project", subject=project.registry_subject or "project",
            title=f"{project.claim.title}（通过验收）"[:200], level="city", grade="通过验收", occurred_on=on,
            reference=f"{project.claim.citation}；项目验收", attributes={"funding_claim": project.claim_id})
    return event


def grade_project(user: Any, project: Project, grade: str, on: dt.date | None = None) -> Recognition:
    """绩效评价 grade as a dated registry event (kind 平台/载体考核评价, the grade the engine reads, e.g. 优秀)."""
    _bureau(user)
    if grade not in Project.Grade.values:
        raise FundingError(f"绩效评价等次：请选择 {'、'.join(Project.Grade.values)} 之一。", "grade")
    on = on or timezone.localdate()
    with transaction.atomic():
        project.grade, project.graded_on = grade, on
        project.save(update_fields=["grade", "graded_on"])
        event = Recognition.objects.create(
            organization=project.claim.organization, kind="platform_evaluation",
            subject=project.registry_subject or "project", title=f"{project.claim.title} 绩效评价"[:200], level="city",
            grade=grade, occurred_on=on, reference=f"{project.claim.citation}；绩效评价",
            attributes={"funding_claim": project.claim_id})
        record(user, "funding.project_graded", project.claim, f"绩效评价：{grade}")
        _event(project.claim, "grade", user, project.claim.state, f"绩效评价：{grade}")
    return event


# ------------------------------------------------------------------------------------------- 揭榜挂帅


def bid(user: Any, challenge: Challenge, team_lead: str, plan: str, bank_account: str = "") -> ChallengeBid:
    org = getattr(user, "organization", None)
    if org is None or access.is_staff_role(user):
        raise FundingError("只有企业或机构账户可以揭榜。")
    if timezone.now() > challenge.deadline:
        raise FundingError(f"榜单「{challenge.title}」已于 {timezone.localtime(challenge.deadline):%Y年%m月%d日} 截止揭榜。",
                           "deadline")
    if challenge.selected_id:
        raise FundingError("该榜单已确定揭榜单位。", "challenge")
    check_not_blacklisted(org, "揭榜")
    if not (team_lead or "").strip() or not (plan or "").strip():
        raise FundingError("请填写团队负责人和攻关方案。", "plan")
    from funding.models import SUMMARY_MAX

    if len(plan.strip()) > SUMMARY_MAX or len(team_lead.strip()) > 40:
        raise FundingError(f"攻关方案不超过 {SUMMARY_MAX:,} 字、团队负责人不超过 40 字，请精简。", "plan")
    if ChallengeBid.objects.filter(challenge=challenge, organization=org).exists():
        raise FundingError("本单位已揭榜该榜单。", "challenge")
    from funding.services import bank_account_number

    account_no = bank_account_number(bank_account, "bank_account", "收款账号")
    if not account_no:
        raise FundingError("收款账号：请填写 8–32 位数字的银行账号。", "bank_account")
    return ChallengeBid.objects.create(challenge=challenge, organization=org, team_lead=team_lead.strip()[:40],
                                       plan=plan.strip(), bank_account=account_no)


def select_bid(user: Any, bid_id: int) -> Claim:
    """The bureau selects one team; its claim (ceiling = bounty, B 第7条 不超过 200 万元) goes to the decision step."""
    _bureau(user)
    with transaction.atomic():
        chosen = ChallengeBid.objects.select_related("challenge", "organization").filter(pk=bid_id).first()
        if chosen is None:
            raise FundingError(f"入选团队：没有编号为 {bid_id} 的揭榜申请，请在榜单下选择。", "select")
        challenge = Challenge.objects.select_for_update().get(pk=chosen.challenge_id)
        if challenge.selected_id:
            raise FundingError("该榜单已确定揭榜单位。", "challenge")
        check_not_blacklisted(chosen.organization, "揭榜")
        challenge.selected = chosen
        challenge.save(update_fields=["selected"])
        claim = Claim.objects.create(
            programme=challenge.programme, organization=chosen.organization, origin=Claim.Origin.CALL,
            provision_id=f"challenge:{challenge.pk}", title=f"揭榜挂帅：{challenge.title}"[:200], document=B_DOC,
            article=B_ART7, year=challenge.programme.year, is_ceiling=True, entitled_amount=challenge.bounty,
            project_title=challenge.title, summary=chosen.plan, bank_account=chosen.bank_account, state="decision",
            created_by=user)
        _event(claim, "create", user, "", f"揭榜挂帅入选（{challenge.get_kind_display()}）")
        notify(chosen.organization, "揭榜挂帅：贵单位入选", f"榜单「{challenge.title}」确定由贵单位揭榜，市科技局将决定支持金额。",
               f"/funding/claims/{claim.pk}/", user)
    return claim


def milestone_plan(challenge: Challenge, start: dt.date) -> list[tuple[str, dt.date, Decimal]]:
    """The challenge's milestones as a 任务书 plan for a decided amount equal to the bounty."""
    out, total = [], ZERO
    items = challenge.milestones or [{"title": "项目验收", "months": 24, "share": 1}]
    for i, m in enumerate(items):
        amount = (challenge.bounty * Decimal(str(m.get("share", 0)))).quantize(Decimal("0.01"))
        if i == len(items) - 1:
            amount = challenge.bounty - total
        total += amount
        out.append((m.get("title", f"里程碑{i + 1}"), start + dt.timedelta(days=30 * int(m.get("months", 12))), amount))
    return out

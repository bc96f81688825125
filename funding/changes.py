"""After 立项: change requests (延期, 预算调剂, change of project lead), termination with clawback and return of the
unspent balance (结余), and the close-out (结题) that every project goes through.

Money stays on the ledger: the unspent commitment is released by one reversal entry of the commitment (for the
remaining amount only), paid money comes back through ``services.clawback`` (finance), and nothing is edited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from core.audit import account, record
from funding import access
from funding.models import ChangeRequest, Claim, LedgerEntry, Project
from funding.notify import notify
from funding.projects import parse_date
from funding.services import ZERO, FundingError, _append, _event, check_text, clawback, money, parse_amount


def _project(project: Project) -> Project:
    return Project.objects.select_related("claim__organization").get(pk=project.pk)


def _open(project: Project) -> None:
    if project.status != "active":
        raise FundingError(f"项目{project.get_status_display()}，不能再办理变更。", "project")


def file_change(user: Any, project: Project, kind: str, reason: str, values: dict[str, Any]) -> ChangeRequest:
    """The applicant files a change; its content is checked now so that an approval cannot fail later."""
    project = _project(project)
    claim = project.claim
    if not access.is_applicant(user, claim):
        raise FundingError("只有项目承担单位可以提出变更申请。")
    _open(project)
    reason = check_text((reason or "").strip(), "reason", "变更理由")
    if not reason:
        raise FundingError("变更理由：请说明变更的原因。", "reason")
    if project.changes.filter(kind=kind, state=ChangeRequest.State.PENDING).exists():
        raise FundingError("同类变更申请尚在审批中，请等待审批结果。", "kind")
    if kind == ChangeRequest.Kind.EXTENSION:
        new_end = parse_date(values.get("ends_on"), "ends_on", "延期后的结束日期")
        if new_end <= project.ends_on:
            raise FundingError(f"延期后的结束日期须晚于原结束日期 {project.ends_on}。", "ends_on")
        if new_end > project.ends_on.replace(year=project.ends_on.year + 1):
            raise FundingError("延期后的结束日期：一次延期不超过 12 个月。", "ends_on")
        payload, summary = {"ends_on": new_end.isoformat()}, f"结束日期 {project.ends_on} → {new_end}"
    elif kind == ChangeRequest.Kind.LEAD:
        lead = str(values.get("lead") or "").strip()
        if not lead or lead == project.lead:
            raise FundingError("新项目负责人：请填写与现负责人不同的姓名。", "lead")
        payload, summary = {"lead": lead[:40]}, f"项目负责人 {project.lead} → {lead[:40]}"
    elif kind == ChangeRequest.Kind.BUDGET:
        payload = _budget_payload(project, values.get("amounts") or {})
        names = {m.pk: m for m in project.milestones.all()}
        summary = "；".join(f"{names[int(k)].title} {money(names[int(k)].amount)} → {money(v)} 元"
                           for k, v in payload["amounts"].items())
    else:
        raise FundingError("变更类型：请选择 延期、预算调剂 或 变更项目负责人。", "kind")
    with transaction.atomic():
        change = ChangeRequest.objects.create(project=project, kind=kind, payload=payload, summary=summary[:300],
                                              reason=reason, filed_by=account(user))
        _event(claim, "change_filed", user, claim.state, f"{change.get_kind_display()}：{summary}；理由：{reason}")
        record(user, "funding.change_filed", claim, f"变更申请：{change.get_kind_display()}：{summary}")
    return change


def _budget_payload(project: Project, amounts: dict[Any, Any]) -> dict:
    """预算调剂: new amounts for unpaid milestones; the total of the 任务书 stays the decided amount."""
    milestones = {m.pk: m for m in project.milestones.all()}
    paid = {k.split(":")[1] for k in LedgerEntry.objects.filter(
        claim=project.claim, kind=LedgerEntry.Kind.PAYMENT, reversed_by__isnull=True,
        idempotency_key__startswith="milestone:").values_list("idempotency_key", flat=True)}
    new: dict[str, str] = {}
    for key, value in amounts.items():
        try:
            ms = milestones[int(key)]
        except (KeyError, ValueError, TypeError):
            raise FundingError("预算调剂：请选择本项目任务书中的里程碑。", "amounts") from None
        if str(ms.pk) in paid:
            raise FundingError(f"里程碑「{ms.title}」已拨付，不能调剂。", "amounts")
        amount = parse_amount(value, "amounts", f"里程碑「{ms.title}」调剂后金额")
        if amount != ms.amount:
            new[str(ms.pk)] = str(amount)
    if not new:
        raise FundingError("预算调剂：请至少修改一个未拨付里程碑的金额。", "amounts")
    before = sum((milestones[int(k)].amount for k in new), ZERO)
    after = sum((Decimal(v) for v in new.values()), ZERO)
    if before != after:
        raise FundingError(f"预算调剂：调剂后合计 {money(after)} 元须等于调剂前合计 {money(before)} 元"
                           "（任务书总额不变）。", "amounts")
    return {"amounts": new}


def decide_change(user: Any, change_id: int, approve: bool, note: str = "") -> ChangeRequest:
    """The bureau approves (the change applies) or refuses (with a reason); both stay in the history."""
    if not access.is_bureau(user):
        raise FundingError("只有市科技局可以审批项目变更。")
    note = check_text((note or "").strip(), "note", "审批意见")
    if not approve and not note:
        raise FundingError("不予批准须填写审批意见，说明原因。", "note")
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().select_related("project__claim__organization") \
            .get(pk=change_id)
        if change.state != ChangeRequest.State.PENDING:
            raise FundingError(f"该变更申请{change.get_state_display()}，不能重复审批。", "state")
        project = Project.objects.select_for_update().get(pk=change.project_id)
        _open(project)
        if approve:
            if change.kind == ChangeRequest.Kind.EXTENSION:
                project.ends_on = dt.date.fromisoformat(change.payload["ends_on"])
                project.save(update_fields=["ends_on"])
                Claim.objects.filter(pk=project.claim_id).update(acceptance_due=project.ends_on)
            elif change.kind == ChangeRequest.Kind.LEAD:
                project.lead = change.payload["lead"]
                project.save(update_fields=["lead"])
            else:
                _budget_payload(project, change.payload["amounts"])  # still valid (nothing paid meanwhile)
                for pk, amount in change.payload["amounts"].items():
                    project.milestones.filter(pk=int(pk)).update(amount=Decimal(amount))
        change.state = ChangeRequest.State.APPROVED if approve else ChangeRequest.State.REFUSED
        change.decided_by, change.decided_at, change.decision_note = user, timezone.now(), note
        change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        claim = change.project.claim
        _event(claim, "change_decided", user, claim.state,
               f"{change.get_kind_display()}{change.get_state_display()}：{change.summary}"
               + (f"；意见：{note}" if note else ""))
        record(user, "funding.change_decided", claim, f"变更{change.get_state_display()}：{change.summary}")
        notify(claim.organization, f"项目变更{change.get_state_display()}",
               f"{claim.title}：{change.get_kind_display()}（{change.summary}）{change.get_state_display()}。"
               + (f"\n意见：{note}" if note else ""), f"/funding/claims/{claim.pk}/", user)
    return change


def _remaining_commitment(claim: Claim) -> Decimal:
    return claim.entries.aggregate(s=Sum("committed_delta"))["s"] or ZERO


def _release_balance(user: Any, claim: Claim, why: str) -> LedgerEntry | None:
    """结余: the unpaid part of the commitment goes back to the budget line by one reversal entry."""
    remaining = _remaining_commitment(claim)
    if remaining <= 0:
        return None
    commitment = claim.entries.get(kind=LedgerEntry.Kind.COMMITMENT)
    try:
        with transaction.atomic():
            return _append(
                kind=LedgerEntry.Kind.REVERSAL, budget_line=commitment.budget_line, organization=claim.organization,
                claim=claim, amount=remaining, committed_delta=-remaining, paid_delta=ZERO,
                decision=commitment.decision, document=commitment.document, article=commitment.article,
                provision_id=commitment.provision_id, year=commitment.year, idempotency_key=f"release:{claim.pk}",
                reverses=commitment, created_by=account(user), memo=f"结余退回（{why}）"[:200])
    except IntegrityError:
        raise FundingError("该项目的结余已退回，不能重复退回。", "ledger") from None


def terminate(user: Any, project: Project, reason: str, clawback_amount: Any = 0) -> Project:
    """终止: the unpaid commitment is released at once; the money to claw back is set here and recovered by
    finance (``recover``) through the clawback service."""
    if not access.is_bureau(user):
        raise FundingError("只有市科技局可以终止项目。")
    reason = check_text((reason or "").strip(), "reason", "终止原因")
    if not reason:
        raise FundingError("终止原因：请填写终止项目的原因。", "reason")
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("claim__organization").get(pk=project.pk)
        _open(project)
        claim = Claim.objects.select_for_update().get(pk=project.claim_id)
        paid = claim.entries.aggregate(s=Sum("paid_delta"))["s"] or ZERO
        due = ZERO if clawback_amount in (None, "", 0, "0") else parse_amount(clawback_amount, "clawback", "应追回金额")
        if due > paid:
            raise FundingError(f"应追回金额 {money(due)} 元超过已拨付 {money(paid)} 元，请核对。", "clawback")
        released = _release_balance(user, claim, "项目终止")
        project.status, project.terminated_on, project.termination_reason = "terminated", timezone.localdate(), reason
        project.clawback_due = due
        project.save(update_fields=["status", "terminated_on", "termination_reason", "clawback_due"])
        project.changes.filter(state=ChangeRequest.State.PENDING).update(
            state=ChangeRequest.State.REFUSED, decided_by=user, decided_at=timezone.now(), decision_note="项目已终止")
        text = (f"项目终止：{reason}；结余退回 {money(released.amount if released else 0)} 元；"
                f"应追回已拨资金 {money(due)} 元")
        _event(claim, "terminate", user, claim.state, text)
        record(user, "funding.terminated", claim, text)
        notify(claim.organization, "项目已终止", f"{claim.title}：{text}。", f"/funding/claims/{claim.pk}/", user)
    return project


def recovered(project: Project) -> Decimal:
    return project.claim.entries.filter(kind=LedgerEntry.Kind.CLAWBACK).aggregate(s=Sum("amount"))["s"] or ZERO


def recover(user: Any, project: Project) -> LedgerEntry:
    """Finance registers the clawback that the termination decided (once: its idempotency key)."""
    project = _project(project)
    if project.status == "active" or project.clawback_due <= 0:
        raise FundingError("该项目没有待追回的资金。", "clawback")
    owed = project.clawback_due - recovered(project)
    if owed <= 0:
        raise FundingError("该项目的应追回资金已全部追回。", "clawback")
    try:
        return clawback(user, project.claim, owed, f"项目终止追回：{project.termination_reason}"[:150],
                        key=f"terminate-clawback:{project.claim_id}")
    except IntegrityError:
        raise FundingError("该项目的追回已登记，不能重复登记。", "clawback") from None


def close_out(user: Any, project: Project, note: str = "") -> Project:
    """结题: the last step of every project. An active project must be accepted and graded; a terminated one must
    have its clawback recovered. The unpaid balance of the commitment is released."""
    if not access.is_bureau(user):
        raise FundingError("只有市科技局可以办理结题。")
    note = check_text((note or "").strip(), "note", "结题意见")
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("claim__organization").get(pk=project.pk)
        if project.status == "closed":
            raise FundingError("该项目已结题。", "project")
        if project.status == "active":
            if not project.acceptance_passed:
                raise FundingError("结题：项目尚未通过验收，请先办理验收。", "acceptance")
            if not project.grade:
                raise FundingError("结题：项目尚未进行绩效评价，请先办理绩效评价。", "grade")
        elif recovered(project) < project.clawback_due:
            raise FundingError(f"结题：应追回 {money(project.clawback_due)} 元，已追回 {money(recovered(project))} 元，"
                               "追回完毕后才能结题。", "clawback")
        claim = Claim.objects.select_for_update().get(pk=project.claim_id)
        released = _release_balance(user, claim, "结题")
        project.status, project.closed_on = "closed", timezone.localdate()
        project.save(update_fields=["status", "closed_on"])
        text = "结题" + (f"；结余退回 {money(released.amount)} 元" if released else "") + (f"；{note}" if note else "")
        _event(claim, "close_out", user, claim.state, text)
        record(user, "funding.closed_out", claim, text)
        notify(claim.organization, "项目已结题", f"{claim.title}：{text}。", f"/funding/claims/{claim.pk}/", user)
    return project


def open_projects() -> Any:
    """Projects that have not been closed out: none may skip 结题 (listed by the CLI and the overdue job)."""
    return Project.objects.exclude(status="closed").select_related("claim__organization")

"""A policy year set up by bureau staff on pages: programmes by kind, workflows by name, budget lines, copying last
year's; and bulk work on claims (pass, return, pay) with a per-item result. Money still moves only through
``funding.services`` (``create_programme``, ``add_budget_line``, ``perform``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import record
from funding import access, services, workflow
from funding.models import BudgetLine, Claim, FundingSource, Programme, ProgrammeKind
from funding.services import FundingError

# name → (label, steps); the roles are always the default ones (an applicant never decides or pays)
WORKFLOWS: dict[str, tuple[str, list[str]]] = {
    "standard": ("标准流程（含区市初审、评审）", list(workflow.STEPS)),
    "fixed": ("免评审（定额奖补）", ["district_check", "formal_check", "decision", "publicity", "approved"]),
    "zone": ("功能区直报（无区市初审）", ["formal_check", "review", "decision", "publicity", "approved"]),
    "direct": ("直报免评审（形式审查后决定）", ["formal_check", "decision", "publicity", "approved"]),
}
DEFAULT_WORKFLOW_OF_KIND = {"entitlement": "standard", "call": "standard", "voucher": "direct",
                            "risk_pool": "direct", "challenge": "standard", "incubation": "fixed",
                            "tech_contract": "fixed"}
LINE_ROWS = 4  # budget-line rows on the set-up form


def steps_text(steps: list[str]) -> str:
    """The steps in Chinese, from submission to payment."""
    return " → ".join(workflow.internal_label(s) for s in steps)


def workflow_name(programme: Programme) -> str:
    steps = list((programme.workflow or {}).get("steps") or workflow.STEPS)
    return next((label for label, s in WORKFLOWS.values() if s == steps), "自定义流程")


def _expected_kinds(claim: Claim) -> set[str]:
    if claim.provision_id.startswith("VOUCHER."):
        return {"voucher"}
    if claim.provision_id == "A.19.risk_compensation":
        return {"risk_pool"}
    kind = next((k for prefix, k in services.KIND_OF_PROVISION if claim.provision_id.startswith(prefix)), None)
    if kind and claim.origin != Claim.Origin.CALL:
        return {kind}
    if claim.origin == Claim.Origin.CALL:
        return {"call", "challenge"}
    return {"entitlement"}


def kind_error(claim: Claim) -> str:
    """Why ``claim`` may not draw on its programme ("" when it may). A 政策兑现 programme takes any claim (years
    set up before kinds existed); every other kind only its own claims."""
    kind = claim.programme.kind
    if kind == ProgrammeKind.ENTITLEMENT or kind in _expected_kinds(claim):
        return ""
    return (f"专项：「{claim.programme}」是{claim.programme.get_kind_display()}专项，不能用于本申报；"
            f"请选择{'或'.join(ProgrammeKind(k).label for k in sorted(_expected_kinds(claim)))}专项。")


# ------------------------------------------------------------------------------------------- set-up forms


def _int(value: Any, field: str, label: str, low: int, high: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise FundingError(f"{label}：请填写 {low}–{high} 的整数。", field) from None
    if not low <= n <= high:
        raise FundingError(f"{label}：请填写 {low}–{high} 的整数。", field)
    return n


def _iso(value: Any, field: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise FundingError(f"{label}：请按 YYYY-MM-DD 填写日期，如 2027-01-01。", field) from None


MAX_LINE = 10**14  # BudgetLine.amount holds 16 digits, 2 of them fen


def _amount(value: Any, field: str, label: str) -> Any:
    try:
        amount = services.parse_amount(value, field, label)
    except InvalidOperation:  # beyond the context's precision, e.g. 1e30
        amount = Decimal(MAX_LINE)
    if amount >= MAX_LINE:
        raise FundingError(f"{label}：金额过大，请核对（须小于 {MAX_LINE:,} 元）。", field)
    return amount


def _bureau(user: Any) -> None:
    if not access.is_bureau(user):
        raise FundingError("只有市科技局可以设立专项。", "user")


def create_from_form(user: Any, data: Any) -> Programme:
    """The set-up page: a programme of a named kind and workflow with its budget lines, all or nothing."""
    _bureau(user)
    name = str(data.get("name", "")).strip()
    if not name:
        raise FundingError("专项名称：请填写，如 科技创新发展专项资金。", "name")
    if len(name) > 120:
        raise FundingError("专项名称：最多 120 个字。", "name")
    year = _int(data.get("year"), "year", "年度", 2000, 2100)
    kind = str(data.get("kind", ""))
    if kind not in ProgrammeKind.values:
        raise FundingError("专项类型：请从 " + "、".join(ProgrammeKind.labels) + " 中选择。", "kind")
    flow = str(data.get("workflow", ""))
    if flow not in WORKFLOWS:
        raise FundingError("办理流程：请从 " + "、".join(label for label, _ in WORKFLOWS.values()) + " 中选择。",
                           "workflow")
    days = _int(data.get("publicity_days", ""), "publicity_days", "公示天数", 0, 60)
    legal_basis = str(data.get("legal_basis", "")).strip()
    if len(legal_basis) > 200:
        raise FundingError("设立依据：最多 200 个字。", "legal_basis")
    if Programme.objects.filter(name=name, year=year).exists():
        raise FundingError(f"专项名称：{year} 年度已有「{name}」，请换一个名称或年度。", "name")
    lines = []
    for i in range(LINE_ROWS):
        line_name = str(data.get(f"line_name_{i}", "")).strip()
        amount = str(data.get(f"line_amount_{i}", "")).strip()
        if not line_name and not amount:
            continue
        n = i + 1
        if not line_name:
            raise FundingError(f"第 {n} 行预算科目：请填写科目名称。", f"line_name_{i}")
        source = str(data.get(f"line_source_{i}", ""))
        if source not in FundingSource.values:
            raise FundingError(f"第 {n} 行资金来源：请选择 市级、区级 或 省级。", f"line_source_{i}")
        lines.append((line_name[:120], source, _amount(amount, f"line_amount_{i}", f"第 {n} 行预算金额")))
    if not lines:
        raise FundingError("预算科目：请至少填写一行（科目名称、资金来源、金额）。", "line_name_0")
    try:
        return services.create_programme(user, name, year, legal_basis, lines=lines,
                                         workflow_def={"steps": list(WORKFLOWS[flow][1])}, publicity_days=days,
                                         kind=kind)
    except ValidationError as exc:
        field, msgs = next(iter(exc.message_dict.items()))
        raise FundingError(f"{field}：{'；'.join(msgs)}", field) from None


def lines_to_confirm() -> list[BudgetLine]:
    """Finance's list: budget lines not yet confirmed, oldest programme year first."""
    return list(BudgetLine.objects.filter(confirmed_at__isnull=True).select_related("programme")
                .order_by("programme__year", "programme_id", "id"))


# ------------------------------------------------------------------------------------------- copying a year


def copy_plan(from_year: int) -> list[dict]:
    """What "以上一年度为基础开设本年度" would copy: each programme of ``from_year`` with its lines."""
    from vouchers.models import VoucherProgramme

    taken = set(Programme.objects.filter(year=from_year + 1).values_list("name", flat=True))
    plan = []
    for p in Programme.objects.filter(year=from_year).prefetch_related("budget_lines").order_by("id"):
        vp = VoucherProgramme.objects.filter(funding_programme=p).first() if p.kind == "voucher" else None
        skip = ("风险补偿资金池跨年度滚动使用，不按年度复制" if p.kind == "risk_pool"
                else f"{from_year + 1} 年度已有同名专项" if p.name in taken
                else "创新券专项须有年度计划才能复制" if p.kind == "voucher" and vp is None
                else f"{from_year + 1} 年度已有创新券年度计划"
                if vp is not None and VoucherProgramme.objects.filter(year=from_year + 1).exists() else "")
        lines = list(p.budget_lines.all())
        if vp is not None:  # a voucher year is its city line and its province line
            lines = [x for x in lines if x.pk in (vp.city_line_id, vp.province_line_id)]
        plan.append({"programme": p, "lines": lines, "voucher": vp, "skip": skip,
                     "steps": steps_text(p.workflow.get("steps") or workflow.STEPS),
                     "workflow_name": workflow_name(p)})
    return plan


def copy_year(user: Any, from_year: int, data: Any) -> list[Programme]:
    """Every copyable programme of ``from_year`` opened in the next year with its budget lines (amounts as typed
    in ``amount_<line id>``, unconfirmed: finance confirms again); a voucher programme with its kinds. All or
    nothing."""
    from vouchers import yearcopy

    _bureau(user)
    to_year = from_year + 1
    plan = [row for row in copy_plan(from_year) if not row["skip"]]
    if not plan:
        raise FundingError(f"年度：{from_year} 年度没有可复制的专项。", "from_year")
    amounts = {line.pk: _amount(data.get(f"amount_{line.pk}", ""), f"amount_{line.pk}",
                                f"「{row['programme'].name}·{line.name}」{to_year} 年预算金额")
               for row in plan for line in row["lines"]}
    out = []
    with transaction.atomic():
        for row in plan:
            p, vp = row["programme"], row["voucher"]
            if vp is not None:
                starts = _iso(data.get(f"starts_{vp.pk}"), f"starts_{vp.pk}", "创新券开始日期")
                expires = _iso(data.get(f"expires_{vp.pk}"), f"expires_{vp.pk}", "创新券有效期至")
                new_vp = yearcopy.copy_voucher_programme(
                    user, vp, to_year, amounts[vp.city_line_id],
                    amounts.get(vp.province_line_id), starts, expires)
                out.append(new_vp.funding_programme)
                continue
            out.append(services.create_programme(
                user, p.name, to_year, p.legal_basis, lines=[(x.name, x.source, amounts[x.pk]) for x in row["lines"]],
                workflow_def=p.workflow, required_attachments=list(p.required_attachments),
                publicity_days=p.publicity_days, kind=p.kind))
        record(user, "funding.year_copied", out[0], f"以 {from_year} 年度为基础开设 {to_year} 年度专项 {len(out)} 个",
               from_year=from_year, to_year=to_year)
    return out


def default_voucher_dates(vp: Any) -> tuple[dt.date, dt.date]:
    return vp.starts_on + relativedelta(years=1), vp.expires_on + relativedelta(years=1)


# ------------------------------------------------------------------------------------------- bulk work

PASS_BY_STATE = {"district_check": "district_pass", "formal_check": "formal_pass", "review": "review_done",
                 "decision": "decide", "publicity": "publicity_end"}
MAX_BULK = 500  # a form of more fields than Django accepts (1,000) never reaches the view
BULK_ACTIONS = {"pass": "批量通过", "return": "批量退回", "pay": "批量拨付"}


@dataclass
class ItemResult:
    claim_id: int
    title: str
    ok: bool
    message: str


def bulk(user: Any, ids: list[Any], action: str, reason: str = "") -> list[ItemResult]:
    """Each claim through ``services.perform`` in its own transaction: one failure does not stop the others.
    "pass" fires the pass step of the claim's own state; "pay" pays with the claim's idempotency key."""
    if action not in BULK_ACTIONS:
        raise FundingError("批量操作：请选择 批量通过、批量退回 或 批量拨付。", "action")
    try:
        wanted = sorted({int(x) for x in ids})
    except (TypeError, ValueError):
        raise FundingError("申报：请勾选要办理的申报。", "ids") from None
    if not wanted:
        raise FundingError("申报：请至少勾选一项。", "ids")
    if len(wanted) > MAX_BULK:
        raise FundingError(f"申报：一次最多办理 {MAX_BULK:,} 项，请分批办理。", "ids")
    if action == "return" and not (reason or "").strip():
        raise FundingError("退回理由：批量退回须填写理由，将发给每个申请单位。", "reason")
    in_range = [pk for pk in wanted if 0 < pk < 2**31]  # an id no row can have is simply not found
    visible = {c.pk: c for c in access.visible_claims(user).filter(pk__in=in_range)}
    out = []
    for pk in wanted:
        claim = visible.get(pk)
        if claim is None:
            out.append(ItemResult(pk, "", False, "未找到该申报，或您无权办理。"))
            continue
        name = {"pass": PASS_BY_STATE.get(claim.state, ""), "return": "return_to_applicant", "pay": "pay"}[action]
        try:
            if not name:
                raise FundingError(f"申报当前为「{claim.internal_state}」，没有可批量通过的步骤。", "state")
            done = services.perform(user, pk, name, reason)
            out.append(ItemResult(pk, claim.title, True, f"已{workflow.BY_NAME[name].label}，现为「{done.internal_state}」"))
        except FundingError as exc:
            out.append(ItemResult(pk, claim.title, False, str(exc)))
        except ValidationError as exc:
            out.append(ItemResult(pk, claim.title, False, "；".join(exc.messages)))
    return out

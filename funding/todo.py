"""Funding's share of 我的待办: claims waiting at the account's step, budget lines to confirm, payments to make and
payments without a bank return. Who holds a step is the workflow's declaration (``STEP_HOLDERS``); which claims an
account sees is funding's access layer, as on the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from funding import access
from funding.models import BudgetLine, Claim, LedgerEntry
from worklist.tasks import Group, Task

#: state → (the role whose work it is, how the work list names it)
STEP_HOLDERS: dict[str, tuple[str, str]] = {
    "district_check": ("district", "待区市初审的申报"),
    "formal_check": ("bureau", "待形式审查的申报"),
    "objected": ("bureau", "企业有异议、待处理的申报"),
    "review": ("bureau", "评审中的申报（待完成评审）"),
    "decision": ("bureau", "待决定资助金额的申报"),
    "publicity": ("bureau", "公示期满、待确认的申报"),
    "approved": ("finance", "待拨付的申报"),
}
#: the applicant's own work
APPLICANT_STEPS: dict[str, str] = {
    "awaiting_confirmation": "待本单位确认的免申即享申报",
    "returned": "被退回、待修改后重新提交的申报",
    "draft": "未提交的申报草稿",
}


def _claims(label: str, qs: QuerySet[Claim], more_url: str, due: str | None = None) -> Group:
    qs = qs.order_by("updated_at", "id")

    def items() -> Iterable[Task]:
        for c in qs[:10]:
            yield Task(title=f"{c.organization.name} · {c.title}（{c.year} 年度）",
                       url=reverse("funding:claim", args=[c.pk]), since=c.updated_at.date(),
                       due=getattr(c, due) if due else None, note=c.programme.name)

    return Group(label=label, count=qs.count(), more_url=more_url, items=items)


def groups(user: Any, today: dt.date) -> list[Group]:
    role = access._role(user)
    visible = access.visible_claims(user)
    out: list[Group] = []
    if role in ("enterprise", "provider"):
        for state, label in APPLICANT_STEPS.items():
            out.append(_claims(label, visible.filter(state=state), reverse("funding:mine")))
        return out
    for state, (holder, label) in STEP_HOLDERS.items():
        if holder != role:
            continue
        qs = visible.filter(state=state)
        if state == "publicity":
            qs = qs.filter(publicity_ends_on__lte=today)  # the day 公示期满 may be confirmed (services.perform)
        out.append(_claims(label, qs, f"{reverse('funding:queue')}?state={state}",
                           due="publicity_ends_on" if state == "publicity" else None))
    if role == "finance":
        lines = BudgetLine.objects.filter(confirmed_at__isnull=True).select_related("programme").order_by("id")
        out.append(Group("待确认的预算科目", lines.count(), reverse("funding:budget_confirm"), lambda: (
            Task(title=f"{b.programme.name}（{b.programme.year} 年度）· {b.name}（{b.get_source_display()}）",
                 url=reverse("funding:budget_confirm"), note="预算金额 " + f"{b.amount:,.2f} 元")
            for b in lines[:10])))
        unreturned = (LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT, bank_lines__isnull=True)
                      .select_related("organization").order_by("id"))
        out.append(Group("已拨付、待导入银行回单的付款", unreturned.count(), reverse("funding:bank"), lambda: (
            Task(title=f"{e.organization.name} · {e.amount:,.2f} 元", url=reverse("funding:bank"),
                 since=e.created_at.date())
            for e in unreturned[:10])))
    return out

"""S&T finance's share of 我的待办: loans the bureau has yet to 备案 for risk compensation; a lender's defaulted loans
with no compensation claim yet and its scheduled repayments that are due with nothing recorded; an insurer's policies
ending within 30 days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse

from scifinance import access
from scifinance.models import InsurancePolicy, Loan, PartnerKind, Repayment, ScheduledRepayment
from worklist.tasks import Group, Task


def _loans(label: str, qs, since: str) -> Group:
    qs = qs.select_related("borrower").order_by(since, "id")
    return Group(label, qs.count(), reverse("scifinance:loans"), lambda: (
        Task(title=f"{loan.borrower.name} · {loan.get_product_display()} {loan.contract_no}",
             url=reverse("scifinance:loan", args=[loan.pk]), since=getattr(loan, since),
             note=f"贷款 {loan.amount:,.2f} 元") for loan in qs[:10]))


def groups(user: Any, today: dt.date) -> list[Group]:
    if access.is_bureau(user):
        unfiled = Loan.objects.filter(filed_on__isnull=True, defaulted_on__isnull=True,
                                      contract_date__gte=today - dt.timedelta(days=365))
        return [_loans("待备案的贷款（近一年签订）", unfiled, "contract_date")]
    partner = access.partner_of(user)
    if partner is None:
        return []
    if partner.kind == PartnerKind.INSURER:
        # a one-year policy whose term ends within 30 days and that the insured has not renewed with this insurer
        renewed = InsurancePolicy.objects.filter(insurer=partner, insured=OuterRef("insured"),
                                                 product=OuterRef("product"), start_on__gt=OuterRef("start_on"))
        ending = (access.visible_policies(user)
                  .filter(start_on__gt=today - dt.timedelta(days=365), start_on__lte=today - dt.timedelta(days=335))
                  .filter(~Exists(renewed)).select_related("insured").order_by("start_on", "id"))
        return [Group("30 天内到期、待续保的保单", ending.count(), reverse("scifinance:policies"), lambda: (
            Task(title=f"{p.insured.name} · {p.get_product_display()} {p.policy_no}",
                 url=reverse("scifinance:policies"), due=p.start_on + dt.timedelta(days=364),
                 note=f"保费 {p.premium:,.2f} 元") for p in ending[:10]))]
    loans = access.visible_loans(user)
    defaulted = loans.filter(defaulted_on__isnull=False, filed_on__isnull=False, loss_claim__isnull=True)
    due = ScheduledRepayment.objects.filter(loan=OuterRef("pk"), due_on__lt=today)
    paid_after = Repayment.objects.filter(loan=OuterRef("pk"), paid_on__gte=today - dt.timedelta(days=45))
    unreported = loans.filter(Exists(due.filter(due_on__gte=today - dt.timedelta(days=45))), ~Exists(paid_after),
                              defaulted_on__isnull=True)
    return [_loans("已违约、尚未申请风险补偿的贷款（违约满 90 天可申请）", defaulted, "defaulted_on"),
            _loans("近 45 天有应还款但未登记还款的贷款", unreported, "contract_date")]

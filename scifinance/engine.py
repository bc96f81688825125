"""Loans, insurance policies and loss claims as the policy engine's qualifying events (``POLICY_EVENT_SOURCES``).

The engine's financing provisions read events ``kind=financing`` + a subject. For the subjects below, the records of
this app replace hand-typed registry events: what the banks and insurers registered is what the rules see.

| subject | from | amount | date | article |
|---|---|---|---|---|
| ip_pledge_loan | 知识产权质押贷款 | loan amount | contract date (LPR of the month before) | B 第25条 |
| transformation_loan | 科技成果转化贷款, the enterprise's first 备案 one, repaid on time | loan amount | contract date | B 第23条 |
| tech_bank_loan | every loan lent by a 科技支行, one event per year it is outstanding | balance at 31 Dec | 31 Dec (contract date in its first year) | B 第27条 |
| chokepoint_rd_insurance | 卡脖子研发损失险 | premium paid | day paid | B 第24条 |
| ip_pledge_insurance | 知识产权质押保险 | premium paid | day paid | B 第25条 |
| chokepoint_loan_new_balance | the bank's 卡脖子攻关贷 contracted in the year | their balance at 31 Dec | last contract date of the year | B 第24条 (the bank) |
| risk_compensation_loss | a loss claim of a partner bank on a 备案 loan | loss | day filed | A 第19条 (the bank) |
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from scifinance.models import InsurancePolicy, Loan, LossClaim, PartnerKind, PolicyProduct, Product, Repayment

FINANCE_SUBJECTS = {"ip_pledge_loan", "transformation_loan", "tech_bank_loan", "chokepoint_rd_insurance",
                    "ip_pledge_insurance", "chokepoint_loan_new_balance", "risk_compensation_loss"}
ZERO = Decimal(0)


def _event(subject: str, on: dt.date, amount: Decimal, title: str, **attributes: Any) -> dict[str, Any]:
    return {"kind": "financing", "subject": subject, "level": "", "grade": "", "occurred_on": on.isoformat(),
            "amount": str(amount), "attributes": attributes, "title": title}


def _repayments(loan_ids: list[int]) -> dict[int, list[tuple[dt.date, Decimal]]]:
    out: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for loan_id, on, principal in Repayment.objects.filter(loan_id__in=loan_ids).values_list(
            "loan_id", "paid_on", "principal"):
        out[loan_id].append((on, principal))
    return out


def _balance(loan: Loan, reps: list[tuple[dt.date, Decimal]], on: dt.date) -> Decimal:
    return loan.amount - sum((p for d, p in reps if d <= on), ZERO)


def _on_time(loan: Loan, reps: list[tuple[dt.date, Decimal]], schedule: list[tuple[dt.date, Decimal]],
             today: dt.date) -> bool:
    """B 第23条 按时还本付息: every instalment due by today repaid by its day, and no default."""
    if loan.defaulted_on:
        return False
    due = ZERO
    for on, principal in sorted(schedule):
        if on > today:
            break
        due += principal
        if sum((p for d, p in reps if d <= on), ZERO) < due:
            return False
    return True


def add_finance_events(org_ids: list[int], situations: dict[int, dict[str, Any]]) -> None:
    from scifinance.models import ScheduledRepayment

    today = timezone.localdate()
    for sit in situations.values():
        sit["recognitions"] = [r for r in sit["recognitions"]
                               if not (r["kind"] == "financing" and r["subject"] in FINANCE_SUBJECTS)]
    if len(org_ids) <= FEW:  # an entity's page: one query says whether it borrows, insures or lends at all
        concerned = set(_concerned(org_ids))
        org_ids = [i for i in org_ids if i in concerned]
        if not org_ids:
            return
    loans = list(Loan.objects.filter(borrower_id__in=org_ids).select_related("lender__organization"))
    ids = [x.pk for x in loans]
    reps = _repayments(ids)
    schedules: dict[int, list] = defaultdict(list)
    for loan_id, on, p in ScheduledRepayment.objects.filter(loan_id__in=ids).values_list("loan_id", "due_on", "principal"):
        schedules[loan_id].append((on, p))
    first_filed: dict[int, int] = {}
    for loan in sorted((x for x in Loan.objects.filter(borrower_id__in=org_ids, product=Product.TRANSFORMATION_LOAN,
                                                        filed_on__isnull=False)), key=lambda x: (x.filed_on, x.pk)):
        first_filed.setdefault(loan.borrower_id, loan.pk)
    for loan in loans:
        recs = situations[loan.borrower_id]["recognitions"]
        bank = loan.lender.organization.name
        label = f"{loan.get_product_display()} {loan.contract_no}（{bank}）"
        if loan.product == Product.IP_PLEDGE_LOAN:
            recs.append(_event("ip_pledge_loan", loan.contract_date, loan.amount, label, loan=loan.pk))
        if (loan.product == Product.TRANSFORMATION_LOAN and first_filed.get(loan.borrower_id) == loan.pk
                and loan.filed(loan.filed_on) and _on_time(loan, reps[loan.pk], schedules[loan.pk], today)):
            recs.append(_event("transformation_loan", loan.contract_date, loan.amount, label + "，首次备案、按时还本付息",
                               loan=loan.pk))
        if loan.lender.kind == PartnerKind.TECH_BRANCH:
            for year in range(loan.contract_date.year, min(loan.maturity.year, today.year) + 1):
                balance = _balance(loan, reps[loan.pk], dt.date(year, 12, 31))
                if balance > 0:
                    on = loan.contract_date if year == loan.contract_date.year else dt.date(year, 12, 31)
                    recs.append(_event("tech_bank_loan", on, balance, f"{label} {year} 年末余额", loan=loan.pk))
    for p in InsurancePolicy.objects.filter(insured_id__in=org_ids, product__in=(
            PolicyProduct.CHOKEPOINT_RD_INSURANCE, PolicyProduct.IP_PLEDGE_INSURANCE)).select_related(
            "insurer__organization"):
        situations[p.insured_id]["recognitions"].append(_event(
            p.product, p.premium_paid_on, p.premium,
            f"{p.get_product_display()} 保单 {p.policy_no}（{p.insurer.organization.name}）", policy=p.pk))
    _bank_events(org_ids, situations, today)


def _bank_events(org_ids: list[int], situations: dict[int, dict[str, Any]], today: dt.date) -> None:
    """The partner banks' own entitlements: B 第24条 0.6% of the year's new 卡脖子攻关贷 balance; A 第19条 35% of a
    loss on a 备案 loan."""
    chokepoint = list(Loan.objects.filter(lender__organization_id__in=org_ids, product=Product.CHOKEPOINT_LOAN)
                      .select_related("lender"))
    reps = _repayments([x.pk for x in chokepoint])
    by_year: dict[tuple[int, int], list[Loan]] = defaultdict(list)
    for loan in chokepoint:
        by_year[(loan.lender.organization_id, loan.contract_date.year)].append(loan)
    for (org_id, year), loans in sorted(by_year.items()):
        end = min(dt.date(year, 12, 31), today)
        balance = sum((_balance(x, reps[x.pk], end) for x in loans), ZERO)
        if balance > 0:
            situations[org_id]["recognitions"].append(_event(
                "chokepoint_loan_new_balance", max(x.contract_date for x in loans), balance,
                f"{year} 年新增卡脖子攻关贷 {len(loans)} 笔，年末余额"))
    for lc in LossClaim.objects.filter(loan__lender__organization_id__in=org_ids).select_related(
            "loan__lender", "loan__borrower"):
        situations[lc.loan.lender.organization_id]["recognitions"].append(_event(
            "risk_compensation_loss", lc.filed_on, lc.loss,
            f"{lc.loan.borrower.name} {lc.loan.get_product_display()} {lc.loan.contract_no} 损失"))


def subsidy_totals() -> dict[str, Any]:
    """For dashboards: loan totals by product (yuan)."""
    return {r["product"]: r["s"] for r in Loan.objects.values("product").annotate(s=Sum("amount"))}


#: Up to this many organisations, add_finance_events first asks which of them have finance records at all.
FEW = 64


def _concerned(org_ids: list[int]) -> list[int]:
    """Those of ``org_ids`` that borrow, insure or lend (the only ones add_finance_events gives events to), in one
    query read by id range: a batch of thousands of organisations, or one entity, costs one small query."""
    from scifinance.models import Partner

    if not org_ids:
        return []
    low, high = min(org_ids), max(org_ids)
    found = {row[0] for row in Loan.objects.filter(borrower_id__gte=low, borrower_id__lte=high).order_by()
             .values_list("borrower_id").union(
                 InsurancePolicy.objects.filter(insured_id__gte=low, insured_id__lte=high).order_by()
                 .values_list("insured_id"),
                 Partner.objects.filter(organization_id__gte=low, organization_id__lte=high).order_by()
                 .values_list("organization_id"))}
    return sorted(found & set(org_ids))


def finance_event_columns(org_ids: list[int], year: int) -> list[dict[str, Any]]:
    """Columnar form for screening (policy.facts): the events add_finance_events gives, with their organisation id."""
    concerned = _concerned(list(org_ids))
    if not concerned:
        return []
    situations: dict[int, dict[str, Any]] = defaultdict(lambda: {"recognitions": []})
    add_finance_events(concerned, situations)
    return [{**r, "organization_id": org_id} for org_id, sit in situations.items() for r in sit["recognitions"]
            if r["occurred_on"][:4] == str(year)]


add_finance_events.columns = finance_event_columns  # type: ignore[attr-defined]
add_finance_events.replaces = lambda kind, subject: kind == "financing" and subject in FINANCE_SUBJECTS  # type: ignore[attr-defined]

"""Risk-compensation pools (A 第19条; the three pools of document C 八(三)): funding, loss claims, payment through the
funding ledger, recoveries back into the pool, balances, exposure and loss rates.

A pool's city money is the budget lines of its own funding programme, so its balance can always be read back from the
ledger: funds put in − commitments − payments + clawbacks (``ledger_balance``). ``pool_balance`` computes the same
from this app's own records (contributions, loss claims paid, recoveries); the two must agree (tested as a property).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from core.audit import record
from funding import money as funding
from scifinance import rules
from scifinance.models import (
    PRODUCT_SCHEME,
    Loan,
    LossClaim,
    Partner,
    PoolContribution,
    Product,
    Recovery,
    RiskPool,
    Scheme,
)
from scifinance.services import ZERO, FinanceError, _cents, outstanding, parse_date, parse_money

PROVISION_ID = "A.19.risk_compensation"
POOL_WORKFLOW = {"steps": ["formal_check", "decision", "publicity", "approved"]}
POOL_SCHEMES = (Scheme.TRANSFORMATION_LOAN, Scheme.TALENT_LOAN, Scheme.IP_PLEDGE)


def create_pool(user: Any, scheme: str, year: int) -> RiskPool:
    """A city pool of one scheme with its own programme (workflow: 形式审查 → 决定 → 公示 → 拨付, no expert review)."""
    if scheme not in POOL_SCHEMES:
        raise FinanceError("资金池：只能为科技成果转化贷款、人才贷、知识产权质押融资设立风险补偿资金池。", "scheme")
    existing = RiskPool.objects.filter(scheme=scheme).first()
    if existing:
        return existing
    with transaction.atomic():
        programme = funding.create_programme(
            user, f"{Scheme(scheme).label}资金池", year, legal_basis=rules.RISK_CITATION,
            workflow_def=POOL_WORKFLOW, publicity_days=0, kind="risk_pool")
        pool = RiskPool.objects.create(scheme=scheme, programme=programme)
        record(user, "scifinance.pool_created", pool, f"设立 {pool}")
    return pool


def contribute(user: Any, pool: RiskPool, source: str, amount: Any, received_on: Any,
               confirm_as: Any = None) -> PoolContribution:
    """Money into the pool. City money becomes a budget line of the pool's programme (confirmed by finance, here
    ``confirm_as``); the province's share is recorded apart."""
    amount = parse_money(amount, "注资金额", "amount")
    received_on = parse_date(received_on, "到位日期", "received_on")
    with transaction.atomic():
        line = None
        if source == PoolContribution.Source.CITY:
            line = funding.add_budget_line(user, pool.programme, f"市级风险补偿资金 {received_on}", "city", amount)
            if confirm_as is not None:
                funding.confirm_budget_line(confirm_as, line)
        elif source != PoolContribution.Source.PROVINCE:
            raise FinanceError("来源：请选择 市级 或 省级。", "source")
        c = PoolContribution.objects.create(pool=pool, source=source, amount=amount, received_on=received_on,
                                            budget_line=line)
        record(user, "scifinance.pool_contribution", c, f"{pool} 注资 {amount:,.2f} 元（{c.get_source_display()}）")
    return c


def pool_for(loan: Loan) -> RiskPool | None:
    return RiskPool.objects.filter(scheme=PRODUCT_SCHEME[Product(loan.product)]).first()


# ------------------------------------------------------------------------------------------- loss claims


@dataclass
class ClaimWindow:
    """When a defaulted loan's bank may claim: the pool's own rule (逾期满 ``days_overdue_trigger`` 天后、再
    ``claim_deadline_days`` 天内; the five documents set no such period), on a loan 备案 before its default
    (A 第19条: 获得…备案的合作银行，相关贷款发生损失的). ``refusal`` says in words why no claim can be filed today."""

    pool: RiskPool | None
    defaulted_on: dt.date | None
    opens: dt.date | None = None
    closes: dt.date | None = None
    refusal: str = ""

    @property
    def rule(self) -> str:
        if self.pool is None:
            return ""
        return (f"申请条件：贷款在违约前已在“{self.pool}”备案（{rules.RISK_CITATION}）；逾期满 "
                f"{self.pool.days_overdue_trigger} 天后、其后 {self.pool.claim_deadline_days} 天内提出（资金池规定）；"
                f"损失本金不超过违约时未还本金。补偿：市级 {self.pool.city_share * 100:.0f}%、省级 "
                f"{self.pool.province_share * 100:.0f}%。")


def claim_window(loan: Loan, today: dt.date | None = None) -> ClaimWindow:
    today = today or timezone.localdate()
    pool = pool_for(loan)
    w = ClaimWindow(pool, loan.defaulted_on)
    if pool is None:
        w.refusal = f"{loan.get_product_display()} 不在任何风险补偿资金池的补偿范围内，不能申请风险补偿。"
        return w
    if not loan.defaulted_on:
        w.refusal = "该笔贷款未登记违约，不能申请风险补偿；请先登记违约日期。"
        return w
    w.opens = loan.defaulted_on + dt.timedelta(days=pool.days_overdue_trigger)
    w.closes = w.opens + dt.timedelta(days=pool.claim_deadline_days)
    if not loan.filed(loan.defaulted_on):
        w.refusal = (f"该笔贷款在违约日 {loan.defaulted_on} 前未在“{pool}”备案（或备案已撤销），不在风险补偿范围内"
                     f"（{rules.RISK_CITATION}）。")
    elif today < w.opens:
        w.refusal = (f"本笔贷款 {loan.defaulted_on} 违约，逾期满 {pool.days_overdue_trigger} 天后方可申请："
                     f"{w.opens} 起、{w.closes} 前（含）可以提交。")
    elif today > w.closes:
        w.refusal = f"本笔贷款 {loan.defaulted_on} 违约，申请期限已于 {w.closes} 届满，不能再申请。"
    return w



def file_loss_claim(user: Any, loan: Loan, loss: Any, filed_on: Any, evidence: list[tuple[str, str, bytes]],
                    bank_name: str = "", bank_account: str = "") -> LossClaim:
    """A bank files a claim on a defaulted, 备案 loan: the trigger (days overdue), the deadline, the evidence.
    The city's 35% (A 第19条) becomes a funding claim of the pool's programme, submitted by the bank."""
    loss = parse_money(loss, "损失本金", "loss")
    filed_on = parse_date(filed_on, "申请日期", "filed_on")
    if filed_on > timezone.localdate():
        raise FinanceError("申请日期：晚于今天，请填写提交申请的当天。", "filed_on")
    loan = Loan.objects.select_related("lender__organization", "borrower").get(pk=loan.pk)
    window = claim_window(loan, today=filed_on)
    pool = window.pool
    if window.refusal and (pool is None or not loan.defaulted_on or not loan.filed(loan.defaulted_on)):
        raise FinanceError(window.refusal, "loan")
    days = (filed_on - loan.defaulted_on).days
    if window.refusal:
        raise FinanceError(f"申请日期：{filed_on} 逾期 {days} 天。{window.refusal}", "filed_on")
    balance = outstanding(loan, loan.defaulted_on)
    if loss > balance:
        raise FinanceError(f"损失本金：{loss:,.2f} 元超过违约时未还本金 {balance:,.2f} 元，请核对。", "loss")
    if not evidence:
        raise FinanceError("证明材料：请上传违约和追偿的证明材料（PDF 或图片）。", "file")
    if not bank_account:
        raise FinanceError("银行账号：请填写收款银行账号。", "bank_account")
    bank_account = "".join(str(bank_account).split())
    if not re.fullmatch(r"[0-9]{8,32}", bank_account):
        raise FinanceError("银行账号：请填写 8–32 位阿拉伯数字 0–9。", "bank_account")
    city = _cents(loss * pool.city_share)
    province = _cents(loss * pool.province_share)
    if city <= 0:
        raise FinanceError(f"损失本金：{loss:,.2f} 元按市级比例计算的补偿不足 0.01 元，无需申请。", "loss")
    with transaction.atomic():
        list(Loan.objects.select_for_update().filter(pk=loan.pk).values_list("pk"))  # one claim per loan, in parallel too
        if LossClaim.objects.filter(loan=loan).exists():
            raise FinanceError("该笔贷款已申请过风险补偿，不能重复申请。", "loan")
        claim = funding.open_claim(
            user, pool.programme, loan.lender.organization, provision_id=PROVISION_ID,
            title=f"风险补偿：{loan.borrower.name} {loan.get_product_display()} {loan.contract_no}",
            document=rules.A, article="第19条", year=filed_on.year, event_key=f"loan:{loan.pk}", amount=city,
            explanation=(f"损失本金 {loss:,.2f} 元 × 市级 {pool.city_share * 100:.0f}% = {city:,.2f} 元"
                         f"（{rules.RISK_CITATION}，省、市两级各 35%；省级 {province:,.2f} 元由省级资金承担）"),
            bank_name=bank_name, bank_account=bank_account, evidence=evidence, cap="sum")
        lc = LossClaim.objects.create(loan=loan, pool=pool, loss=loss, days_overdue=days, filed_on=filed_on,
                                      city_amount=city, province_amount=province, claim=claim)
        record(user, "scifinance.loss_claim_filed", lc, f"{loan.lender} 申请风险补偿 {city:,.2f} 元")
    return lc


def approve_loss_claim(user: Any, lc: LossClaim, budget_line: Any = None) -> LossClaim:
    """Staff approve: 形式审查通过 → 决定 (the city amount, from the pool's budget line with money left) → 公示期满."""
    with transaction.atomic():
        line = budget_line or _line_with_room(lc.pool, lc.city_amount)
        funding.perform(user, lc.claim_id, "formal_pass")
        funding.perform(user, lc.claim_id, "decide", amount=lc.city_amount, budget_line_id=line.pk)
        funding.perform(user, lc.claim_id, "publicity_end")
    lc.claim.refresh_from_db()
    return lc


def _line_with_room(pool: RiskPool, amount: Decimal) -> Any:
    line = funding.line_with_room(pool.programme, amount)
    if line is not None:
        return line
    raise FinanceError(f"资金池“{pool}”没有可用余额不少于 {amount:,.2f} 元的已确认预算科目，请先注资。", "amount")


def pay_loss_claim(user: Any, lc: LossClaim) -> Any:
    """Finance pays the city's share: the funding ledger's payment entry."""
    funding.perform(user, lc.claim_id, "pay")
    return funding.payment_of(lc.claim_id)


def record_recovery(user: Any, lc: LossClaim, amount: Any, recovered_on: Any) -> Recovery:
    """Money recovered after compensation is shared pro rata: province 35%, city 35% (a clawback entry back into the
    pool), bank the rest. Refused above the loss not yet recovered."""
    amount = parse_money(amount, "追回金额", "amount")
    recovered_on = parse_date(recovered_on, "追回日期", "recovered_on")
    with transaction.atomic():
        lc = LossClaim.objects.select_for_update().select_related("pool", "claim").get(pk=lc.pk)
        before = lc.recoveries.aggregate(s=Sum("amount"))["s"] or ZERO
        if before + amount > lc.loss:
            raise FinanceError(f"追回金额：累计追回 {before + amount:,.2f} 元将超过损失本金 {lc.loss:,.2f} 元，请核对。",
                               "amount")
        if lc.claim.state != "paid":
            raise FinanceError("该补偿尚未拨付，追回款应冲减损失金额后再申请补偿。", "loss_claim")
        city_before = lc.recoveries.aggregate(s=Sum("city_amount"))["s"] or ZERO
        prov_before = lc.recoveries.aggregate(s=Sum("province_amount"))["s"] or ZERO
        # shares of the cumulative recovery, so rounding never drifts over many recoveries
        city = _cents((before + amount) * lc.pool.city_share) - city_before
        province = _cents((before + amount) * lc.pool.province_share) - prov_before
        entry = None
        if city > 0:
            entry = funding.clawback(user, lc.claim, city, f"追偿回收按比例返还资金池（{rules.RISK_CITATION}）",
                                     key=f"recovery:{lc.pk}:{lc.recoveries.count()}")
        rec = Recovery.objects.create(loss_claim=lc, amount=amount, recovered_on=recovered_on, city_amount=city,
                                      province_amount=province, bank_amount=amount - city - province,
                                      ledger_entry=entry)
        record(user, "scifinance.recovery", rec, f"追回 {amount:,.2f} 元，返还市级资金池 {city:,.2f} 元")
    return rec


# ------------------------------------------------------------------------------------------- figures


def ledger_balance(pool: RiskPool) -> Decimal:
    """Funds put in (the programme's budget lines) minus the sum of its ledger entries' deltas."""
    # to the cent: SQLite sums decimals in binary floating point
    return _cents(funding.programme_available(pool.programme))


def pool_balance(pool: RiskPool) -> Decimal:
    """From this app's own records: city contributions − city amounts decided (paid or awaiting payment) + city
    shares of recoveries."""
    city_in = pool.contributions.filter(source="city").aggregate(s=Sum("amount"))["s"] or ZERO
    decided = pool.loss_claims.filter(claim__state__in=("publicity", "approved", "paid")).aggregate(
        s=Sum("city_amount"))["s"] or ZERO
    back = Recovery.objects.filter(loss_claim__pool=pool).aggregate(s=Sum("city_amount"))["s"] or ZERO
    return _cents(city_in - decided + back)


@dataclass
class PoolFigures:
    pool: RiskPool
    city_in: Decimal
    province_in: Decimal
    paid: Decimal
    recovered: Decimal
    balance: Decimal
    covered: Decimal
    losses: Decimal
    loss_rate: float
    claims: int


def figures(pool: RiskPool, on: dt.date | None = None) -> PoolFigures:
    on = on or timezone.localdate()
    c = pool.contributions.values("source").annotate(s=Sum("amount"))
    by = {r["source"]: r["s"] for r in c}
    paid = pool.loss_claims.filter(claim__state="paid").aggregate(s=Sum("city_amount"))["s"] or ZERO
    back = Recovery.objects.filter(loss_claim__pool=pool).aggregate(s=Sum("city_amount"))["s"] or ZERO
    exposure = exposure_by_bank(pool, on)
    covered = sum((e["balance"] for e in exposure), ZERO)
    losses = pool.loss_claims.aggregate(s=Sum("loss"))["s"] or ZERO
    ever = _ever_covered(pool)
    return PoolFigures(pool, by.get("city", ZERO), by.get("province", ZERO), paid, back, ledger_balance(pool),
                       covered, losses, float(losses / ever) if ever else 0.0, pool.loss_claims.count())


def _products(pool: RiskPool) -> list[str]:
    return [p for p, s in PRODUCT_SCHEME.items() if s == pool.scheme]


def _ever_covered(pool: RiskPool, lender: Partner | None = None) -> Decimal:
    qs = Loan.objects.filter(product__in=_products(pool), filed_on__isnull=False)
    if lender is not None:
        qs = qs.filter(lender=lender)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def exposure_by_bank(pool: RiskPool, on: dt.date) -> list[dict[str, Any]]:
    """Covered balance (备案, not defaulted, outstanding) per lending institution, and each one's loss rate."""
    from scifinance.models import Repayment

    loans = Loan.objects.filter(product__in=_products(pool), filed_on__lte=on, defaulted_on__isnull=True).filter(
        Q(filing_revoked_on__isnull=True) | Q(filing_revoked_on__gt=on))
    lent = {r["lender"]: r["s"] for r in loans.values("lender").annotate(s=Sum("amount"))}
    repaid = {r["loan__lender"]: r["s"] for r in Repayment.objects.filter(loan__in=loans, paid_on__lte=on)
              .values("loan__lender").annotate(s=Sum("principal"))}
    losses = {r["loan__lender"]: r["s"] for r in pool.loss_claims.values("loan__lender").annotate(s=Sum("loss"))}
    ever = {r["lender"]: r["s"] for r in Loan.objects.filter(product__in=_products(pool), filed_on__isnull=False)
            .values("lender").annotate(s=Sum("amount"))}
    names = dict(Partner.objects.filter(pk__in=set(lent) | set(losses)).values_list("pk", "organization__name"))
    out = []
    for pk in sorted(set(lent) | set(losses), key=lambda k: names.get(k, "")):
        loss = losses.get(pk) or ZERO
        out.append({"partner_id": pk, "name": names.get(pk, ""), "balance": (lent.get(pk) or ZERO) - (repaid.get(pk) or ZERO),
                    "losses": loss, "loss_rate": float(loss / ever[pk]) if ever.get(pk) else 0.0})
    return out


def suspend_over_threshold(user: Any, pool: RiskPool, on: dt.date | None = None) -> list[Partner]:
    """Suspend new 备案 for banks whose loss rate in the pool passes the pool's threshold."""
    on = on or timezone.localdate()
    out = []
    for row in exposure_by_bank(pool, on):
        if row["loss_rate"] > float(pool.loss_rate_threshold):
            partner = Partner.objects.get(pk=row["partner_id"])
            if partner.suspended_on is None:
                partner.suspended_on = on
                partner.save(update_fields=["suspended_on"])
                record(user, "scifinance.partner_suspended", partner,
                       f"{partner} 损失率 {row['loss_rate']:.2%} 超过阈值，暂停新增备案")
                out.append(partner)
    return out


def monthly_bulletin(pool: RiskPool, year: int, month: int) -> dict[str, Any]:
    """The month's figures: claims filed, compensation paid, recoveries; and the balance now."""
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    claims = pool.loss_claims.filter(filed_on__range=(start, end))
    paid = funding.paid_between(pool.programme, start, end)
    recs = Recovery.objects.filter(loss_claim__pool=pool, recovered_on__range=(start, end))
    return {"pool": str(pool), "month": f"{year}-{month:02d}", "claims_filed": claims.count(),
            "losses_claimed": claims.aggregate(s=Sum("loss"))["s"] or ZERO, "paid": paid,
            "recovered": recs.aggregate(s=Sum("amount"))["s"] or ZERO, "balance": ledger_balance(pool)}

"""Business logic of science-and-technology finance; pages, API, Excel import, CLI and demo all call these.

Loans and policies are registered by the lending / insuring institution. Risk compensation is paid through the
funding app: each loss claim is a funding claim of the pool's programme (budget line = the pool's city funds), so
each payment is a ledger entry with budget line, payee, amount, decision, document and article; a recovery after
payment is a clawback entry of the city's pro-rata share back into the pool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from core.audit import account, record
from core.crypto import lookup_key
from funding import money as funds
from registry.models import Organization, OrganizationKind
from registry.uscc import uscc_error
from scifinance import rules
from scifinance.models import (
    DATE_WINDOW,
    MAX_MONEY,
    PRODUCT_SCHEME,
    Collateral,
    InsurancePolicy,
    Loan,
    Partner,
    PartnerFiling,
    PartnerKind,
    PolicyProduct,
    Product,
    Repayment,
    ScheduledRepayment,
    Scheme,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")


class FinanceError(ValueError):
    """Bad input or a refused step: a Chinese message naming the field and the fix."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def money(value: Any) -> str:
    return f"{Decimal(str(value or 0)):,.2f}"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value: Any, label: str, field: str, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        raise FinanceError(f"{label}：请填写金额数字（元），如 1000000。", field) from None
    if not amount.is_finite():
        raise FinanceError(f"{label}：“{value}”不是金额，请填写金额数字（元），如 1000000。", field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise FinanceError(f"{label}：金额须大于 0 元。" if not allow_zero else f"{label}：金额不能为负数。", field)
    if amount > MAX_MONEY:
        raise FinanceError(f"{label}：金额不能超过 {money(MAX_MONEY)} 元（1,000 亿元），请核对是否多填了位数。", field)
    if amount != amount.quantize(CENT):
        raise FinanceError(f"{label}：金额最多保留两位小数（分）。", field)
    return amount


def parse_date(value: Any, label: str, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip().replace("/", "-"))
        except ValueError:
            raise FinanceError(f"{label}：请按 2025-04-15 的格式填写日期。", field) from None
    first, last = DATE_WINDOW
    if not first <= value <= last:
        raise FinanceError(f"{label}：{value.isoformat()} 超出可登记的日期范围（{first} 至 {last}），请核对年份。",
                           field)
    return value


# ------------------------------------------------------------------------------------------- partners and 备案


def register_partner(user: Any, organization: Organization, kind: str, parent: Partner | None = None) -> Partner:
    partner = Partner(organization=organization, kind=kind, parent=parent)
    partner.full_clean()
    partner.save()
    record(user, "scifinance.partner_registered", partner, f"合作机构 {organization.name}（{partner.get_kind_display()}）")
    return partner


def file_partner(user: Any, partner: Partner, scheme: str, filed_on: dt.date,
                 exposure_limit: Decimal | None = None) -> PartnerFiling:
    filing = PartnerFiling(partner=partner, scheme=scheme, filed_on=filed_on, exposure_limit=exposure_limit)
    filing.full_clean()
    filing.save()
    record(user, "scifinance.partner_filed", filing, f"{partner} 备案 {filing.get_scheme_display()}")
    return filing


def partner_filed(partner: Partner, scheme: str, on: dt.date) -> bool:
    """Is the institution (or, for a 科技支行, its bank) 备案 with the scheme on the day?"""
    ids = [partner.pk] + ([partner.parent_id] if partner.parent_id else [])
    return PartnerFiling.objects.filter(partner_id__in=ids, scheme=scheme, filed_on__lte=on).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)).exists()


# ------------------------------------------------------------------------------------------- loans

PRODUCTS = {label: value for value, label in Product.choices} | {v: v for v in Product.values}
COLLATERALS = {label: value for value, label in Collateral.choices} | {v: v for v in Collateral.values}
LOAN_FIELDS = {"borrower_uscc": "借款人统一社会信用代码", "product": "贷款产品", "contract_no": "合同编号",
               "contract_date": "合同签订日", "amount": "贷款金额(元)", "term_months": "期限(月)",
               "rate": "年利率(%)", "collateral": "担保方式", "talent_name": "高层次人才姓名",
               "talent_id": "人才证件号"}


@dataclass
class LoanDraft:
    """A checked loan row, not yet written."""

    borrower: Organization
    product: str
    contract_no: str
    contract_date: dt.date
    amount: Decimal
    term_months: int
    rate: Decimal
    collateral: str
    talent_name: str = ""
    talent_id: str = ""


def _blacklisted(org: Organization, on: dt.date) -> bool:
    return funds.blacklist_entry(org, on) is not None


@dataclass
class Lookups:
    """What a batch of loans needs from the database, read once (an Excel import of thousands of rows)."""

    orgs: dict[str, Organization]
    contracts: set[str]
    blacklist: dict[int, list[tuple[dt.date, dt.date]]]

    @classmethod
    def load(cls, lender: Partner, usccs: set[str]) -> Lookups:
        orgs = {o.uscc: o for o in Organization.objects.filter(uscc__in=usccs)}
        bl = funds.blacklist_periods(o.pk for o in orgs.values())
        return cls(orgs, set(Loan.objects.filter(lender=lender).values_list("contract_no", flat=True)), bl)


def check_loan(lender: Partner, values: dict[str, Any], pending: list[LoanDraft] = (),
               today: dt.date | None = None, lookups: Lookups | None = None) -> tuple[LoanDraft | None, dict[str, str]]:
    """Check one loan (from a form, an API body or an Excel row). ``pending`` are loans checked earlier in the same
    batch, counted against the limits. Returns the draft or every field's problem, in Chinese."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}

    def grab(name: str, fn) -> Any:
        try:
            return fn(values.get(name))
        except FinanceError as exc:
            errors[name] = str(exc)
            return None

    uscc = str(values.get("borrower_uscc") or "").strip().upper()
    borrower = None
    if not uscc:
        errors["borrower_uscc"] = "借款人统一社会信用代码：必填，请按借款企业营业执照填写 18 位代码。"
    elif uscc_error(uscc):
        errors["borrower_uscc"] = f"借款人统一社会信用代码：{uscc_error(uscc)}"
    else:
        borrower = lookups.orgs.get(uscc) if lookups else Organization.objects.filter(uscc=uscc).first()
        if borrower is None:
            errors["borrower_uscc"] = (f"借款人统一社会信用代码：平台登记的创新主体中没有 {uscc}，"
                                       "请核对代码，或请借款企业先在平台登记。")
        elif borrower.kind != OrganizationKind.ENTERPRISE:
            errors["borrower_uscc"] = f"借款人统一社会信用代码：{borrower.name} 不是企业，科技金融贷款的借款人须为企业。"
    product = PRODUCTS.get(str(values.get("product") or "").strip())
    if product is None:
        errors["product"] = f"贷款产品：请填写 {'、'.join(Product.labels)} 之一。"
    contract_no = str(values.get("contract_no") or "").strip()
    if not contract_no:
        errors["contract_no"] = "合同编号：必填，请填写借款合同编号。"
    elif (contract_no in lookups.contracts if lookups else Loan.objects.filter(
            lender=lender, contract_no=contract_no).exists()) or any(d.contract_no == contract_no for d in pending):
        errors["contract_no"] = f"合同编号：本机构已登记过合同 {contract_no}，同一合同不能重复登记。"
    contract_date = grab("contract_date", lambda v: parse_date(v, "合同签订日", "contract_date"))
    if contract_date and contract_date > today:
        errors["contract_date"] = f"合同签订日：{contract_date} 晚于今天，只能登记已签订的合同，请核对日期。"
    amount = grab("amount", lambda v: parse_money(v, "贷款金额", "amount"))
    term = values.get("term_months")
    try:
        term = int(str(term).strip())
        if term <= 0 or term > 360:
            raise ValueError
    except (TypeError, ValueError):
        errors["term_months"] = "期限(月)：请填写 1 到 360 之间的整数月数，如 12。"
        term = None
    try:
        rate = Decimal(str(values.get("rate")).replace("%", "").strip())
        if not rate.is_finite() or rate < 0 or rate > 36:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["rate"] = "年利率(%)：请填写 0 到 36 之间的百分数，如 3.45。"
        rate = None
    collateral = COLLATERALS.get(str(values.get("collateral") or "").strip())
    if collateral is None:
        errors["collateral"] = f"担保方式：请填写 {'、'.join(Collateral.labels)} 之一。"
    talent_name = str(values.get("talent_name") or "").strip()
    talent_id = str(values.get("talent_id") or "").strip()

    listed = (any(a <= contract_date <= b for a, b in lookups.blacklist.get(borrower.pk, ())) if lookups
              else _blacklisted(borrower, contract_date)) if borrower is not None and contract_date else False
    if listed:
        errors["borrower_uscc"] = (f"借款人统一社会信用代码：{borrower.name} 在合同签订日处于科研失信名单期内，"
                                   "不能纳入科技金融政策支持。")
    if product and lender and not errors.get("product"):
        if product == Product.TECH_BANK_LOAN and lender.kind != PartnerKind.TECH_BRANCH:
            errors["product"] = "贷款产品：科技支行普通贷款须由科技支行登记（B 第27条 通过科技支行获得贷款支持）。"
        elif lender.kind not in (PartnerKind.BANK, PartnerKind.TECH_BRANCH):
            errors["product"] = "贷款产品：只有合作银行和科技支行可以登记贷款。"
    if product == Product.CHOKEPOINT_LOAN:
        if amount and amount > rules.CHOKEPOINT_LOAN_CAP:
            errors["amount"] = (f"贷款金额：卡脖子攻关贷额度不超过 {rules.wan(rules.CHOKEPOINT_LOAN_CAP)}"
                                f"（{rules.CHOKEPOINT_CITATION}），本笔 {rules.wan(amount)}。")
        if term and term > rules.CHOKEPOINT_TERM_MONTHS:
            errors["term_months"] = f"期限(月)：卡脖子攻关贷期限不超过 3 年（36 个月）（{rules.CHOKEPOINT_CITATION}）。"
        if collateral and collateral != Collateral.CREDIT:
            errors["collateral"] = f"担保方式：卡脖子攻关贷无需抵质押物，请填写“信用（无抵质押）”（{rules.CHOKEPOINT_CITATION}）。"
    if product == Product.TALENT_LOAN:
        _check_talent(errors, borrower, contract_date, amount, term, collateral, talent_name, talent_id, pending)
    if errors:
        return None, errors
    return LoanDraft(borrower, product, contract_no, contract_date, amount, term, rate, collateral, talent_name,
                     talent_id), {}


def _check_talent(errors: dict[str, str], borrower, contract_date, amount, term, collateral, talent_name: str,
                  talent_id: str, pending) -> None:
    """B 第27条: 人才贷 期限不超过 1 年、无抵押无担保; the yearly amounts are ``talent_cap_errors``'s."""
    cite = rules.TALENT_CITATION
    if not talent_name or not talent_id:
        errors["talent_id"] = "人才证件号：人才贷须填写借款所依托的高层次人才姓名和证件号。"
        return
    if term and term > rules.TALENT_LOAN_TERM_MONTHS:
        errors["term_months"] = f"期限(月)：人才贷期限不超过 1 年（12 个月）（{cite}）。"
    if collateral and collateral != Collateral.CREDIT:
        errors["collateral"] = f"担保方式：人才贷为无抵押、无担保的信用贷款，请填写“信用（无抵质押）”（{cite}）。"
    if not (amount and contract_date and borrower is not None):
        return
    draft = LoanDraft(borrower, Product.TALENT_LOAN, "", contract_date, amount, term or 0, ZERO, Collateral.CREDIT,
                      talent_name, talent_id)
    related = [d for d in pending if d.product == Product.TALENT_LOAN
               and (lookup_key(d.talent_id) == lookup_key(talent_id) or d.borrower.pk == borrower.pk)]
    message = talent_cap_errors([*related, draft]).get(len(related))
    if message:
        errors["amount"] = message


#: B 第27条's two yearly caps and B 第23条's covered balance, each a funding cap (funding.money) of its own
TALENT_PERSON, TALENT_FIRM, COVERED = "B.27.talent_loan.person", "B.27.talent_loan.enterprise", "B.23.covered_balance"


def talent_keys(d: LoanDraft) -> tuple[funds.CapKey, funds.CapKey]:
    """The talent's and the borrower's 人才贷 caps of the contract's year (the talent by a digest of the ID number)."""
    year = d.contract_date.year
    return (funds.CapKey(TALENT_PERSON, year, subject=funds.person("talent", d.talent_id)),
            funds.CapKey(TALENT_FIRM, year, organization_id=d.borrower.pk))


def exposure_key(partner_id: int, scheme: str) -> funds.CapKey:
    return funds.CapKey(f"scifinance.exposure.{scheme}", subject=f"partner:{partner_id}")


def talent_cap_errors(drafts: Sequence[LoanDraft], lock: bool = False) -> dict[int, str]:
    """B 第27条: 人才贷 额度每人不超过 1000 万元；多个高层次人才任职的企业贷款总额不超过 5000 万元, each counted over
    the talent's / enterprise's 人才贷 contracted in the same calendar year. ``drafts`` (in order; each one within the
    caps counts against the next) are assessed by funding's caps against the loans already registered; with ``lock``
    (every write) under the caps' row locks. Returns {index of draft: message}."""
    talent = [(i, d) for i, d in enumerate(drafts) if d.product == Product.TALENT_LOAN]
    if not talent:
        return {}
    keys = {i: talent_keys(d) for i, d in talent}
    asks = [funds.Ask(d.amount, [(keys[i][0], rules.TALENT_LOAN_CAP), (keys[i][1], rules.TALENT_ENTERPRISE_CAP)])
            for i, d in talent]

    def registered(wanted: set[funds.CapKey]) -> dict[funds.CapKey, Decimal]:
        """What this app has lent under each cap: the 人才贷 of the talent / the borrower in the year."""
        years = {d.contract_date.year for _, d in talent}
        loans = Loan.objects.filter(product=Product.TALENT_LOAN, contract_date__year__in=years).annotate(
            y=ExtractYear("contract_date"))
        person = {(r["talent_key"], r["y"]): r["s"] for r in loans.filter(  # the ID number is encrypted: its keyed hash
            talent_key__in={lookup_key(d.talent_id) for _, d in talent}).values("talent_key", "y").annotate(s=Sum("amount"))}
        firm = {(r["borrower_id"], r["y"]): r["s"] for r in loans.filter(
            borrower_id__in={d.borrower.pk for _, d in talent}).values("borrower_id", "y").annotate(s=Sum("amount"))}
        out = {}
        for i, d in talent:
            year = d.contract_date.year
            out[keys[i][0]] = person.get((lookup_key(d.talent_id), year)) or ZERO
            out[keys[i][1]] = firm.get((d.borrower.pk, year)) or ZERO
        return out

    result = funds.assess(asks, registered, locked=lock)
    cite, errors = rules.TALENT_CITATION, {}
    for j, refusal in result.refusals.items():
        i, d = talent[j]
        year = d.contract_date.year
        if refusal.key.provision_id == TALENT_PERSON:
            errors[i] = (f"贷款金额：人才 {d.talent_name} {year} 年人才贷已有 {rules.wan(refusal.used)}，加上本笔 "
                         f"{rules.wan(d.amount)} 超过每人不超过 {rules.wan(rules.TALENT_LOAN_CAP)} 的额度（{cite}）。")
        else:
            errors[i] = (f"贷款金额：{d.borrower.name} {year} 年人才贷已有 {rules.wan(refusal.used)}，加上本笔 "
                         f"{rules.wan(d.amount)} 超过多个高层次人才任职企业贷款总额不超过 "
                         f"{rules.wan(rules.TALENT_ENTERPRISE_CAP)} 的限额（{cite}）。")
    return errors


def _first_error(errors: dict[str, str]) -> FinanceError:
    field, message = next(iter(errors.items()))
    exc = FinanceError("；".join(errors.values()), field)
    exc.errors = errors  # type: ignore[attr-defined]
    return exc


def write_loan(user: Any, lender: Partner, draft: LoanDraft, schedule: list[tuple[dt.date, Decimal]] = ()) -> Loan:
    loan = Loan(lender=lender, borrower=draft.borrower, product=draft.product, contract_no=draft.contract_no,
                contract_date=draft.contract_date, amount=draft.amount, term_months=draft.term_months,
                rate=draft.rate, collateral=draft.collateral, talent_name=draft.talent_name,
                talent_id=draft.talent_id, created_by=account(user))
    loan.save()
    rows = list(schedule) or [(loan.maturity, loan.amount)]
    ScheduledRepayment.objects.bulk_create([ScheduledRepayment(loan=loan, due_on=d, principal=p) for d, p in rows])
    return loan


def register_loan(user: Any, lender: Partner, values: dict[str, Any],
                  schedule: list[tuple[dt.date, Decimal]] = ()) -> Loan:
    """Register one loan (page or API): every problem at once, nothing written when any."""
    with transaction.atomic():
        draft, errors = check_loan(lender, values)
        if errors:
            raise _first_error(errors)
        maturity = draft.contract_date + relativedelta(months=draft.term_months)
        for n, (due_on, principal) in enumerate(schedule, start=1):
            due_on = parse_date(due_on, f"还款计划第 {n} 期应还日期", "schedule")
            if not draft.contract_date < due_on <= maturity:
                raise FinanceError(f"还款计划：第 {n} 期应还日期 {due_on} 须在合同签订日 {draft.contract_date} 之后、"
                                   f"到期日 {maturity} 之前（含）。", "schedule")
            parse_money(principal, f"还款计划第 {n} 期应还本金", "schedule")
        total = sum((p for _, p in schedule), ZERO)
        if schedule and total != draft.amount:
            raise FinanceError(f"还款计划：各期应还本金合计 {money(total)} 元，应等于贷款金额 {money(draft.amount)} 元。",
                               "schedule")
        over = talent_cap_errors([draft], lock=True)
        if over:
            raise _first_error({"amount": over[0]})
        try:
            with transaction.atomic():
                loan = write_loan(user, lender, draft, schedule)
        except IntegrityError:  # the same contract registered by a parallel request
            raise FinanceError(f"合同编号：本机构已登记过合同 {draft.contract_no}，同一合同不能重复登记。",
                               "contract_no") from None
        record(user, "scifinance.loan_registered", loan,
               f"{lender} 登记 {loan.get_product_display()} {loan.contract_no} {money(loan.amount)} 元")
    return loan


def outstanding(loan: Loan, on: dt.date | None = None) -> Decimal:
    qs = loan.repayments.all()
    if on is not None:
        qs = qs.filter(paid_on__lte=on)
    return loan.amount - (qs.aggregate(s=Sum("principal"))["s"] or ZERO)


def record_repayment(user: Any, loan: Loan, paid_on: Any, principal: Any, interest: Any = 0) -> Repayment:
    """An actual repayment; refused above the balance outstanding (checked under a row lock)."""
    paid_on = parse_date(paid_on, "还款日期", "paid_on")
    principal = parse_money(principal, "归还本金", "principal", allow_zero=True)
    interest = parse_money(interest or 0, "支付利息", "interest", allow_zero=True)
    if paid_on > timezone.localdate():
        raise FinanceError("还款日期：晚于今天，只能登记已发生的还款。", "paid_on")
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        if paid_on < loan.contract_date:
            raise FinanceError(f"还款日期：早于合同签订日 {loan.contract_date}，请核对。", "paid_on")
        balance = outstanding(loan)
        if principal > balance:
            raise FinanceError(f"归还本金：{money(principal)} 元超过该笔贷款未还本金余额 {money(balance)} 元，请核对。",
                               "principal")
        due = loan.schedule.filter(due_on__lt=paid_on).aggregate(s=Sum("principal"))["s"] or ZERO
        repaid = loan.amount - balance
        on_time = repaid >= due  # everything due before this day had been repaid already
        rep = Repayment.objects.create(loan=loan, paid_on=paid_on, principal=principal, interest=interest,
                                       on_time=on_time)
        record(user, "scifinance.repayment", rep, f"{loan.contract_no} 还本 {money(principal)} 元")
    return rep


def repaid_on_time(loan: Loan, on: dt.date) -> bool:
    """Every instalment due by ``on`` was repaid by its due day (B 第23条 按时还本付息)."""
    reps = list(loan.repayments.filter(paid_on__lte=on).values_list("paid_on", "principal"))
    due_total = ZERO
    for item in loan.schedule.filter(due_on__lte=on).order_by("due_on"):
        due_total += item.principal
        paid_by_then = sum((p for d, p in reps if d <= item.due_on), ZERO)
        if paid_by_then < due_total:
            return False
    return loan.defaulted_on is None or loan.defaulted_on > on


# ------------------------------------------------------------------------------------------- loan 备案

def file_loan(user: Any, loan: Loan, filed_on: Any) -> Loan:
    """The loan's own 备案 with its scheme's pool: the lender must be 备案 with the scheme on that day; B 第23条 caps
    the covered balance per enterprise at 2000 万元; the bank's own exposure limit holds."""
    filed_on = parse_date(filed_on, "备案日期", "filed_on")
    scheme = PRODUCT_SCHEME[Product(loan.product)]
    with transaction.atomic():
        head = Loan.objects.filter(pk=loan.pk).values_list("borrower_id", "lender_id", "lender__parent_id").get()
        covered_key = funds.CapKey(COVERED, organization_id=head[0])
        # B 第23条 and the bank's exposure limit: the caps' rows locked (in funding's order) before the loan's
        funds.lock_caps([covered_key, *(exposure_key(p, scheme) for p in head[1:] if p)],
                        {covered_key: rules.COVERED_BALANCE_CAP})
        loan = Loan.objects.select_for_update().select_related("lender", "borrower").get(pk=loan.pk)
        if loan.filed_on:
            raise FinanceError(f"该笔贷款已于 {loan.filed_on} 备案，不能重复备案。", "filed_on")
        if filed_on < loan.contract_date:
            raise FinanceError("备案日期：不能早于合同签订日。", "filed_on")
        if loan.defaulted_on and loan.defaulted_on <= filed_on:
            raise FinanceError("备案日期：贷款须在违约前备案，已违约的贷款不能再备案。", "filed_on")
        if loan.lender.suspended_on and loan.lender.suspended_on <= filed_on:
            raise FinanceError(f"{loan.lender} 因损失率超过阈值已于 {loan.lender.suspended_on} 暂停新增备案。", "lender")
        if not partner_filed(loan.lender, scheme, filed_on):
            raise FinanceError(f"{loan.lender} 在 {filed_on} 未取得“{Scheme(scheme).label}”备案，该笔贷款不能纳入风险补偿。",
                               "lender")
        amount = outstanding(loan, filed_on)
        if scheme == Scheme.TRANSFORMATION_LOAN:
            over = funds.assess([funds.Ask(amount, [(covered_key, rules.COVERED_BALANCE_CAP)])],
                                lambda _: {covered_key: covered_balance(loan.borrower, filed_on)}, locked=False)
            if not over:
                used = over.refusals[0].used
                raise FinanceError(
                    f"{loan.borrower.name} 已纳入风险补偿的贷款余额 {rules.wan(used)}，加上本笔 "
                    f"{rules.wan(amount)} 超过每家企业 {rules.wan(rules.COVERED_BALANCE_CAP)} 的上限"
                    f"（{rules.COVERED_CITATION}）。", "amount")
        # the limit in force that day, the lender's own or its bank's; it covers that institution with its branches
        filing = PartnerFiling.objects.filter(
            partner_id__in=[loan.lender_id, loan.lender.parent_id or 0], scheme=scheme, exposure_limit__isnull=False,
            filed_on__lte=filed_on).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=filed_on)).select_related(
            "partner__organization").order_by("-filed_on").first()
        if filing is not None:
            key = exposure_key(filing.partner_id, scheme)
            over = funds.assess([funds.Ask(amount, [(key, filing.exposure_limit)])],
                                lambda _: {key: bank_exposure(filing.partner, scheme, filed_on)}, locked=False)
            if not over:
                raise FinanceError(f"{filing.partner}（含其科技支行）纳入风险补偿的贷款余额将超过敞口上限 "
                                   f"{rules.wan(filing.exposure_limit)}（现为 {rules.wan(over.refusals[0].used)}）。",
                                   "amount")
        loan.filed_on = filed_on
        loan.save(update_fields=["filed_on"])
        record(user, "scifinance.loan_filed", loan, f"{loan.contract_no} 备案 {Scheme(scheme).label}")
    return loan


def _filed_loans(on: dt.date) -> Any:
    return Loan.objects.filter(filed_on__lte=on).filter(
        Q(filing_revoked_on__isnull=True) | Q(filing_revoked_on__gt=on))


def _balances(loans: Any, on: dt.date) -> Decimal:
    total = loans.aggregate(s=Sum("amount"))["s"] or ZERO
    repaid = Repayment.objects.filter(loan__in=loans, paid_on__lte=on).aggregate(s=Sum("principal"))["s"] or ZERO
    return total - repaid


def covered_balance(borrower: Organization, on: dt.date) -> Decimal:
    return _balances(_filed_loans(on).filter(borrower=borrower, product=Product.TRANSFORMATION_LOAN,
                                             defaulted_on__isnull=True), on)


def bank_exposure(partner: Partner, scheme: str, on: dt.date) -> Decimal:
    """The covered balance an institution carries for a scheme: its own loans and its 科技支行's."""
    products = [p for p, s in PRODUCT_SCHEME.items() if s == scheme]
    lenders = Q(lender=partner) | Q(lender__parent=partner)
    return _balances(_filed_loans(on).filter(lenders, product__in=products, defaulted_on__isnull=True), on)


def revoke_unmet_filings(user: Any, year: int) -> int:
    """A transformation-loan 备案 whose condition is not met by year end is revoked on 31 December: the borrower must
    hold 国家科技型中小企业 in that year (B 第23条 鼓励和支持国家科技型中小企业)."""
    from registry.models import Qualification

    end = dt.date(year, 12, 31)
    qualified = Qualification.objects.filter(kind="tech_sme", valid_from__lte=end,
                                             valid_to__gte=dt.date(year, 1, 1)).values("organization_id")
    qs = _filed_loans(end).filter(product=Product.TRANSFORMATION_LOAN, filed_on__year=year).exclude(
        borrower_id__in=qualified)
    n = qs.update(filing_revoked_on=end)
    if n:
        record(user, "scifinance.filings_revoked", None, f"{year} 年末撤销 {n} 笔条件未满足的贷款备案")
    return n


def mark_default(user: Any, loan: Loan, on: Any) -> Loan:
    on = parse_date(on, "违约日期", "defaulted_on")
    loan = Loan.objects.get(pk=loan.pk)
    if on < loan.contract_date or on > timezone.localdate():
        raise FinanceError("违约日期：须在合同签订日与今天之间。", "defaulted_on")
    loan.defaulted_on = on
    loan.save(update_fields=["defaulted_on"])
    record(user, "scifinance.loan_defaulted", loan, f"{loan.contract_no} 违约")
    return loan


# ------------------------------------------------------------------------------------------- insurance

POLICY_PRODUCTS = {label: value for value, label in PolicyProduct.choices} | {v: v for v in PolicyProduct.values}


def register_policy(user: Any, insurer: Partner, values: dict[str, Any]) -> InsurancePolicy:
    if insurer.kind != PartnerKind.INSURER:
        raise FinanceError("只有保险机构可以登记保单。", "insurer")
    errors: dict[str, str] = {}
    uscc = str(values.get("insured_uscc") or "").strip().upper()
    insured = Organization.objects.filter(uscc=uscc).first() if uscc else None
    if insured is None:
        errors["insured_uscc"] = f"投保人统一社会信用代码：平台登记的创新主体中没有 {uscc or '（空）'}，请核对。"
    product = POLICY_PRODUCTS.get(str(values.get("product") or "").strip())
    if product is None:
        errors["product"] = f"险种：请填写 {'、'.join(PolicyProduct.labels)} 之一。"
    policy_no = str(values.get("policy_no") or "").strip()
    if not policy_no:
        errors["policy_no"] = "保单号：必填。"
    elif InsurancePolicy.objects.filter(insurer=insurer, policy_no=policy_no).exists():
        errors["policy_no"] = f"保单号：本机构已登记过保单 {policy_no}。"
    values_out: dict[str, Any] = {}
    for name, label, fn in (("start_on", "保险起期", parse_date), ("premium_paid_on", "保费支付日期", parse_date),
                            ("premium", "实际支付保费", parse_money)):
        try:
            values_out[name] = fn(values.get(name), label, name)
        except FinanceError as exc:
            errors[name] = str(exc)
    if values_out.get("premium_paid_on") and values_out["premium_paid_on"] > timezone.localdate():
        errors["premium_paid_on"] = "保费支付日期：晚于今天，只能登记已支付的保费。"
    if insured is not None and values_out.get("premium_paid_on") and _blacklisted(insured, values_out["premium_paid_on"]):
        errors["insured_uscc"] = f"投保人统一社会信用代码：{insured.name} 处于科研失信名单期内，不能享受保费补贴。"
    if errors:
        raise _first_error(errors)
    with transaction.atomic():
        policy = InsurancePolicy.objects.create(insurer=insurer, insured=insured, product=product, policy_no=policy_no,
                                                **values_out)
        record(user, "scifinance.policy_registered", policy, f"{insurer} 登记保单 {policy_no}")
    return policy

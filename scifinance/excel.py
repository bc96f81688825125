"""Excel in and out: the loan import (all or nothing, every bad row listed, as in registry/excel.py) and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from core import xlsx
from core.audit import record
from core.imports import SheetTooLarge, open_workbook, sheet_rows
from core.xlsx import append_row
from scifinance.models import Collateral, Loan, Partner, Product, Repayment, ScheduledRepayment
from scifinance.services import (
    FinanceError,
    LoanDraft,
    Lookups,
    check_loan,
    parse_date,
    parse_money,
    talent_cap_errors,
)

LOAN_SHEET, REPAY_SHEET = "贷款", "还款"
LOAN_COLUMNS = [("借款人统一社会信用代码", "borrower_uscc"), ("贷款产品", "product"), ("合同编号", "contract_no"),
                ("合同签订日", "contract_date"), ("贷款金额(元)", "amount"), ("期限(月)", "term_months"),
                ("年利率(%)", "rate"), ("担保方式", "collateral"), ("高层次人才姓名", "talent_name"),
                ("人才证件号", "talent_id")]
REPAY_COLUMNS = ["合同编号", "还款日期", "归还本金(元)", "支付利息(元)"]


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet} 第{self.row}行 【{self.column}】{self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    loans: int = 0
    repayments: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _save(wb: Workbook) -> bytes:
    return xlsx.save(wb)


def _sheet(wb: Workbook, title: str, headers: list[str], rows: Iterable[list[Any]], first: bool = False):
    """A sheet of a write-only workbook (``first`` is kept for callers; sheets are added in order)."""
    ws = wb.create_sheet(title)
    xlsx.header(ws, headers, [max(12, len(h) * 2 + 2) for h in headers])
    for r in rows:
        append_row(ws, r)
    return ws


def template_workbook() -> bytes:
    wb = xlsx.workbook()
    _sheet(wb, LOAN_SHEET, [c for c, _ in LOAN_COLUMNS], [], first=True)
    _sheet(wb, REPAY_SHEET, REPAY_COLUMNS, [])
    _sheet(wb, "填写说明", ["项目", "说明"], [
        ["贷款产品", "、".join(Product.labels)], ["担保方式", "、".join(Collateral.labels)],
        ["日期", "如 2025-04-15"], ["人才贷", "须填写高层次人才姓名和证件号；额度不超过1000万元、期限不超过1年，"
                                  "多个高层次人才任职的企业贷款总额不超过5000万元（威政发〔2023〕5号 第27条）"],
        ["卡脖子攻关贷", "额度不超过2000万元、无需抵质押物、期限不超过3年（威政发〔2023〕5号 第24条）"],
        ["导入规则", "任何一行有误则整份文件不导入，并列出每一行的错误"]])
    return _save(wb)


def build_workbook(loans: list[list[Any]], repayments: list[list[Any]] = ()) -> bytes:
    wb = xlsx.workbook()
    _sheet(wb, LOAN_SHEET, [c for c, _ in LOAN_COLUMNS], loans, first=True)
    _sheet(wb, REPAY_SHEET, REPAY_COLUMNS, list(repayments))
    return _save(wb)


def _value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


def import_loans(data: bytes, lender: Partner, actor: Any) -> ImportResult:
    """Validate every row of both sheets; write all in one transaction, or nothing when any row is bad."""
    result = ImportResult()
    try:
        wb = open_workbook(data)
    except Exception:  # openpyxl raises several kinds for a file that is not xlsx
        result.errors.append(RowError("文件", 0, "文件", "无法读取该文件，请上传由模板填写的 .xlsx 文件。"))
        return result
    if LOAN_SHEET not in wb.sheetnames:
        result.errors.append(RowError("文件", 0, "工作表", f"找不到工作表“{LOAN_SHEET}”，请使用下载的模板。"))
        return result
    labels = {name: col for col, name in LOAN_COLUMNS}
    drafts: list[tuple[int, LoanDraft]] = []
    try:  # the rows the sheets hold, whatever dimension they declare (core.imports.sheet_rows)
        rows = sheet_rows(wb[LOAN_SHEET])
        repay_rows = sheet_rows(wb[REPAY_SHEET], min_row=2) if REPAY_SHEET in wb.sheetnames else []
    except SheetTooLarge as exc:
        result.errors.append(RowError("文件", 0, "文件", str(exc)))
        return result
    header = [_value(h) for h in (rows[0][1] if rows and rows[0][0] == 1 else [])]
    missing = [c for c, _ in LOAN_COLUMNS[:8] if c not in header]
    if missing:
        result.errors.append(RowError(LOAN_SHEET, 1, "表头", f"缺少列：{'、'.join(missing)}，请使用下载的模板。"))
        return result
    pending: list[LoanDraft] = []
    parsed = []
    for n, row in rows:
        if n == 1 or all(v in (None, "") for v in row):
            continue
        parsed.append((n, {name: _value(row[header.index(col)]) if col in header and header.index(col) < len(row)
                           else "" for col, name in LOAN_COLUMNS}))
    lookups = Lookups.load(lender, {str(v["borrower_uscc"]).strip().upper() for _, v in parsed})
    for n, values in parsed:
        draft, errors = check_loan(lender, values, pending, lookups=lookups)
        for name, message in errors.items():
            result.errors.append(RowError(LOAN_SHEET, n, labels.get(name, name), message))
        if draft is not None:
            drafts.append((n, draft))
            pending.append(draft)
    by_contract = {d.contract_no: d for _, d in drafts}
    repayments: list[tuple[str, dt.date, Decimal, Decimal]] = []
    paid: dict[str, Decimal] = {}
    if repay_rows:
        for n, row in repay_rows:
            if all(v in (None, "") for v in row):
                continue
            row = [_value(v) for v in row] + [""] * 4
            contract, on, principal, interest = row[:4]
            try:
                on = parse_date(on, "还款日期", "paid_on")
                principal = parse_money(principal, "归还本金", "principal", allow_zero=True)
                interest = parse_money(interest or "0", "支付利息", "interest", allow_zero=True)
            except FinanceError as exc:
                result.errors.append(RowError(REPAY_SHEET, n, "还款", str(exc)))
                continue
            draft = by_contract.get(contract)
            if draft is None:
                result.errors.append(RowError(REPAY_SHEET, n, "合同编号",
                                              f"本文件“贷款”表中没有（或有误的）合同 {contract or '（空）'}。"))
                continue
            if on < draft.contract_date or on > dt.date.today():
                result.errors.append(RowError(REPAY_SHEET, n, "还款日期", "须在合同签订日与今天之间。"))
                continue
            balance = draft.amount - paid.get(contract, Decimal(0))
            if principal > balance:
                result.errors.append(RowError(REPAY_SHEET, n, "归还本金(元)",
                                              f"{principal:,.2f} 元超过合同 {contract} 未还本金余额 {balance:,.2f} 元。"))
                continue
            paid[contract] = paid.get(contract, Decimal(0)) + principal
            repayments.append((contract, on, principal, interest))
    result.rows = len(drafts)
    if result.errors:
        return result
    with transaction.atomic():
        over = talent_cap_errors([d for _, d in drafts], lock=True)  # again, under the locks: a parallel write
        if over:
            result.errors += [RowError(LOAN_SHEET, drafts[i][0], "贷款金额(元)", m) for i, m in over.items()]
            return result
        created = Loan.objects.bulk_create([Loan(
            lender=lender, borrower=d.borrower, product=d.product, contract_no=d.contract_no,
            contract_date=d.contract_date, amount=d.amount, term_months=d.term_months, rate=d.rate,
            collateral=d.collateral, talent_name=d.talent_name, talent_id=d.talent_id,
            created_by=actor if getattr(actor, "is_authenticated", False) else None) for _, d in drafts])
        if any(x.pk is None for x in created):  # a backend that returns no ids
            created = list(Loan.objects.filter(lender=lender, contract_no__in=[d.contract_no for _, d in drafts]))
        loans = {x.contract_no: x for x in created}
        ScheduledRepayment.objects.bulk_create([ScheduledRepayment(loan=x, due_on=x.maturity, principal=x.amount)
                                                for x in created])
        Repayment.objects.bulk_create([Repayment(loan=loans[c], paid_on=on, principal=p, interest=i,
                                                  on_time=on <= loans[c].maturity)
                                       for c, on, p, i in repayments])
        result.loans, result.repayments = len(loans), len(repayments)
        record(actor, "scifinance.loans_imported", lender, f"{lender} 导入贷款 {result.loans} 笔、还款 {result.repayments} 笔")
    return result


def export_loans(qs) -> bytes:
    wb = xlsx.workbook()
    ws = wb.create_sheet("贷款")
    xlsx.header(ws, headers := ["贷款机构", "借款主体", "统一社会信用代码", "区市", "贷款产品", "合同编号", "合同签订日",
                                "贷款金额(元)", "期限(月)", "年利率(%)", "担保方式", "风险补偿备案日期", "违约日期"],
                [max(12, len(h) * 2 + 2) for h in headers])
    for x in qs[:200_000].iterator(chunk_size=2000):
        append_row(ws, [x.lender.organization.name, x.borrower.name, x.borrower.uscc, x.borrower.region.name,
                        x.get_product_display(), x.contract_no, x.contract_date,
                        xlsx.styled(ws, float(x.amount), "#,##0.00"), x.term_months, float(x.rate),
                        x.get_collateral_display(), x.filed_on or "", x.defaulted_on or ""])
    return _save(wb)

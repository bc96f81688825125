"""Payment results from the bank: a finance account imports the return file (Excel), failed and returned (退票)
payments are reversed on the ledger (the claim or milestone can then be paid again, or the commitment cancelled),
and a reconciliation compares the ledger's payments with what the bank confirmed.

File layout (first sheet, a header row then one row per payment): 付款参考号 (the payment's reference, as the
payment batch Excel carries it) or 申报编号 (the claim number: its standing payment), 结果 (成功 / 失败 / 退票),
金额(元), 说明 (optional). The payment batch itself, with 结果 filled in, is such a file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from core.audit import account, record
from funding import access
from funding.models import BankReturn, BankReturnLine, Claim, ClaimEvent, LedgerEntry
from funding.notify import notify
from funding.services import ZERO, FundingError, _append, lock_in_order, money, parse_amount

RESULTS = {"成功": "paid", "已支付": "paid", "paid": "paid", "失败": "failed", "failed": "failed",
           "退票": "returned", "退回": "returned", "returned": "returned"}
HEADERS = {"reference": ("付款参考号", "参考号"), "claim": ("申报编号",), "result": ("结果", "支付结果", "状态"),
           "amount": ("金额(元)", "金额", "金额（元）"), "note": ("说明", "备注", "失败原因")}
OPTIONAL = ("note", "reference", "claim")
MAX_FILE = 5 * 1024 * 1024


@dataclass
class ImportResult:
    batch: BankReturn
    paid: int = 0
    reversed: list[LedgerEntry] = field(default_factory=list)


def _columns(header: list[Any]) -> dict[str, int]:
    names = [str(h or "").strip() for h in header]
    cols = {}
    for key, options in HEADERS.items():
        idx = next((i for i, n in enumerate(names) if n in options), None)
        if idx is None and key not in OPTIONAL:
            raise FundingError(f"银行回单：第 1 行缺少「{options[0]}」列，请使用 付款参考号（或申报编号）、结果、金额(元) 三列。",
                               "file")
        if idx is not None:
            cols[key] = idx
    if "reference" not in cols and "claim" not in cols:
        raise FundingError("银行回单：第 1 行缺少「付款参考号」或「申报编号」列，请使用拨付批次 Excel 填写结果后导入。", "file")
    return cols


def _by_claim(value: Any) -> str:
    """A row keyed by claim number: the reference of that claim's standing payment ("" if none or not a number)."""
    text = str(value or "").strip().removesuffix(".0")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return ""
    entry = LedgerEntry.objects.filter(claim_id=int(text), kind=LedgerEntry.Kind.PAYMENT,
                                       reversed_by__isnull=True).order_by("-id").first()
    return entry.idempotency_key if entry else ""


def read_rows(data: bytes) -> list[dict[str, Any]]:
    """The return's rows through the platform's one bounded sheet reader (core.imports): the work follows the cells
    the file holds, not the size its sheet declares."""
    from core.imports import SheetTooLarge, open_workbook, sheet_rows

    try:
        wb = open_workbook(data)
    except Exception:  # noqa: BLE001 - whatever openpyxl says, the user's fix is the same
        raise FundingError("银行回单：文件不是有效的 Excel（.xlsx）文件，请从网银导出后重新上传。", "file") from None
    try:
        rows = sheet_rows(wb.worksheets[0])
    except SheetTooLarge as exc:
        raise FundingError(f"银行回单：{exc}", "file") from None
    if not rows:
        raise FundingError("银行回单：文件是空的。", "file")
    cols = _columns(list(rows[0][1]))
    out = []
    for n, row in rows[1:]:
        if not any(v not in (None, "") for v in row):
            continue
        out.append({"row": n, **{k: (row[i] if i < len(row) else None) for k, i in cols.items()}})
    if not out:
        raise FundingError("银行回单：没有数据行。", "file")
    return out


def import_return(user: Any, filename: str, data: bytes) -> ImportResult:
    """All or nothing: every row is checked first (each problem named with its row); then 成功 rows are recorded and
    失败/退票 rows reverse their payment."""
    if not access.is_finance(user) or getattr(user, "role", "") not in ("finance",):
        raise FundingError("银行回单须由财政部门账户导入。")
    if not filename.lower().endswith(".xlsx"):
        raise FundingError(f"银行回单「{filename}」：请上传 .xlsx 格式的 Excel 文件。", "file")
    if len(data) > MAX_FILE:
        raise FundingError(f"银行回单「{filename}」：超过 5 MB，请分批导入。", "file")
    digest = hashlib.sha256(data).hexdigest()
    if BankReturn.objects.filter(sha256=digest).exists():
        raise FundingError(f"银行回单「{filename}」已导入过，不能重复导入。", "file")
    rows = read_rows(data)
    errors, plan, seen = [], [], set()
    for r in rows:
        ref = str(r.get("reference") or "").strip()
        result = RESULTS.get(str(r.get("result") or "").strip())
        where = f"第 {r['row']} 行"
        if not ref and r.get("claim") not in (None, ""):
            ref = _by_claim(r["claim"])
            if not ref:
                errors.append(f"{where}：申报编号 {r['claim']} 没有已拨付、未冲销的付款")
                continue
        if not ref:
            errors.append(f"{where}：付款参考号为空")
            continue
        if ref in seen:
            errors.append(f"{where}：付款参考号 {ref} 在文件中重复")
            continue
        seen.add(ref)
        if result is None:
            errors.append(f"{where}：结果「{r.get('result') or ''}」无法识别，请填写 成功、失败 或 退票")
            continue
        try:
            amount = parse_amount(r.get("amount"), "amount", f"{where}金额")
        except FundingError as exc:
            errors.append(str(exc))
            continue
        entry = LedgerEntry.objects.filter(idempotency_key=ref, kind=LedgerEntry.Kind.PAYMENT).first()
        if entry is None:
            errors.append(f"{where}：付款参考号 {ref} 在资金台账中没有对应的拨付")
            continue
        if entry.amount != amount:
            errors.append(f"{where}：金额 {money(amount)} 元与台账拨付金额 {money(entry.amount)} 元不符")
            continue
        if BankReturnLine.objects.filter(entry=entry).exists():
            errors.append(f"{where}：付款参考号 {ref} 的银行结果已登记过")
            continue
        plan.append((r, entry, result, amount))
    if errors:
        raise FundingError("银行回单未导入，请修改后重新上传：" + "；".join(errors[:20])
                           + (f"；另有 {len(errors) - 20} 处问题" if len(errors) > 20 else "") + "。", "file")
    with transaction.atomic():
        batch = BankReturn.objects.create(filename=filename[:200], sha256=digest, rows=len(plan),
                                          imported_by=account(user))
        out = ImportResult(batch)
        lock_in_order([entry for _, entry, result, _ in plan if result != "paid"])  # the reversals' rows, sorted
        for r, entry, result, amount in plan:
            note = str(r.get("note") or "").strip()[:200]
            reversal = None
            if result == "paid":
                out.paid += 1
            else:
                reversal = _reverse_failed(user, entry, result, note)
                out.reversed.append(reversal)
            BankReturnLine.objects.create(batch=batch, entry=entry, reference=entry.idempotency_key, result=result,
                                          amount=amount, note=note, reversal=reversal)
        record(user, "funding.bank_return", batch, f"银行回单 {filename}：成功 {out.paid} 笔，失败/退票 "
                                                   f"{len(out.reversed)} 笔")
    return out


def _reverse_failed(user: Any, entry: LedgerEntry, result: str, note: str) -> LedgerEntry:
    """The money did not arrive: a reversal entry restores the commitment, the claim goes back to 待拨付."""
    label = dict(BankReturnLine.Result.choices)[result]
    rev = _append(
        kind=LedgerEntry.Kind.REVERSAL, budget_line=entry.budget_line, organization=entry.organization,
        claim=entry.claim, amount=entry.amount, committed_delta=-entry.committed_delta, paid_delta=-entry.paid_delta,
        decision=entry.decision, document=entry.document, article=entry.article, provision_id=entry.provision_id,
        year=entry.year, idempotency_key=f"reverse:{entry.pk}", reverses=entry, created_by=account(user),
        memo=f"银行{label}冲销 #{entry.pk}：{note}"[:200])
    claim = Claim.objects.select_for_update().get(pk=entry.claim_id)
    if claim.state == "paid":
        # the bank's answer is a fact, not a staff decision: the claim waits for payment again (re-issue)
        Claim.objects.filter(pk=claim.pk).update(state="approved")
    ClaimEvent.objects.create(claim=claim, transition="bank_return", from_state=claim.state, to_state="approved"
                              if claim.state == "paid" else claim.state, actor=account(user),
                              reason=f"银行{label}：{money(entry.amount)} 元{('，' + note) if note else ''}；已冲销，待重新拨付",
                              data={"entry": entry.pk, "reversal": rev.pk})
    notify(claim.organization, f"拨付{label}",
           f"{claim.title}：{money(entry.amount)} 元银行{label}{('（' + note + '）') if note else ''}，请核对收款账号，"
           "财政部门将重新拨付。", f"/funding/claims/{claim.pk}/", user)
    return rev


def reissue_key(claim: Claim) -> str:
    """The idempotency key of the next payment of a claim: the first is pay:<id>, a re-issue pay:<id>:r<n>."""
    n = claim.entries.filter(kind=LedgerEntry.Kind.PAYMENT, reversed_by__isnull=False).count()
    return f"pay:{claim.pk}" if n == 0 else f"pay:{claim.pk}:r{n}"


@dataclass
class Reconciliation:
    ledger_paid: Decimal
    bank_paid: Decimal
    bank_failed: Decimal
    unconfirmed: list[LedgerEntry]
    failed_not_reissued: list[BankReturnLine]

    @property
    def gap(self) -> Decimal:
        return self.ledger_paid - self.bank_paid


def reconcile_with_bank(user: Any) -> Reconciliation:
    """Ledger payments still standing (not reversed) against the bank's 成功 totals; the gaps listed."""
    from funding.services import ledger

    payments = ledger(user).filter(kind=LedgerEntry.Kind.PAYMENT)
    standing = payments.filter(reversed_by__isnull=True)
    ledger_paid = standing.aggregate(s=Sum("amount"))["s"] or ZERO
    lines = BankReturnLine.objects.filter(entry__in=payments)
    bank_paid = lines.filter(result="paid").aggregate(s=Sum("amount"))["s"] or ZERO
    bank_failed = lines.exclude(result="paid").aggregate(s=Sum("amount"))["s"] or ZERO
    unconfirmed = list(standing.filter(bank_lines__isnull=True).select_related("organization", "claim")
                       .order_by("id")[:500])
    failed = [ln for ln in lines.exclude(result="paid").select_related("entry__claim", "entry__organization")
              if ln.entry.claim.state == "approved" and not LedgerEntry.objects.filter(
                  Q(claim=ln.entry.claim_id, kind=LedgerEntry.Kind.PAYMENT, reversed_by__isnull=True)).exists()]
    return Reconciliation(ledger_paid, bank_paid, bank_failed, unconfirmed, failed)

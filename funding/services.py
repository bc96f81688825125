"""Business logic of project and fund management; pages, API, CLI and jobs all call these functions.

One guarded transition function (``perform``) writes the state, the history, the audit record, the ledger entry a
step executes and the notice. Money checks run under row locks taken in one order (claim → budget line → cap row),
so concurrent approvals never exceed a budget line or an organisation's yearly cap under an article.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django_fsm import has_transition_perm

from core import formatting
from core.audit import account, record
from funding import access, caps, workflow
from funding.models import (
    Attachment,
    BlacklistEntry,
    BudgetLine,
    Call,
    CapCounter,
    Claim,
    ClaimEvent,
    LedgerEntry,
    LineTotals,
    Objection,
    OrgTotals,
    Programme,
)
from funding.notify import notify
from registry.models import Organization

ZERO = Decimal(0)
MAX_UPLOAD = 10 * 1024 * 1024
MAGIC = {  # extension → (accepted leading bytes, content type)
    "pdf": ((b"%PDF-",), "application/pdf"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    "jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
}


class FundingError(ValueError):
    """Bad input or a refused step: a Chinese message naming the field and the fix."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def money(amount: Any) -> str:
    """An exact amount for messages ("200,000.00"): the platform's one rule for ledgers (core.formatting)."""
    return formatting.exact_yuan(amount or 0)


BANK_ACCOUNT = re.compile(r"[0-9]{8,32}", re.ASCII)


def bank_account_number(value: Any, field: str = "bank_account", label: str = "银行账号") -> str:
    """8–32 ASCII digits, spaces allowed when typed (str.isdigit() would take ², １ and ٣)."""
    number = str(value or "").replace(" ", "").replace("\u3000", "")
    if number and not BANK_ACCOUNT.fullmatch(number):
        raise FundingError(f"{label}：请填写 8–32 位阿拉伯数字 0–9（可含空格），不能含全角、上标或其他文字的数字。",
                           field)
    return number


TEXT_MAX = 2000  # 理由、意见、结论: characters (the models' CHECKs hold the same)


def check_text(value: str, field: str, label: str, limit: int = TEXT_MAX) -> str:
    """A free-text answer within ``limit`` characters, or a Chinese error naming the field."""
    if len(value) > limit:
        raise FundingError(f"{label}：不超过 {limit:,} 字（现为 {len(value):,} 字），请精简。", field)
    return value


def check_lengths(obj: Any, fields: tuple[str, ...]) -> None:
    """Each text field within its model's max_length: a Chinese message naming the field (SQLite enforces none)."""
    for name in fields:
        f = obj._meta.get_field(name)
        value = getattr(obj, name) or ""
        if f.max_length and len(value) > f.max_length:
            raise FundingError(f"{f.verbose_name}：不超过 {f.max_length:,} 字（现为 {len(value):,} 字），请精简。", name)


MAX_AMOUNT = Decimal("1e12")  # 1 万亿元: above any real grant; keeps Decimal arithmetic inside its precision


def parse_amount(value: Any, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        raise FundingError(f"{label}：请填写金额数字（元），如 100000。", field) from None
    if not amount.is_finite() or amount <= 0:
        raise FundingError(f"{label}：金额须大于 0 元。", field)
    if amount >= MAX_AMOUNT:
        raise FundingError(f"{label}：金额过大，须小于 1 万亿元，请核对（单位为元）。", field)
    if amount != amount.quantize(Decimal("0.01")):
        raise FundingError(f"{label}：金额最多保留两位小数（分）。", field)
    return amount


# ------------------------------------------------------------------------------------------- programmes, budget


def create_programme(user: Any, name: str, year: int, legal_basis: str = "",
                     lines: list[tuple[str, str, Any]] = (), workflow_def: dict | None = None,
                     required_attachments: list[str] | None = None, publicity_days: int = 5,
                     kind: str = "entitlement") -> Programme:
    if not access.is_bureau(user) and user is not None:
        raise FundingError("只有市科技局可以设立专项。")
    with transaction.atomic():
        programme = Programme(name=name, year=year, legal_basis=legal_basis, kind=kind,
                              workflow=workflow_def or workflow.DEFAULT_WORKFLOW,
                              required_attachments=required_attachments or [], publicity_days=publicity_days,
                              created_by=account(user))
        programme.full_clean()
        programme.save()
        for line_name, source, amount in lines:
            add_budget_line(user, programme, line_name, source, amount)
        record(user, "funding.programme_created", programme, f"设立专项 {programme}")
    return programme


def add_budget_line(user: Any, programme: Programme, name: str, source: str, amount: Any) -> BudgetLine:
    line = BudgetLine(programme=programme, name=name, source=source,
                      amount=parse_amount(amount, "amount", "预算金额"))
    line.full_clean()
    line.save()
    LineTotals.objects.create(budget_line=line)
    record(user, "funding.budget_line_added", line, f"{line} 预算 {money(line.amount)} 元")
    return line


def confirm_budget_line(user: Any, line: BudgetLine) -> BudgetLine:
    """Finance confirms the budget line; only confirmed lines can carry commitments."""
    if getattr(user, "role", "") != "finance":
        raise FundingError("预算科目须由财政部门账户确认。", "confirmed_by")
    if line.confirmed_at:
        return line
    line.confirmed_by, line.confirmed_at = user, timezone.now()
    line.save(update_fields=["confirmed_by", "confirmed_at"])
    record(user, "funding.budget_line_confirmed", line, f"财政确认 {line}")
    return line


@dataclass
class Balance:
    allocated: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        return self.allocated - self.committed - self.paid


def _sums(qs: QuerySet[LedgerEntry]) -> tuple[Decimal, Decimal]:
    s = qs.aggregate(c=Sum("committed_delta"), p=Sum("paid_delta"))
    return s["c"] or ZERO, s["p"] or ZERO


def _append(**fields: Any) -> LedgerEntry:
    """The one way to write a ledger entry: insert it and move the running sums (the budget line's, the
    organisation's for the year) in the same transaction, so they are locked and committed with the entry."""
    with transaction.atomic():  # a savepoint inside the caller's transaction; never an entry without its sums
        entry = LedgerEntry.objects.create(**fields)
        updated = LineTotals.objects.filter(budget_line_id=entry.budget_line_id).update(
            committed=F("committed") + entry.committed_delta, paid=F("paid") + entry.paid_delta)
        if not updated:
            committed, paid = _sums(LedgerEntry.objects.filter(budget_line_id=entry.budget_line_id))
            LineTotals.objects.create(budget_line_id=entry.budget_line_id, committed=committed, paid=paid)
        add_to_org_totals([(entry.organization_id, entry.year, entry.committed_delta, entry.paid_delta)])
    return entry


def lock_in_order(entries: list[LedgerEntry]) -> None:
    """Lock, in one fixed order, every row that writing entries beside ``entries`` will lock: their claims, then their
    lines' running sums, then their organisations' sums for the year, each by ascending key. A transaction that
    writes several entries (a bank return file's reversals) takes its locks here first; two such transactions over
    the same lines in opposite orders then queue instead of deadlocking, and a single payment (claim, then line,
    then organisation) keeps the same order."""
    claim_ids = sorted({e.claim_id for e in entries if e.claim_id})
    line_ids = sorted({e.budget_line_id for e in entries})
    org_years = sorted({(e.organization_id, e.year) for e in entries})
    list(Claim.objects.select_for_update().filter(pk__in=claim_ids).order_by("pk").values_list("pk", flat=True))
    list(LineTotals.objects.select_for_update().filter(budget_line_id__in=line_ids).order_by("budget_line_id")
         .values_list("pk", flat=True))
    if org_years:
        pairs = Q()
        for org_id, year in org_years:
            pairs |= Q(organization_id=org_id, year=year)
        list(OrgTotals.objects.select_for_update().filter(pairs).order_by("organization_id", "year")
             .values_list("pk", flat=True))


def add_to_org_totals(rows: list[tuple[int, int, Decimal, Decimal]]) -> None:
    """Add ``(organization_id, year, committed, paid)`` to the organisations' running sums: one upsert per row, which
    creates the row or adds to it under its lock (two writers of one organisation and year queue on that row; neither
    addition is lost). Bulk writers of the ledger (``funding.demo``) call it with their entries' sums."""
    table = connection.ops.quote_name(OrgTotals._meta.db_table)
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} (organization_id, year, committed, paid) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (organization_id, year) DO UPDATE SET committed = {table}.committed + excluded.committed, "
            f"paid = {table}.paid + excluded.paid",
            [(int(o), int(y), Decimal(c), Decimal(p)) for o, y, c, p in rows])


def reconcile(line: BudgetLine) -> tuple[Balance, Balance]:
    """(from the entries, from the running sums): equal unless something wrote the ledger around ``_append``."""
    return _ledger_balance(line), line_balance(line)


def _ledger_balance(line: BudgetLine) -> Balance:
    committed, paid = _sums(LedgerEntry.objects.filter(budget_line=line))
    return Balance(line.amount, committed, paid)


def line_balance(line: BudgetLine) -> Balance:
    """Allocated, committed and paid of one budget line, read from its running sums (one row, however long the
    ledger); a line without them (made outside ``add_budget_line``) is summed from its entries."""
    totals = LineTotals.objects.filter(budget_line=line).values_list("committed", "paid").first()
    if totals is None:
        return _ledger_balance(line)
    return Balance(line.amount, *totals)


def programme_totals(programme: Programme) -> Balance:
    """The sums over the programme's budget lines, read from the lines' running sums (a row per line)."""
    allocated = committed = paid = ZERO
    without: list[int] = []
    for pk, amount, c, p in BudgetLine.objects.filter(programme=programme).values_list(
            "pk", "amount", "totals__committed", "totals__paid"):
        allocated += amount
        if c is None:
            without.append(pk)
        else:
            committed, paid = committed + c, paid + p
    if without:
        c, p = _sums(LedgerEntry.objects.filter(budget_line_id__in=without))
        committed, paid = committed + c, paid + p
    return Balance(allocated, committed, paid)


def money_received(org: Organization) -> Decimal:
    """Net money paid to the organisation (payments less reversals and clawbacks), from its yearly running sums."""
    return OrgTotals.objects.filter(organization=org).aggregate(s=Sum("paid"))["s"] or ZERO


# ------------------------------------------------------------------------------------------- blacklist


def blacklist_entry(org: Organization | int, on: dt.date | None = None) -> BlacklistEntry | None:
    on = on or timezone.localdate()
    org_id = org if isinstance(org, int) else org.pk
    return BlacklistEntry.objects.filter(organization_id=org_id, confirmed=True, starts_on__lte=on,
                                         ends_on__gte=on).order_by("-ends_on").first()


def check_not_blacklisted(org: Organization, what: str) -> None:
    entry = blacklist_entry(org)
    if entry:
        raise FundingError(
            f"{org.name} 列入科研失信名单（{entry.get_reason_display()}，{entry.decision}），"
            f"{entry.ends_on:%Y年%m月%d日} 前不能{what}。", "organization")


def add_blacklist_entry(user: Any, org: Organization, reason: str, decision: str, starts_on: dt.date,
                        ends_on: dt.date, person_name: str = "", confirmed: bool = True) -> BlacklistEntry:
    if user is not None and not access.is_bureau(user):
        raise FundingError("只有市科技局可以登记科研失信名单。")
    entry = BlacklistEntry(organization=org, reason=reason, decision=decision, starts_on=starts_on,
                           ends_on=ends_on, person_name=person_name, confirmed=confirmed, created_by=account(user))
    entry.full_clean()
    entry.save()
    record(user, "funding.blacklisted", entry, f"{org.name} 列入科研失信名单至 {ends_on}")
    return entry


def overdue_for_acceptance(on: dt.date | None = None) -> QuerySet[Claim]:
    on = on or timezone.localdate()
    return Claim.objects.filter(state="paid", acceptance_due__lt=on, accepted_on__isnull=True) \
        .select_related("organization")


def propose_overdue_entries(on: dt.date | None = None) -> list[BlacklistEntry]:
    """The daily job: one unconfirmed 逾期不验收 proposal per overdue organisation (staff confirm in the admin)."""
    on = on or timezone.localdate()
    out = []
    for claim in overdue_for_acceptance(on):
        if BlacklistEntry.objects.filter(organization=claim.organization, reason="overdue_acceptance",
                                         ends_on__gte=on).exists():
            continue
        out.append(add_blacklist_entry(None, claim.organization, "overdue_acceptance",
                                       f"逾期未验收：{claim.title}（应于 {claim.acceptance_due} 验收）", on,
                                       on.replace(year=on.year + 3), confirmed=False))
    return out


# ------------------------------------------------------------------------------------------- claims


#: provisions whose money has a programme kind of its own (when the year has such a programme)
KIND_OF_PROVISION = (("A.16.", "incubation"), ("B.14.", "tech_contract"))


def programme_for(year: int, provision_id: str = "") -> Programme:
    """The programme an entitlement or 免申即享 claim draws on: a 孵化奖励 programme for A 第16条 and a 技术合同补助
    programme for B 第14条 where the year has one, else the year's 政策兑现 programme (never a pool, voucher or call
    programme)."""
    kind = next((k for prefix, k in KIND_OF_PROVISION if provision_id.startswith(prefix)), None)
    programme = None
    if kind:
        programme = Programme.objects.filter(year=year, kind=kind).order_by("id").first()
    programme = programme or Programme.objects.filter(year=year, kind="entitlement").order_by("id").first()
    if programme is None:
        raise FundingError(f"{year} 年度尚未设立专项资金，暂不能申报；请联系市科技局。", "year")
    return programme


def _event(claim: Claim, name: str, user: Any, from_state: str, reason: str = "", **data: Any) -> None:
    ClaimEvent.objects.create(claim=claim, transition=name, from_state=from_state, to_state=claim.state,
                              actor=account(user), reason=reason, data=data)


def _ensure_cap(org: Organization, provision_id: str, year: int, cap: Decimal) -> None:
    CapCounter.objects.get_or_create(organization=org, provision_id=provision_id, year=year, defaults={"cap": cap})


def create_claim_from_entitlement(user: Any, org: Organization, provision_id: str, year: Any,
                                  event_key: str = "") -> tuple[Claim, bool]:
    """政策兑现: the entitlement is the organisation's kept result for the year (recomputed by the engine when its facts
    or the rules changed since, ``screening.services.kept``), never taken from the form; a second press opens the
    same claim."""
    from screening.services import kept

    try:
        year = int(year)
    except (TypeError, ValueError):
        raise FundingError("年度：请填写四位数年份。", "year") from None
    existing = Claim.objects.filter(organization=org, provision_id=provision_id, year=year,
                                    event_key=event_key).first()
    if existing:
        return existing, False
    check_not_blacklisted(org, "申报")
    results = kept.read(org, [year])[year]
    match = next((r for r in results if str(r.provision_id) == provision_id), None)
    if match is None or match.status != "applies" or Decimal(match.amount or 0) <= 0:
        raise FundingError(f"{year} 年度本单位不符合该条款（{provision_id}），不能申报。", "provision_id")
    programme = programme_for(year, provision_id)
    with transaction.atomic():
        claim = Claim(programme=programme, organization=org, origin=Claim.Origin.REDEMPTION,
                      provision_id=provision_id, title=str(match.title)[:200],
                      document=str(match.document or "")[:120], article=str(match.article or "")[:60], year=year,
                      event_key=event_key, is_ceiling=bool(match.is_ceiling),
                      entitled_amount=Decimal(match.amount).quantize(Decimal("0.01")),
                      explanation=str(match.explanation or ""), created_by=account(user))
        claim.full_clean()
        claim.save()
        _ensure_cap(org, provision_id, year, claim.entitled_amount)
        _event(claim, "create", user, "", "由应享政策生成申报")
        record(user, "funding.claim_created", claim, f"{org.name} 申报 {claim.title}")
    return claim, True


APPLICANT_FIELDS = ("project_title", "summary", "bank_name", "bank_account")


def update_claim(user: Any, claim: Claim, values: dict[str, Any]) -> Claim:
    """The applicant fills or fixes the form (draft, returned, awaiting confirmation): what was typed stays."""
    if not access.is_applicant(user, claim):
        raise FundingError("只有申报单位可以修改申报内容。")
    if claim.state not in ("draft", "returned", "awaiting_confirmation"):
        raise FundingError(f"申报处于「{claim.applicant_state}」，不能修改；如需修改请联系受理部门退回。")
    for f in APPLICANT_FIELDS:
        if f in values:
            setattr(claim, f, str(values[f] or "").strip())
    claim.bank_account = bank_account_number(claim.bank_account)
    check_lengths(claim, APPLICANT_FIELDS)
    claim.full_clean()
    claim.save()
    return claim


def last_bank_details(org: Organization) -> dict[str, str]:
    """The bank of the organisation's last claim it confirmed or submitted (to prefill a new claim's form)."""
    last = Claim.objects.filter(organization=org).exclude(bank_account="") \
        .exclude(state__in=("draft", "awaiting_confirmation", "objected", "withdrawn")).order_by("-id") \
        .values("bank_name", "bank_account").first()
    return last or {}


def check_file(filename: str, data: bytes) -> tuple[str, str]:
    """The extension must be PDF/PNG/JPEG and the first bytes must say the same; at most 10 MB."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in MAGIC:
        raise FundingError(f"附件「{filename}」：只接受 PDF、PNG、JPG 文件，请转换后上传。", "file")
    if not data:
        raise FundingError(f"附件「{filename}」：文件为空，请重新选择。", "file")
    if len(data) > MAX_UPLOAD:
        raise FundingError(f"附件「{filename}」：超过 10 MB，请压缩后上传。", "file")
    prefixes, content_type = MAGIC[ext]
    if not any(data.startswith(p) for p in prefixes):
        raise FundingError(f"附件「{filename}」：文件内容不是 {ext.upper()} 格式（与扩展名不符），请上传真实的文件。",
                           "file")
    return content_type, hashlib.sha256(data).hexdigest()


def attach(user: Any, claim: Claim, label: str, filename: str, data: bytes) -> Attachment:
    if not access.is_applicant(user, claim):
        raise FundingError("只有申报单位可以上传材料。")
    if claim.state not in ("draft", "returned", "awaiting_confirmation"):
        raise FundingError(f"申报处于「{claim.applicant_state}」，不能再上传材料。", "file")
    label = (label or "").strip() or "证明材料"
    content_type, digest = check_file(filename, data)
    if claim.attachments.filter(sha256=digest).exists():
        raise FundingError(f"附件「{filename}」：同一文件已上传过。", "file")
    with transaction.atomic():
        att = Attachment.objects.create(claim=claim, label=label[:60], filename=filename[:200],
                                        content_type=content_type, size=len(data), sha256=digest, data=data,
                                        uploaded_by=account(user))
        _event(claim, "attach", user, claim.state, f"{label}：{filename}", sha256=digest)
    return att


def _check_submission(claim: Claim) -> None:
    check_not_blacklisted(claim.organization, "申报")
    if claim.call_id:
        check_call_window(claim.call)
    if claim.origin != Claim.Origin.PROACTIVE:
        labels = set(claim.attachments.values_list("label", flat=True))
        missing = [r for r in claim.programme.required_attachments if r not in labels]
        if missing:
            raise FundingError(f"缺少必交材料：{'、'.join(missing)}，请上传后再提交。", "file")
        if not claim.attachments.exists():
            raise FundingError("请至少上传一份证明材料（PDF 或图片）后再提交。", "file")
    if not claim.bank_account:
        raise FundingError("银行账号：请填写收款银行账号后再提交。", "bank_account")


def _lock_and_commit(user: Any, claim: Claim, amount: Decimal, line: BudgetLine) -> LedgerEntry:
    """Under row locks (budget line, then cap row): check balance and cap, then write the commitment."""
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if line.programme_id != claim.programme_id:
        raise FundingError("预算科目：请选择本专项的预算科目。", "budget_line")
    if not line.confirmed_at:
        raise FundingError(f"预算科目「{line.name}」尚未经财政部门确认，不能安排资金。", "budget_line")
    # under the line's lock: the running sums (kept with every entry) instead of re-adding the whole ledger
    totals = LineTotals.objects.filter(budget_line=line).first()
    if totals is None:  # first entry of the line, or entries written before the sums existed
        committed, paid = _sums(LedgerEntry.objects.filter(budget_line=line))
        totals = LineTotals.objects.create(budget_line=line, committed=committed, paid=paid)
    available = line.amount - totals.committed - totals.paid
    if amount > available:
        raise FundingError(f"决定金额 {money(amount)} 元超过预算科目「{line.name}」可用余额 {money(available)} 元，"
                           "请调低金额或选择其他预算科目。", "amount")
    key = claim.provision_id or f"call:{claim.call_id}"
    _ensure_cap(claim.organization, key, claim.year, claim.entitled_amount)
    cap_key = caps.CapKey(key, claim.year, claim.organization_id)
    cap = caps.lock([cap_key])[cap_key]
    committed, paid = _sums(LedgerEntry.objects.filter(organization=claim.organization, provision_id=key,
                                                       year=claim.year))
    used = committed + paid
    if used + amount > cap.cap:
        raise FundingError(f"决定金额 {money(amount)} 元将使 {claim.organization.name} {claim.year} 年度"
                           f"{claim.citation} 累计 {money(used + amount)} 元，超过每家每年上限 {money(cap.cap)} 元"
                           f"（已安排 {money(used)} 元），请调低金额。", "amount")
    if not (claim.document and claim.article):
        raise FundingError("该申报缺少政策依据（文件和条款），不能安排资金。", "document")
    return _append(
        kind=LedgerEntry.Kind.COMMITMENT, budget_line=line, organization=claim.organization, claim=claim,
        amount=amount, committed_delta=amount, paid_delta=ZERO, decision=f"市科技局决定（申报 #{claim.pk}）",
        document=claim.document, article=claim.article, provision_id=key, year=claim.year,
        idempotency_key=f"commit:{claim.pk}", bank_account=claim.bank_account, created_by=account(user),
        memo=claim.title[:200])


def _pay(user: Any, claim: Claim, key: str) -> LedgerEntry:
    check_not_blacklisted(claim.organization, "获得拨付")
    if LedgerEntry.objects.filter(claim=claim, kind=LedgerEntry.Kind.PAYMENT, reversed_by__isnull=True).exists() \
            or LedgerEntry.objects.filter(idempotency_key=key).exists():
        raise FundingError("该决定已拨付，不能重复拨付（同一决定只付一次）。", "idempotency_key")
    open_objections = claim.objections.filter(resolved_at__isnull=True).count()
    if open_objections:
        raise FundingError(f"公示异议尚有 {open_objections} 条未处理，处理完毕后才能拨付。", "objections")
    commitment = LedgerEntry.objects.filter(claim=claim, kind=LedgerEntry.Kind.COMMITMENT,
                                            reversed_by__isnull=True).first()
    if commitment is None:
        raise FundingError("该申报没有有效的资金安排（承诺分录），不能拨付。", "claim")
    if not claim.bank_account:
        raise FundingError("银行账号：申报单位尚未填写收款账号，请退回补充。", "bank_account")
    from funding.checks import check_payable

    check_payable(claim, commitment.amount)  # eligibility and the blacklist again, at payment time
    return _append(
        kind=LedgerEntry.Kind.PAYMENT, budget_line=commitment.budget_line, organization=claim.organization,
        claim=claim, amount=commitment.amount, committed_delta=-commitment.amount, paid_delta=commitment.amount,
        decision=commitment.decision, document=commitment.document, article=commitment.article,
        provision_id=commitment.provision_id, year=commitment.year, idempotency_key=key,
        bank_account=claim.bank_account, created_by=account(user), memo=f"拨付：{claim.title}"[:200])


NOTICE_TITLES = {
    "submit": "申报已提交", "confirm": "已确认免申即享事项", "district_pass": "申报通过区市初审",
    "formal_pass": "申报通过形式审查", "review_done": "申报评审完成", "decide": "申报进入公示",
    "publicity_end": "公示期满，等待拨付", "pay": "资金已拨付", "return_to_applicant": "申报被退回修改",
    "reject": "申报未获支持", "withdraw": "申报已撤回", "resolve_objection": "异议已处理，请重新确认",
    "object": "已收到您的异议",
}


def perform(user: Any, claim_id: int, name: str, reason: str = "", amount: Any = None,
            budget_line_id: Any = None, idempotency_key: str = "", scores: dict | None = None) -> Claim:
    """The one guarded transition: permission from the programme's declaration, the step's checks, state, history,
    audit, ledger and notice — all in one transaction."""
    t = workflow.BY_NAME.get(name)
    if t is None:
        raise FundingError(f"未知操作：{name}。", "transition")
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise FundingError(f"「{t.label}」须填写理由，请说明需要修改或不予支持的原因。", "reason")
    if len(reason) > 2000:
        raise FundingError(f"理由/意见：不超过 2,000 字（现为 {len(reason):,} 字），请精简。", "reason")
    with transaction.atomic():
        try:
            claim = Claim.objects.select_for_update().select_related("programme", "organization").get(pk=claim_id)
        except Claim.DoesNotExist:
            raise FundingError("未找到该申报。", "claim") from None
        if name == "pay" and claim.state == "paid":
            raise FundingError("该决定已拨付，不能重复拨付（同一决定只付一次）。", "idempotency_key")
        if claim.state not in t.sources:
            shown = claim.applicant_state if access.is_applicant(user, claim) else claim.internal_state
            raise FundingError(f"申报当前为「{shown}」，不能执行「{t.label}」。", "state")
        if not has_transition_perm(getattr(claim, name), user):
            raise FundingError(f"您的账户无权执行「{t.label}」。", "user")
        from_state = claim.state
        data: dict[str, Any] = {}
        commit: tuple[Decimal, BudgetLine] | None = None
        if name in ("submit", "confirm"):
            _check_submission(claim)
        elif name == "review_done":
            if not scores:
                from funding.reviews import score_summary

                scores = score_summary(claim)
            data["scores"] = scores or {}
            claim.scores = {"opinion": reason, **(scores or {})}
        elif name == "decide":
            amount = claim.entitled_amount if amount in (None, "") and not claim.is_ceiling else amount
            if amount in (None, ""):
                raise FundingError("决定金额：择优/最高类事项须填写评审确定的金额（元）。", "amount")
            amount = parse_amount(amount, "amount", "决定金额")
            if amount > claim.entitled_amount:
                raise FundingError(f"决定金额 {money(amount)} 元超过{claim.citation}的上限 "
                                   f"{money(claim.entitled_amount)} 元，请调低到上限以内。", "amount")
            line = _budget_line(claim, budget_line_id)
            check_not_blacklisted(claim.organization, "获得资助")
            claim.decided_amount, claim.budget_line = amount, line
            claim.publicity_ends_on = timezone.localdate() + dt.timedelta(days=claim.programme.publicity_days)
            data.update(amount=str(amount), budget_line=line.pk)
            commit = (amount, line)
        elif name == "publicity_end":
            if claim.publicity_ends_on and timezone.localdate() < claim.publicity_ends_on:
                raise FundingError(f"公示期至 {claim.publicity_ends_on:%Y年%m月%d日}，期满后才能结束公示。", "state")
            n = claim.objections.filter(resolved_at__isnull=True).count()
            if n:
                raise FundingError(f"公示异议尚有 {n} 条未处理，处理完毕后才能结束公示。", "objections")
        elif name == "pay":
            from funding.bank import reissue_key

            entry = _pay(user, claim, idempotency_key or reissue_key(claim))
            data.update(amount=str(entry.amount), ledger_entry=entry.pk)
        getattr(claim, name)()
        claim.save()
        _event(claim, name, user, from_state, reason, **data)
        record(user, f"funding.{name}", claim, f"{claim.organization.name} · {claim.title}：{t.label}",
               from_state=from_state, to_state=claim.state, reason=reason)
        body = f"{claim.title}（{claim.citation}）：{t.label}，当前状态「{claim.applicant_state}」。"
        if reason:
            body += f"\n理由：{reason}"
        if name == "pay":
            body += f"\n拨付金额 {money(claim.decided_amount)} 元。"
        notify(claim.organization, NOTICE_TITLES.get(name, t.label), body, f"/funding/claims/{claim.pk}/", user)
        if commit:
            # last, so that the budget line's lock is held only for the money checks and the entry
            _lock_and_commit(user, claim, *commit)
    return claim


def _budget_line(claim: Claim, budget_line_id: Any) -> BudgetLine:
    if budget_line_id in (None, ""):
        line = claim.programme.budget_lines.filter(confirmed_at__isnull=False).order_by("id").first()
        if line is None:
            raise FundingError("预算科目：本专项尚无经财政确认的预算科目，请先确认预算。", "budget_line")
        return line
    try:
        return claim.programme.budget_lines.get(pk=int(budget_line_id))
    except (BudgetLine.DoesNotExist, ValueError, TypeError):
        raise FundingError("预算科目：请选择本专项的预算科目。", "budget_line") from None


def available_transitions(user: Any, claim: Claim) -> list[workflow.Transition]:
    return [t for t in workflow.TRANSITIONS
            if claim.state in t.sources and access.may_fire(user, claim, t.name)]


def next_step_text(claim: Claim) -> str:
    """The next step and who holds it; a project is done only after 结题 (no project skips it)."""
    project = getattr(claim, "project", None)
    if project is not None and project.status != "closed" and claim.state in ("publicity", "approved", "paid"):
        stage = "项目实施中" if project.status == "active" else "项目已终止，待追回与结题"
        return f"{stage} · 办理方：市科技局（验收、绩效评价、结题）"
    if project is not None and project.status == "closed":
        return "已办结（已结题）"
    holder = claim.holder
    if claim.state in ("paid", "withdrawn", "rejected"):
        return "已办结"
    return f"{claim.applicant_state} · 办理方：{holder}" if holder else claim.applicant_state


# ------------------------------------------------------------------------------------------- ledger corrections


def reverse_entry(user: Any, entry_id: int, reason: str) -> LedgerEntry:
    """A wrong or failed entry is never edited: a reversal entry cancels it (once)."""
    if not access.is_finance(user):
        raise FundingError("只有财政部门可以冲销分录。")
    if not (reason or "").strip():
        raise FundingError("冲销须填写理由。", "reason")
    with transaction.atomic():
        entry = LedgerEntry.objects.select_for_update().get(pk=entry_id)
        if entry.kind not in (LedgerEntry.Kind.COMMITMENT, LedgerEntry.Kind.PAYMENT):
            raise FundingError("只能冲销承诺或拨付分录。", "entry")
        try:
            with transaction.atomic():
                rev = _append(
                    kind=LedgerEntry.Kind.REVERSAL, budget_line=entry.budget_line, organization=entry.organization,
                    claim=entry.claim, amount=entry.amount, committed_delta=-entry.committed_delta,
                    paid_delta=-entry.paid_delta, decision=entry.decision, document=entry.document,
                    article=entry.article, provision_id=entry.provision_id, year=entry.year,
                    idempotency_key=f"reverse:{entry.pk}", reverses=entry, created_by=account(user),
                    memo=f"冲销 #{entry.pk}：{reason}"[:200])
        except IntegrityError:
            raise FundingError(f"分录 #{entry.pk} 已冲销过，不能重复冲销。", "entry") from None
        record(user, "funding.reversal", rev, f"冲销分录 #{entry.pk}", reason=reason)
    return rev


def clawback(user: Any, claim: Claim, amount: Any, reason: str, key: str = "") -> LedgerEntry:
    """追回: money paid comes back to the budget line."""
    if not access.is_finance(user):
        raise FundingError("只有财政部门可以登记追回。")
    amount = parse_amount(amount, "amount", "追回金额")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        paid = _sums(claim.entries.all())[1]
        if amount > paid:
            raise FundingError(f"追回金额 {money(amount)} 元超过已拨付 {money(paid)} 元，请核对。", "amount")
        payment = claim.entries.filter(kind=LedgerEntry.Kind.PAYMENT).first()
        entry = _append(
            kind=LedgerEntry.Kind.CLAWBACK, budget_line=payment.budget_line, organization=claim.organization,
            claim=claim, amount=amount, committed_delta=ZERO, paid_delta=-amount, decision=payment.decision,
            document=payment.document, article=payment.article, provision_id=payment.provision_id,
            year=payment.year, idempotency_key=key or f"clawback:{claim.pk}:{claim.entries.count()}",
            created_by=account(user), memo=f"追回：{reason}"[:200])
        record(user, "funding.clawback", entry, f"追回 {money(amount)} 元", reason=reason)
    return entry


# ------------------------------------------------------------------------------------------- 公示 objections


def publicity_claims() -> QuerySet[Claim]:
    return Claim.objects.filter(state="publicity").select_related("organization", "programme").order_by("id")


def file_objection(claim_id: int, filed_by: str, contact: str, text: str, user: Any = None) -> Objection:
    """A logged-in account objects to a claim in 公示 (system jobs pass no user). One open objection per account and
    claim, at most ``OBJECTION_MAX`` characters: a flood neither fills the database nor piles up open objections."""
    from funding.models import OBJECTION_MAX

    if user is not None and not getattr(user, "is_authenticated", False):
        raise FundingError("提出异议须先登录：请用本单位或个人账户登录后再提交。", "account")
    claim = Claim.objects.filter(pk=claim_id, state="publicity").first()
    if claim is None:
        raise FundingError("该事项不在公示期内，不能提出异议。", "claim")
    filed_by, contact, text = (filed_by or "").strip(), (contact or "").strip(), (text or "").strip()
    if not filed_by or not text:
        raise FundingError("请填写异议人姓名和异议内容。", "text")
    if len(text) > OBJECTION_MAX:
        raise FundingError(f"异议内容：不超过 {OBJECTION_MAX:,} 字（现为 {len(text):,} 字），请精简后提交。", "text")
    if len(filed_by) > 60 or len(contact) > 60:
        raise FundingError("异议人姓名和联系方式：各不超过 60 字。", "filed_by")
    acct = account(user)
    if acct is not None and claim.objections.filter(account=acct, resolved_at__isnull=True).exists():
        raise FundingError("您对该事项的异议尚在处理中，处理后方可再次提出。", "claim")
    try:
        with transaction.atomic():
            obj = Objection.objects.create(claim=claim, account=acct, filed_by=filed_by, contact=contact, text=text)
            ClaimEvent.objects.create(claim=claim, transition="objection", from_state=claim.state,
                                      to_state=claim.state, reason=text)
    except IntegrityError:  # the same account, twice at once
        raise FundingError("您对该事项的异议尚在处理中，处理后方可再次提出。", "claim") from None
    return obj


def resolve_objection(user: Any, objection_id: int, resolution: str) -> Objection:
    if not access.is_bureau(user):
        raise FundingError("只有市科技局可以处理公示异议。")
    if not (resolution or "").strip():
        raise FundingError("处理意见：请填写处理结果。", "resolution")
    if len(resolution.strip()) > 2000:
        raise FundingError("处理意见：不超过 2,000 字。", "resolution")
    obj = Objection.objects.filter(pk=objection_id, resolved_at__isnull=True).first()
    if obj is None:
        raise FundingError("该异议不存在或已处理。", "objection")
    obj.resolution, obj.resolved_by, obj.resolved_at = resolution.strip(), user, timezone.now()
    obj.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    record(user, "funding.objection_resolved", obj.claim, f"公示异议已处理：{resolution[:100]}")
    return obj


# ------------------------------------------------------------------------------------------- 免申即享, calls


def create_proactive_claims(user: Any, run_id: int, result_ids: list[int] | None = None) -> tuple[int, int]:
    """From a finished screening run: every fixed (应享) result, or the selected ones, becomes a claim awaiting the
    organisation's confirmation. Returns (created, skipped as already claimed)."""
    from screening.models import ScreeningResult, ScreeningRun

    if not access.is_bureau(user):
        raise FundingError("只有市科技局可以发起免申即享兑现。")
    run = ScreeningRun.objects.filter(pk=run_id, kind="screening").first()
    if run is None or run.status != ScreeningRun.Status.DONE:
        raise FundingError("筛查任务尚未完成，完成后才能生成免申即享事项。", "run")
    programmes: dict[str, Programme] = {}
    programme_for(run.year)  # the year's 政策兑现 programme exists (else a Chinese refusal)
    results = ScreeningResult.objects.filter(run=run, status="applies", is_ceiling=False, amount__gt=0) \
        .select_related("organization")
    if result_ids is not None:
        results = results.filter(pk__in=result_ids)
    existing = set(Claim.objects.filter(year=run.year, event_key="")
                   .values_list("organization_id", "provision_id"))
    created, skipped, by_org = 0, 0, {}
    with transaction.atomic():
        for r in results:
            if (r.organization_id, r.provision_id) in existing or blacklist_entry(r.organization_id):
                skipped += 1
                continue
            if r.provision_id not in programmes:
                programmes[r.provision_id] = programme_for(run.year, r.provision_id)
            claim = Claim.objects.create(
                programme=programmes[r.provision_id], organization=r.organization, origin=Claim.Origin.PROACTIVE,
                provision_id=r.provision_id, title=r.title, document=r.document, article=r.article, year=run.year,
                is_ceiling=False, entitled_amount=r.amount, explanation=r.explanation, screening_result=r,
                state="awaiting_confirmation", created_by=account(user))
            _ensure_cap(r.organization, r.provision_id, run.year, r.amount)
            _event(claim, "create", user, "", f"免申即享：由筛查任务 #{run.pk} 生成")
            existing.add((r.organization_id, r.provision_id))
            by_org.setdefault(r.organization_id, (r.organization, []))[1].append(claim)
            created += 1
        for org, claims in by_org.values():
            lines = "\n".join(f"· {c.title}（{c.citation}）{money(c.entitled_amount)} 元" for c in claims)
            notify(org, "免申即享：请确认兑现事项",
                   f"经筛查，贵单位 {run.year} 年度可享受以下政策，无需申报，请确认收款账号和事实无误，或提出异议：\n"
                   f"{lines}", "/funding/mine/", user)
        record(user, "funding.proactive_claims", run, f"免申即享生成 {created} 项，跳过 {skipped} 项")
    return created, skipped


def check_call_window(call: Call, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if now < call.opens_at:
        raise FundingError(f"申报指南「{call.title}」{timezone.localtime(call.opens_at):%Y年%m月%d日 %H:%M} 开始受理，"
                           "请届时申报。", "call")
    if now > call.closes_at:
        raise FundingError(f"申报指南「{call.title}」已于 {timezone.localtime(call.closes_at):%Y年%m月%d日 %H:%M} "
                           "截止，不再受理。", "call")


def check_call_eligibility(call: Call, org: Organization) -> None:
    """Eligibility is asked of the policy engine (a provision) or the registry (a qualification in force)."""
    from policy import services as engine
    from registry.services import qualification_holds, qualification_label

    if call.required_qualification and not qualification_holds(org, call.required_qualification,
                                                                timezone.localdate()):
        raise FundingError(f"申报条件：须具备有效的「{qualification_label(call.required_qualification)}」资质，"
                           f"{org.name} 目前不具备。", "organization")
    if call.provision_id:
        result = engine.evaluate_organization(org, call.programme.year)
        match = next((r for r in result.results if str(r.provision_id) == call.provision_id), None)
        if match is None or match.status != "applies":
            missing = getattr(match, "missing", "") if match else ""
            raise FundingError(f"申报条件：经政策测算，{org.name} 不符合{call.document}{call.article}"
                               f"{'（尚缺：' + str(missing) + '）' if missing else ''}。", "organization")


def apply_to_call(user: Any, call: Call, values: dict[str, Any]) -> Claim:
    org = getattr(user, "organization", None)
    if org is None or access.is_staff_role(user):
        raise FundingError("只有企业或机构账户可以申报。")
    check_call_window(call)
    check_not_blacklisted(org, "申报")
    check_call_eligibility(call, org)
    if Claim.objects.filter(organization=org, call=call).exists():
        raise FundingError("本单位已申报该指南，请在「我的申报」中查看。", "call")
    with transaction.atomic():
        claim = Claim(programme=call.programme, call=call, organization=org, origin=Claim.Origin.CALL,
                      title=call.title, document=call.document, article=call.article, year=call.programme.year,
                      is_ceiling=True, entitled_amount=call.max_amount, created_by=account(user),
                      project_title=str(values.get("project_title", "")).strip(),
                      summary=str(values.get("summary", "")).strip())
        if not claim.project_title:
            raise FundingError("项目名称：请填写申报项目名称。", "project_title")
        check_lengths(claim, ("project_title", "summary"))
        claim.full_clean()
        claim.save()
        _event(claim, "create", user, "", f"申报指南：{call.title}")
        record(user, "funding.call_application", claim, f"{org.name} 申报 {call.title}")
    return claim


def open_calls(now: dt.datetime | None = None) -> QuerySet[Call]:
    now = now or timezone.now()
    return Call.objects.filter(opens_at__lte=now, closes_at__gte=now).select_related("programme")


#: a claim's long texts and its encrypted account, which a list of claims does not show
CLAIM_TEXTS = ("explanation", "summary", "scores", "bank_account")


def claims_for_org(org: Organization) -> QuerySet[Claim]:
    return Claim.objects.filter(organization=org).select_related("project").order_by("-id")


def queue(user: Any, state: str) -> QuerySet[Claim]:
    return access.visible_claims(user).filter(state=state).order_by("id")


def ledger(user: Any) -> QuerySet[LedgerEntry]:
    if not access.is_staff_role(user):
        return LedgerEntry.objects.none()
    qs = LedgerEntry.objects.select_related("organization", "budget_line__programme", "claim")
    if getattr(user, "role", "") == "district" and not user.is_superuser:
        qs = qs.filter(organization__region_id=user.region_id)
    return qs.order_by("id")



# ------------------------------------------------------------------------------------------- evaluation reads


"""The technology market's actions: pages, REST API, commands and the demo generator all call these.

``check``-style validation raises ``MarketInputError`` (Chinese, naming the field) before anything is written;
every write runs in one transaction and records an audit event; state changes go through ``transition`` with the
tables of ``workflow``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from registry.models import Organization, Recognition, RecognitionKind
from techmarket import access, workflow
from techmarket.models import (
    MONEY_LIMIT,
    TEXT_LIMIT,
    Achievement,
    ContractParty,
    ContractPayment,
    ContractType,
    EventRegistration,
    ListingStatus,
    MarketEvent,
    Match,
    MatchContact,
    Placement,
    TechContract,
    TechNeed,
)

NEED_DAYS = 180  # a published need is listed for half a year unless its deadline is earlier; owners renew it
ACHIEVEMENT_DAYS = 365
REFERENCE_B14 = "威政发〔2023〕5号 第14条"


class MarketInputError(ValueError):
    """Bad input: the message (Chinese) names the field and the fix."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _first_error(exc: ValidationError, obj: Any = None) -> MarketInputError:
    """The first message, prefixed with the field's label where Django's own message (length, digits) lacks it."""
    if hasattr(exc, "error_dict"):
        name, errs = next(iter(exc.error_dict.items()))
        message = errs[0].messages[0]
        if obj is not None and name != "__all__":
            label = str(obj._meta.get_field(name).verbose_name)
            if not message.startswith(label):
                message = f"{label}：{message}"
        return MarketInputError(message, None if name == "__all__" else name)
    return MarketInputError(exc.messages[0])


def money(value: Any, label: str, field: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise MarketInputError(f"{label}：请填写金额（元）。", field)
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise MarketInputError(f"{label}：应为数字（元），收到 {value!r}。", field) from None
    if not d.is_finite():
        raise MarketInputError(f"{label}：应为数字（元）。", field)
    if d < 0:
        raise MarketInputError(f"{label}：不能为负数，请填写 0 或正数。", field)
    if d > MONEY_LIMIT:
        raise MarketInputError(f"{label}：不能超过 {MONEY_LIMIT:,} 元，请核对金额。", field)
    return d.quantize(Decimal("0.01"))


def _check(obj: Any, exclude: tuple[str, ...] = ()) -> Any:
    try:
        obj.full_clean(exclude=list(exclude) or None)
    except ValidationError as exc:
        raise _first_error(exc, obj) from None
    return obj


def _save(obj: Any) -> Any:
    _check(obj).save()
    return obj


# ---------------------------------------------------------------- listings


LISTING_FIELDS = ("title", "industry_chain", "industry_chain_id")
NEED_FIELDS = (*LISTING_FIELDS, "description", "kind", "budget_min", "budget_max", "deadline", "confidential")
ACHIEVEMENT_FIELDS = (*LISTING_FIELDS, "abstract", "maturity", "trl", "patent_numbers", "transfer_mode", "price_min",
                      "price_max")


def _owner(user: Any, organization: Organization | None) -> Organization:
    if organization is None:
        organization = user.organization if getattr(user, "organization_id", None) else None
    if organization is None:
        raise MarketInputError("发布单位：请选择发布需求或成果的单位。", "organization")
    if getattr(user, "is_entity_account", False) and organization.pk != user.organization_id:
        raise MarketInputError("发布单位：只能以本单位名义发布。", "organization")
    return organization


@transaction.atomic
def post_need(user: Any, data: dict[str, Any], organization: Organization | None = None) -> TechNeed:
    """An enterprise posts a technical need (B 第7条); it waits for moderation before it is public."""
    org = _owner(user, organization)
    if org.kind != "enterprise":
        raise MarketInputError("发布单位：技术需求由企业发布。", "organization")
    if not str(data.get("description") or "").strip():
        raise MarketInputError("需求描述不能为空：请写明要解决的技术问题、指标和应用场景。", "description")
    clean = {k: v for k, v in data.items() if k in NEED_FIELDS}
    for name, label in (("budget_min", "预算下限"), ("budget_max", "预算上限")):
        if name in clean:
            clean[name] = money(clean[name], label, name)
    need = _save(TechNeed(organization=org, created_by=audit.account(user), **clean))
    audit.record(user, "techmarket.need_posted", need, f"发布技术需求：{need.title}")
    return need


@transaction.atomic
def post_achievement(user: Any, data: dict[str, Any], organization: Organization | None = None) -> Achievement:
    org = _owner(user, organization)
    clean = {k: v for k, v in data.items() if k in ACHIEVEMENT_FIELDS}
    for name, label in (("price_min", "价格下限"), ("price_max", "价格上限")):
        if name in clean:
            clean[name] = money(clean[name], label, name)
    item = _save(Achievement(organization=org, created_by=audit.account(user), **clean))
    audit.record(user, "techmarket.achievement_posted", item, f"发布科技成果：{item.title}")
    return item


def _listing_roles(user: Any, listing: Any) -> set[str]:
    roles = set()
    if access.is_staff(user):
        roles.add("staff")
    if access.is_owner(user, listing):
        roles.add("party")
    return roles


@transaction.atomic
def listing_transition(user: Any, listing: TechNeed | Achievement, action: str, note: str = "",
                       today: dt.date | None = None) -> TechNeed | Achievement:
    """Moderation (approve/reject), renewal, closing: one guarded function for needs and achievements."""
    today = today or dt.date.today()
    t = workflow.find(workflow.LISTING, action)
    listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    if t is None or listing.status not in t.source:
        raise MarketInputError(f"当前状态“{listing.get_status_display()}”不能执行该操作。")
    if not _listing_roles(user, listing) & set(t.who):
        raise MarketInputError("没有权限执行该操作。")
    if action == "reject" and not note.strip():
        raise MarketInputError("审核意见：退回时请写明理由。", "note")
    listing.status = t.target
    if action in ("approve", "renew"):
        days = NEED_DAYS if isinstance(listing, TechNeed) else ACHIEVEMENT_DAYS
        expires = today + dt.timedelta(days=days)
        if isinstance(listing, TechNeed) and listing.deadline and listing.deadline >= today:
            expires = min(expires, listing.deadline)
        listing.expires_on = expires
        listing.published_at = listing.published_at or timezone.now()
    if note:
        listing.moderation_note = note[:200]
    listing.save()
    audit.record(user, f"techmarket.listing_{action}", listing, f"{t.label}：{listing.title}", note=note)
    return listing


def expire_listings(today: dt.date | None = None) -> int:
    """Published listings past their date become 已过期 (owners can renew them)."""
    today = today or dt.date.today()
    n = 0
    for model in (TechNeed, Achievement):
        n += model.objects.filter(status=ListingStatus.PUBLISHED, expires_on__lt=today).update(
            status=ListingStatus.EXPIRED)
    return n


@transaction.atomic
def request_analysis(user: Any, need: TechNeed) -> TechNeed:
    """需求解析: the owner asks for a vaguely written need to be restated as technical questions."""
    if not access.is_owner(user, need):
        raise MarketInputError("只有需求方可以申请需求解析。")
    need.analysis_requested = True
    need.save(update_fields=["analysis_requested"])
    audit.record(user, "techmarket.analysis_requested", need, f"申请需求解析：{need.title}")
    return need


@transaction.atomic
def provide_analysis(user: Any, need: TechNeed, text: str) -> TechNeed:
    """An expert (专家账户) or staff restates the need; the restatement joins the text that matching reads."""
    if not (access.is_staff(user) or getattr(user, "role", "") == "expert"):
        raise MarketInputError("只有专家或工作人员可以填写需求解析。")
    if not need.analysis_requested:
        raise MarketInputError("该需求未申请需求解析。")
    if need.confidential and not access.is_staff(user):
        raise MarketInputError("保密需求的需求解析由工作人员填写。")
    text = _text_limit(text, "需求解析", "analysis", TEXT_LIMIT)
    if not text:
        raise MarketInputError("需求解析：请把需求重述为具体的技术问题。", "analysis")
    need.analysis, need.analysed_by = text, audit.account(user)
    need.save(update_fields=["analysis", "analysed_by"])
    audit.record(user, "techmarket.analysis_provided", need, f"完成需求解析：{need.title}")
    _notify(need.organization, f"需求解析已完成：{need.title}", need.analysis, user, f"/techmarket/needs/{need.pk}/")
    return need


# ---------------------------------------------------------------- matches


def _notify(org: Organization, title: str, body: str, user: Any, link: str = "") -> None:
    """In-platform notice (screening's 通知), whose 查看详情 opens ``link`` (the item itself), and an e-mail to the
    organisation's accounts that have an address."""
    from django.core.mail import send_mail

    from screening.models import Notice

    Notice.objects.create(organization=org, title=title[:200], body=body, created_by=audit.account(user), link=link)
    emails = [e for e in org.accounts.values_list("email", flat=True) if e]
    if emails:
        send_mail(title[:200], body, None, emails, fail_silently=True)


@transaction.atomic
def start_match(user: Any, need: TechNeed, achievement: Achievement, *, event: MarketEvent | None = None,
                broker: Organization | None = None) -> Match:
    """Staff, either party or a technology-transfer agency start a 对接 on a published achievement; score and
    reasons are recorded. A confidential need is matched only by its owner, staff or an agency it invited, and the
    achievement's owner is then shared the need's details (the owner's choice, made by them or on their behalf)."""
    from techmarket import matchers

    need = TechNeed.objects.select_for_update().get(pk=need.pk)
    if need.organization_id == achievement.organization_id:
        raise MarketInputError("对接双方不能是同一单位。", "achievement")
    if not achievement.is_public:
        raise MarketInputError("科技成果：该成果尚未审核通过或已过期，审核通过后才能发起对接。", "achievement")
    if need.status in (ListingStatus.REJECTED, ListingStatus.CLOSED):  # its owner may match it while pending
        raise MarketInputError(f"技术需求：该需求{need.get_status_display()}，不能发起对接。", "need")
    staff = access.is_staff(user)
    org = getattr(user, "organization_id", None)
    if broker is not None and not access.is_broker_org(broker):
        raise MarketInputError("技术转移机构：只有技术转移机构（技术经纪人单位）可以作为对接的中介方。", "broker")
    is_broker = broker is not None and org == broker.pk and access.can_broker(user)
    if not (staff or org in (need.organization_id, achievement.organization_id) or is_broker):
        raise MarketInputError("只有工作人员、需求方、成果方或技术转移机构可以发起对接。")
    if need.confidential and not (staff or org == need.organization_id
                                  or (is_broker and need.shared_with.filter(pk=org).exists())):
        raise MarketInputError("技术需求：这是保密需求，只有需求方、工作人员或需求方邀请的技术转移机构可以为它发起对接。",
                               "need")
    if Match.objects.filter(need=need, achievement=achievement).exists():
        raise MarketInputError("这项需求与该成果已经在对接中，请在对接记录里继续。", "achievement")
    hit = matchers.explain_pair(need, achievement)
    match = Match.objects.create(need=need, achievement=achievement, score=hit.score,
                                 reasons={"terms": hit.terms, "fields": hit.fields}, event=event, broker=broker,
                                 started_by=audit.account(user))
    if need.confidential:
        need.shared_with.add(achievement.organization_id)
    audit.record(user, "techmarket.match_started", match, f"发起对接：{need.title} ↔ {achievement.title}")
    for party in {need.organization, achievement.organization}:
        if party.pk != org:
            _notify(party, f"新的技术对接：{need.title}",
                    f"“{need.title}”与“{achievement.title}”发起对接（匹配度 {hit.score:.0f}），请在高新技术市场查看并回应。",
                    user, f"/techmarket/matches/{match.pk}/")
    return match


@transaction.atomic
def share_need(user: Any, need: TechNeed, agency: Organization) -> TechNeed:
    """The owner invites a technology-transfer agency to see a confidential need and broker it."""
    if not access.is_owner(user, need):
        raise MarketInputError("只有需求方可以邀请技术转移机构。")
    if not access.is_broker_org(agency):
        raise MarketInputError("技术转移机构：只能邀请技术转移机构（技术经纪人单位），银行、保险等机构不能代理对接。",
                               "agency")
    need.shared_with.add(agency)
    audit.record(user, "techmarket.need_shared", need, f"邀请 {agency.name} 查看并代理需求：{need.title}")
    return need


def _responds(user: Any, match: Match) -> bool:
    """The first response is the first action by someone other than the one who started the match."""
    return match.first_response_at is None and audit.account(user) != match.started_by


def _text_limit(text: str, label: str, field: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise MarketInputError(f"{label}：最多 {limit} 个字，现有 {len(text)} 个，请精简后再提交。", field)
    return text


@transaction.atomic
def match_transition(user: Any, match: Match, action: str, outcome: str = "") -> Match:
    """One guarded step of ``workflow.MATCH``; a step that needs both sides' consent (签约) records this side's
    confirmation and fires only when the other side has confirmed too."""
    match = Match.objects.select_for_update().select_related("need", "achievement").get(pk=match.pk)
    t = workflow.find(workflow.MATCH, action)
    if t is None or match.status not in t.source:
        raise MarketInputError(f"当前状态“{match.get_status_display()}”不能执行该操作。")
    if not access.match_roles(user, match) & set(t.who):
        raise MarketInputError("没有权限执行该操作。")
    outcome = _text_limit(outcome, "结果说明", "outcome", 300)
    now = timezone.now()
    if _responds(user, match):
        match.first_response_at = now
    if outcome:
        match.outcome = outcome
    if t.consent:
        sides = access.match_sides(user, match) & set(t.consent)
        if not sides:
            raise MarketInputError(f"{t.label}须由需求方和成果方分别确认。")
        given = {**match.consents.get(action, {}), **{side: now.isoformat() for side in sides}}
        match.consents = {**match.consents, action: given}
        if not set(t.consent) <= set(given):
            match.save()
            audit.record(user, f"techmarket.match_{action}_confirmed", match, f"{t.label}（一方已确认）：{match}")
            other = match.achievement.organization if "need" in sides else match.need.organization
            title = "保密需求" if match.need.confidential else match.need.title
            _notify(other, f"请确认签约：{title}",
                    f"对方已确认“{title}”与“{match.achievement.title}”的对接签约，请在高新技术市场确认。", user,
                    f"/techmarket/matches/{match.pk}/")
            return match
    match.status = t.target
    if t.target == Match.Status.NEGOTIATING:
        match.accepted_at = now
    if t.target in (Match.Status.SIGNED, Match.Status.ABANDONED):
        match.closed_at = now
    match.save()
    audit.record(user, f"techmarket.match_{action}", match, f"{t.label}：{match}", outcome=outcome)
    return match


@transaction.atomic
def add_contact(user: Any, match: Match, kind: str, on: dt.date, note: str) -> MatchContact:
    """A contact, meeting or note; it cannot be dated before the match (the response clock starts there)."""
    if not access.match_roles(user, match):
        raise MarketInputError("没有权限记录该对接。")
    if not (note or "").strip():
        raise MarketInputError("内容：请写明联系或会谈的内容。", "note")
    if kind not in MatchContact.Kind.values:
        raise MarketInputError("方式：请选择联系、会谈或记录。", "kind")
    contact = _save(MatchContact(match=match, kind=kind, on=on, note=_text_limit(note, "内容", "note", 300),
                                 by=audit.account(user)))
    if _responds(user, match):
        Match.objects.filter(pk=match.pk).update(first_response_at=timezone.now())
    audit.record(user, "techmarket.match_contact", match, f"对接{contact.get_kind_display()}：{note[:80]}")
    return contact


def overdue_matches(days: int = 7, now: dt.datetime | None = None):
    """Matches nobody answered within ``days`` (the response clock), oldest first."""
    now = now or timezone.now()
    return Match.objects.filter(first_response_at__isnull=True, status=Match.Status.INTENT,
                                created_at__lt=now - dt.timedelta(days=days)).order_by("created_at")


def unanswered_needs(days: int = 14, today: dt.date | None = None):
    """Published needs without any match ``days`` after publication (each need's response clock)."""
    since = timezone.now() - dt.timedelta(days=days) if today is None else timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=days), dt.time()))
    return TechNeed.objects.filter(status=ListingStatus.PUBLISHED, published_at__lt=since,
                                   matches__isnull=True).order_by("published_at")


@transaction.atomic
def register_for_event(user: Any, event: MarketEvent, organization: Organization) -> EventRegistration:
    if getattr(user, "is_entity_account", False) and organization.pk != user.organization_id:
        raise MarketInputError("报名单位：只能为本单位报名。", "organization")
    reg, created = EventRegistration.objects.get_or_create(event=event, organization=organization)
    if created:
        audit.record(user, "techmarket.event_registered", event, f"{organization.name} 报名 {event.title}")
    return reg


@transaction.atomic
def mark_attended(user: Any, registration: EventRegistration, attended: bool = True) -> EventRegistration:
    if not access.is_staff(user):
        raise MarketInputError("只有工作人员可以登记到场。")
    registration.attended = attended
    registration.save(update_fields=["attended"])
    return registration


# ---------------------------------------------------------------- 科技副总


@transaction.atomic
def place_vice_president(user: Any, person: Any, enterprise: Organization, starts_on: dt.date, ends_on: dt.date,
                         note: str = "") -> Placement:
    if not access.is_staff(user):
        raise MarketInputError("只有工作人员可以登记科技副总选派。")
    placement = _save(Placement(person=person, enterprise=enterprise, starts_on=starts_on, ends_on=ends_on, note=note))
    audit.record(user, "techmarket.placement", placement, f"选派科技副总：{person.name} → {enterprise.name}")
    return placement


# ---------------------------------------------------------------- technology contracts


def _party(role: str, data: dict[str, Any]) -> ContractParty:
    org = data.get("organization")
    if isinstance(org, int | str) and str(org).isdigit():
        org = Organization.objects.filter(pk=int(org)).first()
    name = (data.get("name") or (org.name if org else "")).strip()
    uscc = (data.get("uscc") or (org.uscc if org else "") or "").strip().upper()
    label = dict(ContractParty.Role.choices)[role]
    if not name:
        raise MarketInputError(f"{label}：请填写单位名称。", f"{role}_name")
    if len(uscc) != 18:
        raise MarketInputError(f"{label}：统一社会信用代码应为 18 位。", f"{role}_uscc")
    located = data.get("located_locally")
    is_inst = data.get("is_institution")
    if len(name) > 120:
        raise MarketInputError(f"{label}：单位名称最多 120 个字，现有 {len(name)} 个。", f"{role}_name")
    return ContractParty(role=role, organization=org if isinstance(org, Organization) else None, name=name, uscc=uscc,
                         located_locally=(org.located_locally if org and org.kind == "research_institution" else True)
                         if located is None else bool(located),
                         is_institution=(org is not None and org.kind == "research_institution")
                         if is_inst is None else bool(is_inst))


@transaction.atomic
def submit_contract(user: Any, data: dict[str, Any], buyer: dict[str, Any], seller: dict[str, Any],
                    payments: list[tuple[dt.date, Any]] = (), match: Match | None = None) -> TechContract:
    """A party or staff submits a signed contract for registration (技术合同登记)."""
    if data.get("contract_type") not in ContractType.values:
        raise MarketInputError("合同类型：请选择技术开发、技术转让、技术许可、技术咨询或技术服务。", "contract_type")
    amount = money(data.get("amount"), "合同金额", "amount", required=True)
    tx = money(data.get("transaction_amount"), "技术交易额", "transaction_amount")
    tx = amount if tx is None else tx
    if tx > amount:
        raise MarketInputError("技术交易额：不能超过合同金额，请核对后重新填写。", "transaction_amount")
    b, s = _party("buyer", buyer), _party("seller", seller)
    if b.uscc == s.uscc or (b.organization_id and b.organization_id == s.organization_id):
        raise MarketInputError("合同当事人：买方和卖方是同一单位，技术合同须在不同单位之间订立。", "seller_uscc")
    if getattr(user, "is_entity_account", False) and user.organization_id not in (b.organization_id, s.organization_id):
        raise MarketInputError("合同当事人：本单位须是合同的一方。", "buyer_uscc")
    if not isinstance(data.get("signed_on"), dt.date):
        raise MarketInputError("签订日期：请填写合同签订日期（如 2026-03-01）。", "signed_on")
    contract = _save(TechContract(title=(data.get("title") or "").strip() or "技术合同",
                                  contract_type=data["contract_type"], signed_on=data.get("signed_on"),
                                  amount=amount, transaction_amount=tx, match=match,
                                  created_by=audit.account(user)))
    for p in (b, s):
        p.contract = contract
        p.save()
    for k, (on, value) in enumerate(payments):
        _add_payment(contract, on, money(value, f"第 {k + 1} 笔支付金额", "payments", required=True))
    audit.record(user, "techmarket.contract_submitted", contract, f"提交技术合同登记：{contract.title}")
    sync_contract_events(contract)
    return contract


def _add_payment(contract: TechContract, on: dt.date, amount: Decimal) -> ContractPayment:
    if amount <= 0:
        raise MarketInputError("支付金额：应大于 0。", "payments")
    paid = sum((p.amount for p in contract.payments.all()), Decimal(0))
    if paid + amount > contract.amount:
        raise MarketInputError("支付金额：累计支付不能超过合同金额。", "payments")
    return _save(ContractPayment(contract=contract, paid_on=on, amount=amount))


@transaction.atomic
def add_payment(user: Any, contract: TechContract, on: dt.date, amount: Any) -> ContractPayment:
    if not (access.is_staff(user) or access.contracts(user).filter(pk=contract.pk).exists()):
        raise MarketInputError("没有权限登记该合同的支付。")
    payment = _add_payment(contract, on, money(amount, "支付金额", "amount", required=True))
    audit.record(user, "techmarket.contract_payment", contract, f"登记支付 {payment.amount} 元")
    sync_contract_events(contract)
    return payment


@transaction.atomic
def contract_transition(user: Any, contract: TechContract, action: str, *, number: str = "",
                        on: dt.date | None = None, confirmed_amount: Any = None, reason: str = "") -> TechContract:
    """登记 (a unique number, a date, the registrar's 核定 technology transaction amount), 不予登记 with grounds,
    补正 (a refused contract goes back to 待登记)."""
    contract = TechContract.objects.select_for_update().get(pk=contract.pk)
    t = workflow.find(workflow.CONTRACT, action)
    if t is None or contract.status not in t.source:
        raise MarketInputError(f"当前状态“{contract.get_status_display()}”不能执行该操作。")
    roles = {"staff"} if access.is_staff(user) else set()
    if access.contracts(user).filter(pk=contract.pk).exists() and not roles:
        roles.add("party")
    if not roles & set(t.who):
        raise MarketInputError("没有权限执行该操作。")
    if action == "register":
        number = (number or "").strip()
        if not number:
            raise MarketInputError("登记编号：请填写登记编号。", "registration_number")
        if TechContract.objects.filter(registration_number=number).exclude(pk=contract.pk).exists():
            raise MarketInputError(f"登记编号：{number} 已被其他合同使用，请填写新的编号。", "registration_number")
        on = on or dt.date.today()
        if contract.signed_on and on < contract.signed_on:
            raise MarketInputError("登记日期：不能早于合同签订日期。", "registered_on")
        if confirmed_amount not in (None, ""):
            contract.transaction_amount = money(confirmed_amount, "核定技术交易额", "transaction_amount")
        contract.registration_number, contract.registered_on = number, on
        contract.refusal_reason = ""
    elif action == "refuse":
        if not reason.strip():
            raise MarketInputError("不予登记理由：请写明理由，以便当事人补正。", "refusal_reason")
        contract.refusal_reason = reason[:200]
    elif action in ("appeal", "uphold"):
        if not reason.strip():
            label = "复议理由" if action == "appeal" else "复议决定理由"
            raise MarketInputError(f"{label}：请写明理由。", "refusal_reason")
        contract.refusal_reason = f"{contract.refusal_reason}；{t.label}：{reason}"[:200]
    contract.status = t.target
    try:
        with transaction.atomic():
            _save(contract)
    except IntegrityError:
        raise MarketInputError(f"登记编号：{number} 已被其他合同使用，请填写新的编号。", "registration_number") from None
    if contract.match_id and action == "register":  # a registered contract is both sides' signature, verified
        Match.objects.filter(pk=contract.match_id, status=Match.Status.NEGOTIATING).update(
            status=Match.Status.SIGNED, closed_at=timezone.now())
    audit.record(user, f"techmarket.contract_{action}", contract, f"{t.label}：{contract.title}",
                 number=number, reason=reason)
    sync_contract_events(contract)
    return contract


def sync_contract_events(contract: TechContract) -> None:
    """The contract as registry events (Recognition, kind 技术合同登记) that the policy engine and the indicators read.

    - the buyer (if in the registry): one event per payment, dated on the payment, amount = payment
      (B 第14条 "按不超过支付金额的 5%"), with whether the contract is registered, the seller's kind and place;
    - once registered, one ``registration`` event on a registry party (the seller if it is in the registry) with the
      technology transaction amount, dated on the registration: the 技术合同成交额 indicator sums these.
    """
    Recognition.objects.filter(kind=RecognitionKind.TECH_CONTRACT, attributes__contract_id=contract.pk).delete()
    parties = {p.role: p for p in contract.parties.all()}
    buyer, seller = parties.get("buyer"), parties.get("seller")
    if buyer is None or seller is None:
        return
    registered = contract.status == TechContract.Status.REGISTERED
    common = {"contract_id": contract.pk, "contract_type": contract.contract_type, "registered": registered,
              "registration_number": contract.registration_number or "",
              "seller_kind": "research_institution" if seller.is_institution else "other",
              "seller_located": "local" if seller.located_locally else "outside_jurisdiction",
              "seller_name": seller.name, "buyer_name": buyer.name}
    rows = []
    if buyer.organization_id:
        for pay in contract.payments.all():
            rows.append(Recognition(organization_id=buyer.organization_id, kind=RecognitionKind.TECH_CONTRACT,
                                    subject=contract.contract_type, title=contract.title[:200],
                                    occurred_on=pay.paid_on, amount=pay.amount, reference=REFERENCE_B14,
                                    attributes={**common, "role": "buyer", "payment_id": pay.pk}))
    holder = seller.organization_id or buyer.organization_id
    if registered and holder:
        rows.append(Recognition(organization_id=holder, kind=RecognitionKind.TECH_CONTRACT,
                                subject=contract.contract_type, title=contract.title[:200],
                                occurred_on=contract.registered_on, amount=contract.transaction_amount,
                                reference="技术合同登记",
                                attributes={**common, "role": "registration"}))
    Recognition.objects.bulk_create(rows)

"""Business logic of vouchers and shared instruments; pages, API, CLI and the demo all call these functions.

Workflows are tables (``BOOKING_TRANSITIONS``): who may fire which step from which state; ``booking_step`` is the one
guarded transition that writes state, audit and notice. Settlement money goes through the funding app: each batch
becomes funding Claims (city share and province share apart) decided and paid by funding.services.perform, so the
ledger entries carry budget line, payee, amount, decision, document and article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from core import formatting
from core.audit import account, record
from funding import money as funding
from funding.notify import notify
from registry.models import Organization, Qualification
from vouchers import access, subsidy
from vouchers.models import (
    LIVE_BOOKING_STATES,
    Booking,
    Category,
    Instrument,
    Provider,
    ProviderService,
    ServiceRecord,
    SettlementBatch,
    SettlementItem,
    Voucher,
    VoucherKind,
    VoucherProgramme,
    VoucherUse,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")
EVIDENCE = ["合同", "发票", "到款凭证", "服务报告"]
#: an item is flagged when its fee exceeds the catalogue price of its quantity by more than this factor
PRICE_TOLERANCE = Decimal("1.5")


class VoucherError(ValueError):
    """Bad input or a refused step: a Chinese message naming the field and the fix."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def money(x: Any) -> str:
    """An exact amount for messages ("200,000.00"): the platform's one rule for ledgers (core.formatting)."""
    return formatting.exact_yuan(x or 0)


#: the largest amount any money field of this app holds (12 digits, 2 of them decimals)
MAX_MONEY = Decimal("9999999999.99")
#: how far ahead a slot may be booked, and how far back a service may be recorded
BOOKING_HORIZON = dt.timedelta(days=366)
RECORD_WINDOW = dt.timedelta(days=3 * 366)
MAX_SAMPLES = 10_000
HOUR_LIMITS = {"notice_hours": ("提前预约", 0, 720), "cancel_hours": ("开始前可取消", 0, 720),
               "max_hours": ("单次最长", 1, 24), "opens_at": ("每日开放起", 0, 23), "closes_at": ("每日开放止", 1, 24)}


def parse_money(value: Any, field: str, label: str, maximum: Decimal = MAX_MONEY) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        raise VoucherError(f"{label}：请填写金额数字（元），如 1200。", field) from None
    if not amount.is_finite() or amount <= 0:
        raise VoucherError(f"{label}：金额须大于 0 元。", field)
    if amount > maximum:
        raise VoucherError(f"{label}：金额不能超过 {money(maximum)} 元，请核对。", field)
    if amount != amount.quantize(CENT):
        raise VoucherError(f"{label}：金额最多保留两位小数。", field)
    return amount


def parse_int(value: Any, field: str, label: str, low: int, high: int) -> int:
    """A whole number within [low, high], or a Chinese error naming the field and the range."""
    try:
        number = int(str(value if value not in (None, "") else 0).strip())
    except (TypeError, ValueError):
        raise VoucherError(f"{label}：请填写整数（{low}–{high}）。", field) from None
    if not low <= number <= high:
        raise VoucherError(f"{label}：须在 {low}–{high} 之间，请修改。", field)
    return number


def full_clean(obj: Any) -> None:
    """The model's own validation as a VoucherError naming the field (never an uncaught ValidationError)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        label = obj._meta.get_field(field).verbose_name if field != "__all__" else "填写内容"
        raise VoucherError(f"{label}：{errors[0]}", field) from None


def _org(user: Any) -> Organization:
    o = access.org_id(user)
    if o is None:
        raise VoucherError("只有企业或服务机构账户可以办理此事项。")
    return Organization.objects.get(pk=o)


def _local(t: dt.datetime) -> str:
    return f"{timezone.localtime(t):%Y年%m月%d日 %H:%M}"


# ------------------------------------------------------------------------------------------------ providers


def apply_provider(user: Any, inside_city: bool, contact: str, introduction: str,
                   services: list[dict[str, Any]]) -> Provider:
    """入库申请 by a provider account for its own organisation, with at least one service."""
    if access.role(user) != "provider":
        raise VoucherError("只有服务机构账户可以申请入库。")
    org = _org(user)
    if not services:
        raise VoucherError("服务项目：请至少填写一项服务（名称、类别、计价方式、单价）。", "services")
    with transaction.atomic():
        provider, _ = Provider.objects.get_or_create(organization=org)
        if provider.status == Provider.Status.APPROVED:
            raise VoucherError("本机构已在服务机构库中，无需重复申请。")
        provider.status, provider.inside_city = Provider.Status.PENDING, bool(inside_city)
        provider.contact, provider.introduction = (contact or "")[:80], introduction or ""
        provider.save()
        for i, s in enumerate(services, 1):
            if s.get("category") not in Category.values:
                raise VoucherError(f"第 {i} 项服务类别：请从 {'、'.join(Category.labels)} 中选择。", "category")
            svc = ProviderService(provider=provider, name=str(s.get("name") or "").strip()[:120],
                                  category=s["category"], price_basis=s.get("price_basis") or "item",
                                  price=parse_money(s.get("price"), "price", f"第 {i} 项服务单价"))
            if not svc.name:
                raise VoucherError(f"第 {i} 项服务名称：请填写。", "name")
            full_clean(svc)
            svc.save()
        record(user, "vouchers.provider_applied", provider, f"{org.name} 申请入库")
    return provider


def decide_provider(user: Any, provider: Provider, approve: bool, note: str = "") -> Provider:
    if not access.is_bureau(user):
        raise VoucherError("只有市科技局可以审核服务机构入库。")
    if provider.status != Provider.Status.PENDING and approve:
        raise VoucherError(f"该机构当前为「{provider.get_status_display()}」，不能审核。")
    if not approve and not (note or "").strip():
        raise VoucherError("不予入库须填写理由。", "note")
    with transaction.atomic():
        provider.status = Provider.Status.APPROVED if approve else Provider.Status.REJECTED
        provider.decided_by, provider.decided_at, provider.decision_note = user, timezone.now(), (note or "")[:200]
        provider.save()
        record(user, "vouchers.provider_decided", provider, f"{provider}：{provider.get_status_display()}",
               reason=note)
        notify(provider.organization, f"服务机构入库：{provider.get_status_display()}", note or "已入库。",
               "/vouchers/provider/", user)
    return provider


@dataclass(frozen=True)
class Evaluation:
    services: int
    average_rating: Decimal | None
    disputed: int
    voucher_amount: Decimal

    @property
    def verdict(self) -> str:
        """Stays on the list with at least one service, an average of 3 or more and disputes under 10%."""
        if not self.services:
            return "本年度无服务，待核实"
        if (self.average_rating is not None and self.average_rating < 3) or self.disputed * 10 > self.services:
            return "评价不合格，建议出库"
        return "合格，保留入库"


def provider_evaluations(providers: QuerySet[Provider], year: int) -> dict[int, Evaluation]:
    """The annual evaluation of each provider from its service records of ``year`` and the users' ratings."""
    from django.db.models import Avg

    rows = (ServiceRecord.objects.filter(provider__in=providers, performed_on__year=year).values("provider_id")
            .annotate(n=Count("id"), avg=Avg("rating"), disputed=Count("id", filter=Q(state="disputed"))))
    money_ = dict(VoucherUse.objects.filter(record__provider__in=providers, record__performed_on__year=year,
                                            state__in=("spent", "settled")).values("record__provider_id")
                  .annotate(s=Sum(F("city_amount") + F("province_amount"))).values_list("record__provider_id", "s"))
    out = {r["provider_id"]: Evaluation(r["n"], Decimal(str(r["avg"])).quantize(CENT) if r["avg"] is not None else None,
                                        r["disputed"], money_.get(r["provider_id"]) or ZERO) for r in rows}
    return {p.pk: out.get(p.pk, Evaluation(0, None, 0, ZERO)) for p in providers}


# ------------------------------------------------------------------------------------------------ catalogue


def search(qs: QuerySet[Instrument], q: str = "", kind: str = "", region: Any = None,
           provider: Any = None) -> QuerySet[Instrument]:
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(model_no__icontains=q) | Q(kind__icontains=q)
                       | Q(provider__organization__name__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    try:
        region = int(region) if region not in (None, "") else None
        provider = int(provider) if provider not in (None, "") else None
    except (TypeError, ValueError):
        return qs.none()  # a region or provider that is not an id matches no instrument
    if region:
        qs = qs.filter(Q(region_id=region) | Q(region__parent_id=region))
    if provider:
        qs = qs.filter(provider_id=provider)
    return qs.order_by("id")


def calendar(instrument: Instrument, start: dt.date, days: int = 7) -> list[dict[str, Any]]:
    """Each day's opening hours with the live bookings and blackouts in them."""
    tz = timezone.get_current_timezone()
    t0 = dt.datetime.combine(start, dt.time(0), tz)
    t1 = t0 + dt.timedelta(days=days)
    busy = list(instrument.bookings.filter(state__in=LIVE_BOOKING_STATES, starts_at__lt=t1, ends_at__gt=t0)
                .select_related("organization"))
    off = list(instrument.blackouts.filter(starts_at__lt=t1, ends_at__gt=t0))
    out = []
    for i in range(days):
        d0 = t0 + dt.timedelta(days=i)
        d1 = d0 + dt.timedelta(days=1)
        out.append({"day": d0.date(), "opens": instrument.opens_at, "closes": instrument.closes_at,
                    "bookings": [b for b in busy if b.starts_at < d1 and b.ends_at > d0],
                    "blackouts": [b for b in off if b.starts_at < d1 and b.ends_at > d0]})
    return out


def utilisation(instruments: QuerySet[Instrument], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Booked hours / available hours (opening hours × days) per instrument over [start, end)."""
    tz = timezone.get_current_timezone()
    t0, t1 = dt.datetime.combine(start, dt.time(0), tz), dt.datetime.combine(end, dt.time(0), tz)
    days = (end - start).days
    booked: dict[int, float] = {}
    for iid, s, e in Booking.objects.filter(instrument__in=instruments, state__in=("approved", "done"),
                                            starts_at__lt=t1, ends_at__gt=t0).values_list("instrument_id",
                                                                                          "starts_at", "ends_at"):
        booked[iid] = booked.get(iid, 0.0) + (min(e, t1) - max(s, t0)).total_seconds() / 3600
    rows = []
    for ins in instruments:
        available = ins.open_hours_per_day * days
        hours = booked.get(ins.pk, 0.0)
        rows.append({"instrument": ins, "booked": round(hours, 1), "available": available,
                     "rate": round(100 * hours / available, 1) if available else 0.0})
    return rows


INSTRUMENT_FIELDS = ("name", "model_no", "kind", "location", "price_basis", "price", "networked", "notice_hours",
                     "max_hours", "cancel_hours", "needs_approval", "needs_training", "opens_at", "closes_at")


def add_instrument(user: Any, values: dict[str, Any]) -> Instrument:
    """An approved provider puts an instrument on the network (入网) with its rules."""
    org = _org(user)
    provider = Provider.objects.filter(organization=org, status=Provider.Status.APPROVED).first()
    if provider is None:
        raise VoucherError("只有已入库的服务机构可以登记入网仪器。")
    ins = Instrument(provider=provider, region_id=org.region_id)
    for f in INSTRUMENT_FIELDS:
        if f in values:
            setattr(ins, f, values[f])
    if not str(ins.name or "").strip() or not str(ins.kind or "").strip():
        raise VoucherError("仪器名称和仪器类别：请填写。", "name")
    ins.price = parse_money(values.get("price"), "price", "单价")
    for f, (label, low, high) in HOUR_LIMITS.items():
        setattr(ins, f, parse_int(getattr(ins, f), f, label, low, high))
    if not ins.opens_at < ins.closes_at:
        raise VoucherError("开放时间：须在 0–24 时之间，且结束晚于开始。", "closes_at")
    with transaction.atomic():
        full_clean(ins)
        ins.save()
        record(user, "vouchers.instrument_added", ins, f"{provider} 登记入网仪器 {ins}")
    return ins


# ------------------------------------------------------------------------------------------------ bookings


def _check_rules(ins: Instrument, org: Organization, start: dt.datetime, end: dt.datetime, samples: int,
                 now: dt.datetime) -> None:
    if not ins.active or ins.provider.status != Provider.Status.APPROVED:
        raise VoucherError("该仪器当前不接受预约。", "instrument")
    if end <= start:
        raise VoucherError("结束时间：须晚于开始时间。", "ends_at")
    if start < now:
        raise VoucherError(f"开始时间：{_local(start)} 已经过去，请选择将来的时段。", "starts_at")
    if start > now + BOOKING_HORIZON:
        raise VoucherError(f"开始时间：最多可提前一年预约（{_local(now + BOOKING_HORIZON)} 以前），请重新选择。",
                           "starts_at")
    if start < now + dt.timedelta(hours=ins.notice_hours):
        raise VoucherError(f"开始时间：该仪器须提前 {ins.notice_hours} 小时预约，请选择 "
                           f"{_local(now + dt.timedelta(hours=ins.notice_hours))} 以后的时段。", "starts_at")
    hours = (end - start).total_seconds() / 3600
    if hours > ins.max_hours:
        raise VoucherError(f"结束时间：单次预约最长 {ins.max_hours} 小时，本次 {hours:g} 小时，请缩短或分次预约。",
                           "ends_at")
    ls, le = timezone.localtime(start), timezone.localtime(end)
    if ls.date() != (le - dt.timedelta(seconds=1)).date() or ls.hour < ins.opens_at \
            or (le.hour + le.minute / 60 if le.date() == ls.date() else 24) > ins.closes_at:
        raise VoucherError(f"预约时段：该仪器每日 {ins.opens_at}:00–{ins.closes_at}:00 开放，请在开放时间内选择"
                           "（不跨日）。", "starts_at")
    if ins.price_basis == "sample" and samples <= 0:
        raise VoucherError("样品数：送样检测须填写样品数量（大于 0）。", "samples")
    if ins.needs_training and not ins.trained.filter(pk=org.pk).exists():
        raise VoucherError("该仪器须经培训授权后方可预约，本单位尚未获得授权；请先联系仪器所属单位参加培训。",
                           "instrument")
    blk = ins.blackouts.filter(starts_at__lt=end, ends_at__gt=start).first()
    if blk:
        raise VoucherError(f"预约时段：{_local(blk.starts_at)} 至 {_local(blk.ends_at)} 仪器{blk.reason}，"
                           "请另选时段。", "starts_at")


def book(user: Any, instrument_id: Any, starts_at: dt.datetime, ends_at: dt.datetime, samples: int = 0,
         purpose: str = "", now: dt.datetime | None = None, voucher_id: Any = None) -> Booking:
    """An enterprise books a slot. Bookings of one instrument are serialised: the first write of the transaction
    bumps the instrument's lock_version (a row lock on PostgreSQL; SQLite's write lock, i.e. BEGIN IMMEDIATE), then
    the overlap query runs; PostgreSQL's exclusion constraint refuses any overlap that gets past it."""
    org = _org(user)
    now = now or timezone.now()
    samples = parse_int(samples, "samples", "样品数", 0, MAX_SAMPLES)
    funding.check_not_blacklisted(org, "预约仪器")
    try:
        with transaction.atomic():
            if not Instrument.objects.filter(pk=instrument_id).update(lock_version=F("lock_version") + 1):
                raise VoucherError("未找到该仪器。", "instrument")
            ins = Instrument.objects.select_related("provider").get(pk=instrument_id)
            _check_rules(ins, org, starts_at, ends_at, samples, now)
            clash = ins.bookings.filter(state__in=LIVE_BOOKING_STATES, starts_at__lt=ends_at,
                                        ends_at__gt=starts_at).first()
            if clash:
                raise VoucherError(f"预约时段：与已有预约 {_local(clash.starts_at)}–"
                                   f"{timezone.localtime(clash.ends_at):%H:%M} 重叠，请另选时段。", "starts_at")
            b = Booking(instrument=ins, organization=org, booked_by=account(user), starts_at=starts_at,
                        ends_at=ends_at, samples=samples, purpose=(purpose or "")[:200],
                        state=Booking.State.PENDING if ins.needs_approval else Booking.State.APPROVED)
            full_clean(b)
            b.save()
            record(user, "vouchers.booked", b, f"{org.name} 预约 {ins}", starts_at=str(starts_at))
            if voucher_id:  # the voucher amount is held with the order, in the same transaction
                hold_for_booking(user, voucher_id, b.pk)
    except IntegrityError:
        raise VoucherError("预约时段：该时段刚被他人预约，请另选时段。", "starts_at") from None
    notify(ins.provider.organization, "新的仪器预约", f"{org.name} 预约 {ins} {_local(starts_at)}。",
           f"/vouchers/bookings/{b.pk}/", user)
    return b


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    by: str  # "owner" (the instrument's provider) or "booker" (the booking organisation)
    needs_reason: bool = False


BOOKING_TRANSITIONS = [
    Step("approve", "同意预约", ("pending",), "approved", "owner"),
    Step("decline", "拒绝预约", ("pending",), "declined", "owner", needs_reason=True),
    Step("cancel", "取消预约", ("pending", "approved"), "cancelled", "booker"),
    Step("no_show", "登记未到并释放时段", ("approved",), "no_show", "owner"),
]
BOOKING_STEPS = {s.name: s for s in BOOKING_TRANSITIONS}


def may_step(user: Any, booking: Booking, step: Step) -> bool:
    o = access.org_id(user)
    if o is None or booking.state not in step.sources:
        return False
    return (booking.instrument.provider.organization_id == o) if step.by == "owner" else booking.organization_id == o


def booking_step(user: Any, booking_id: Any, name: str, reason: str = "", now: dt.datetime | None = None) -> Booking:
    """The one guarded booking transition: permission, rule, state, audit, notice; releases held voucher money."""
    step = BOOKING_STEPS.get(name)
    if step is None:
        raise VoucherError(f"未知操作：{name}。")
    now = now or timezone.now()
    with transaction.atomic():
        b = access.get(access.bookings(user).select_for_update(of=("self",)), booking_id)
        if b.state not in step.sources:
            raise VoucherError(f"预约当前为「{b.get_state_display()}」，不能{step.label}。", "state")
        if not may_step(user, b, step):
            raise VoucherError(f"您的账户无权{step.label}。")
        if step.needs_reason and not (reason or "").strip():
            raise VoucherError(f"{step.label}须填写理由。", "reason")
        if name == "cancel" and b.state == "approved" \
                and now > b.starts_at - dt.timedelta(hours=b.instrument.cancel_hours):
            raise VoucherError(f"该仪器须在开始前 {b.instrument.cancel_hours} 小时取消，已过取消时限；"
                               "如确需取消请联系仪器所属单位。", "state")
        if name == "no_show" and now < b.starts_at:
            raise VoucherError("预约时段尚未开始，不能登记未到。", "state")
        old = b.state
        b.state, b.reason = step.target, (reason or "")[:200]
        b.save(update_fields=["state", "reason"])
        if step.target in ("declined", "cancelled", "no_show"):
            for use in b.voucher_uses.filter(state=VoucherUse.State.HELD):
                _release(use)
        record(user, f"vouchers.booking_{name}", b, f"{b}：{step.label}", from_state=old, to_state=b.state,
               reason=reason)
        other = b.organization if step.by == "owner" else b.instrument.provider.organization
        notify(other, f"仪器预约：{step.label}", f"{b.instrument} {_local(b.starts_at)}：{step.label}。{reason}",
               f"/vouchers/bookings/{b.pk}/", user)
    return b


def provider_work(user: Any, now: dt.datetime | None = None) -> dict[str, QuerySet[Booking]]:
    """A provider account's waiting work on its instruments, oldest first: upcoming bookings to confirm, and slots
    that have begun with no service record yet."""
    now = now or timezone.now()
    o = access.org_id(user)
    qs = access.bookings(user).filter(instrument__provider__organization_id=o) if o else Booking.objects.none()
    return {"to_confirm": qs.filter(state=Booking.State.PENDING, starts_at__gt=now).order_by("starts_at"),
            "to_record": qs.filter(state=Booking.State.APPROVED, starts_at__lte=now, record__isnull=True)
            .order_by("starts_at")}


# ------------------------------------------------------------------------------------------------ service records


def record_service(user: Any, *, organization_id: Any = None, booking_id: Any = None, service_id: Any = None,
                   quantity: Any, amount: Any, performed_on: dt.date, invoice_no: str = "",
                   description: str = "", now: dt.datetime | None = None) -> ServiceRecord:
    """The provider records actual usage and fee (服务记录), for a booking of its instrument or for a service: after
    the slot has begun, dated on or after the slot's day and not after today."""
    org = _org(user)
    provider = Provider.objects.filter(organization=org, status=Provider.Status.APPROVED).first()
    if provider is None:
        raise VoucherError("只有已入库的服务机构可以登记服务记录。")
    amount = parse_money(amount, "amount", "服务费")
    qty = parse_money(quantity, "quantity", "实际用量", maximum=Decimal("99999999.99"))
    now = now or timezone.now()
    with transaction.atomic():
        rec = ServiceRecord(provider=provider, amount=amount, quantity=qty, performed_on=performed_on,
                            invoice_no=(invoice_no or "").strip()[:40], description=(description or "")[:200])
        if booking_id:
            b = access.get(Booking.objects.select_for_update().filter(instrument__provider=provider), booking_id)
            if b.state not in ("approved", "done"):
                raise VoucherError(f"预约当前为「{b.get_state_display()}」，只有已确认的预约可以登记服务记录。",
                                   "booking")
            if hasattr(b, "record"):
                raise VoucherError("该预约已登记过服务记录。", "booking")
            if now < b.starts_at:
                raise VoucherError(f"预约时段 {_local(b.starts_at)} 尚未开始，服务完成后再登记服务记录。", "booking")
            if performed_on < timezone.localtime(b.starts_at).date():
                raise VoucherError(f"服务日期：不能早于预约时段的日期 {timezone.localtime(b.starts_at):%Y-%m-%d}。",
                                   "performed_on")
            rec.booking, rec.instrument, rec.organization = b, b.instrument, b.organization
            rec.category = Category.INSTRUMENT
            b.state = Booking.State.DONE
            b.save(update_fields=["state"])
        else:
            svc = ProviderService.objects.filter(provider=provider, pk=service_id).first() if service_id else None
            if svc is None:
                raise VoucherError("服务项目：请选择本机构已入库的服务项目，或选择对应的仪器预约。", "service")
            target = Organization.objects.filter(pk=organization_id).first() if organization_id else None
            if target is None:
                raise VoucherError("服务对象：请填写服务对象单位。", "organization")
            rec.service, rec.organization, rec.category = svc, target, svc.category
        today = timezone.localtime(now).date()
        if performed_on > today:
            raise VoucherError(f"服务日期：{performed_on:%Y-%m-%d} 尚未到来，服务完成后再登记（不能晚于今天）。",
                               "performed_on")
        if performed_on < today - RECORD_WINDOW:
            raise VoucherError(f"服务日期：{performed_on:%Y-%m-%d} 距今超过三年，请核对年份。", "performed_on")
        full_clean(rec)
        rec.save()
        use = VoucherUse.objects.filter(booking=rec.booking, state=VoucherUse.State.HELD).first() \
            if rec.booking_id else None
        if use:
            _recompute_use(use, rec)
        record(user, "vouchers.service_recorded", rec, f"{provider} 登记服务 {money(amount)} 元")
    notify(rec.organization, "请确认服务记录", f"{provider} 登记服务费 {money(amount)} 元，请确认。",
           f"/vouchers/records/{rec.pk}/", user)
    return rec


def confirm_record(user: Any, record_id: Any, agree: bool = True, rating: Any = None, note: str = "") -> ServiceRecord:
    """The user confirms (or disputes) the record; a voucher held for it is then spent."""
    with transaction.atomic():
        rec = access.get(access.records(user).select_for_update(of=("self",)), record_id)
        if rec.organization_id != access.org_id(user):
            raise VoucherError("只有服务对象单位可以确认服务记录。")
        if rec.state != ServiceRecord.State.RECORDED:
            raise VoucherError(f"服务记录当前为「{rec.get_state_display()}」，不能再确认。", "state")
        if rating not in (None, ""):
            try:
                rating = int(rating)
                assert 1 <= rating <= 5
            except (ValueError, TypeError, AssertionError):
                raise VoucherError("评价：请选择 1–5 分。", "rating") from None
            rec.rating = rating
        rec.state = ServiceRecord.State.CONFIRMED if agree else ServiceRecord.State.DISPUTED
        rec.confirmed_at = timezone.now()
        rec.save()
        use = getattr(rec, "voucher_use", None)
        if use and use.state == VoucherUse.State.HELD:
            if agree:
                v = Voucher.objects.select_for_update().get(pk=use.voucher_id)
                Voucher.objects.filter(pk=v.pk).update(held=F("held") - use.total, spent=F("spent") + use.total)
                use.state = VoucherUse.State.SPENT
                use.save(update_fields=["state"])
            else:
                _release(use)
        record(user, "vouchers.record_confirmed" if agree else "vouchers.record_disputed", rec, str(rec), reason=note)
    return rec


# ------------------------------------------------------------------------------------------------ vouchers


def create_programme(user: Any, year: int, *, city_budget: Any, province_budget: Any = None,
                     starts_on: dt.date, expires_on: dt.date, yearly_cap: Any,
                     kinds: list[dict[str, Any]], publicity_days: int = 5) -> VoucherProgramme:
    """The bureau opens a year's voucher programme: a funding Programme with a city line (and a province line)."""
    if not access.is_bureau(user) and user is not None:
        raise VoucherError("只有市科技局可以设立创新券年度计划。")
    if expires_on <= starts_on:
        raise VoucherError("券有效期至：须晚于开始日期。", "expires_on")
    with transaction.atomic():
        fp = funding.create_programme(user, "科技创新券", year, legal_basis="；".join(subsidy.citations()),
                                      workflow_def={"steps": ["formal_check", "decision", "publicity", "approved"]},
                                      required_attachments=list(EVIDENCE), publicity_days=publicity_days,
                                      kind="voucher")
        city = funding.add_budget_line(user, fp, "创新券市级补助", "city", city_budget)
        prov = funding.add_budget_line(user, fp, "创新券省级补助（省级创新券）", "province", province_budget) \
            if province_budget else None
        vp = VoucherProgramme.objects.create(year=year, funding_programme=fp, city_line=city, province_line=prov,
                                             starts_on=starts_on, expires_on=expires_on,
                                             yearly_cap=parse_money(yearly_cap, "yearly_cap", "每家企业年度上限"))
        for k in kinds:
            cats = list(k.get("categories") or [])
            bad = [c for c in cats if c not in Category.values]
            if bad or not cats:
                raise VoucherError("可用服务类别：请从 " + "、".join(Category.labels) + " 中选择。", "categories")
            VoucherKind.objects.create(programme=vp, kind=k["kind"], categories=cats,
                                       face_amount=parse_money(k["face_amount"], "face_amount", "每张面额"),
                                       share=Decimal(str(k.get("share", "0.5"))),
                                       per_enterprise=int(k.get("per_enterprise", 1)),
                                       qualification=k.get("qualification", "tech_sme"))
        record(user, "vouchers.programme_created", vp, f"设立 {vp}")
    return vp


def issue_vouchers(user: Any, kind: VoucherKind, on: dt.date | None = None, qualified_on: dt.date | None = None) -> int:
    """Every organisation holding the kind's qualification on ``qualified_on`` (default: the issue day ``on``)
    receives its vouchers, issued on ``on`` (idempotent)."""
    on = on or kind.programme.starts_on
    orgs = (Qualification.objects.filter(Qualification.in_force(qualified_on or on), kind=kind.qualification)
            .values_list("organization_id", flat=True).distinct())
    rows = [Voucher(kind=kind, organization_id=o, seq=s, amount=kind.face_amount, issued_on=on,
                    expires_on=kind.programme.expires_on)
            for o in orgs for s in range(1, kind.per_enterprise + 1)]
    before = Voucher.objects.filter(kind=kind).count()
    Voucher.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    n = Voucher.objects.filter(kind=kind).count() - before
    record(user, "vouchers.issued", kind, f"{kind} 发放 {n} 张")
    return n


def is_small_or_team(org: Organization, voucher: Voucher, on: dt.date) -> bool:
    """B 第30条 beneficiaries: 中小微企业 (read as: a 科技型中小企业 in force) or a maker team held through a carrier."""
    return bool(voucher.holder_note) or Qualification.objects.filter(
        Qualification.in_force(on), organization=org, kind="tech_sme").exists()


def quote(voucher: Voucher, *, fee: Decimal, category: str, networked: bool, performed_on: dt.date) -> subsidy.Subsidy:
    return subsidy.compute(fee, category=category, networked_instrument=networked, performed_on=performed_on,
                           small_or_team=is_small_or_team(voucher.organization, voucher, performed_on),
                           programme_share=voucher.kind.share)


#: 我的创新券 warns of vouchers that expire within this many days
EXPIRY_WARNING_DAYS = 30


def usable_vouchers(user: Any, organization_id: Any, category: str, on: dt.date,
                    today: dt.date | None = None) -> list[Voucher]:
    """The organisation's vouchers (as ``user`` may see them) that can pay for a ``category`` service on ``on``:
    valid that day and still today, the category in the kind's scope, money left — what a page may offer."""
    if organization_id is None:
        return []
    today = today or timezone.localdate()
    qs = access.vouchers(user).filter(organization_id=organization_id, issued_on__lte=on, expires_on__gte=max(on, today))
    return [v for v in qs.order_by("expires_on", "id") if category in v.kind.categories and v.balance > 0]


def expiring_vouchers(user: Any, today: dt.date | None = None) -> list[Voucher]:
    """The account's vouchers with money left that expire within ``EXPIRY_WARNING_DAYS`` days, soonest first."""
    o = access.org_id(user)
    if o is None:
        return []
    today = today or timezone.localdate()
    qs = access.vouchers(user).filter(organization_id=o, expires_on__gte=today,
                                      expires_on__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS))
    return [v for v in qs.order_by("expires_on", "id") if v.balance > 0]


def _check_voucher(v: Voucher, category: str, on: dt.date) -> None:
    if on > v.expires_on:
        raise VoucherError(f"创新券已于 {v.expires_on:%Y年%m月%d日} 到期，不能再使用。", "voucher")
    if on < v.issued_on:
        raise VoucherError(f"创新券自 {v.issued_on:%Y年%m月%d日} 起可用。", "voucher")
    if category not in v.kind.categories:
        names = "、".join(Category(c).label for c in v.kind.categories)
        raise VoucherError(f"服务类别「{Category(category).label}」不在本券（{v.kind.get_kind_display()}）适用范围内；"
                           f"本券可用于：{names}。", "voucher")


def _apply(user: Any, v: Voucher, fee: Decimal, category: str, networked: bool, on: dt.date, amount: Any,
           state: str, record_: ServiceRecord | None = None, booking: Booking | None = None) -> VoucherUse:
    _check_voucher(v, category, on)
    q = quote(v, fee=fee, category=category, networked=networked, performed_on=on)
    if amount not in (None, ""):
        want = parse_money(amount, "amount", "抵扣金额")
        if want > v.balance:
            raise VoucherError(f"抵扣金额 {money(want)} 元超过创新券余额 {money(v.balance)} 元，请调低。", "amount")
        if want > q.total:
            raise VoucherError(f"抵扣金额 {money(want)} 元超过可补助金额 {money(q.total)} 元（{q.citation}），请调低。",
                               "amount")
        q = subsidy.scale(q, want)
    elif v.balance <= 0:
        raise VoucherError("创新券余额为 0 元，不能使用。", "voucher")
    else:
        q = subsidy.scale(q, v.balance)
    vp = v.kind.programme
    over = funding.reserve(yearly_cap_key(vp, v.organization_id), vp.yearly_cap, q.total,
                           lambda: voucher_money_used(v.organization_id, vp))
    if over is not None:
        raise VoucherError(f"本单位 {vp.year} 年度创新券已使用 {money(over.used)} 元，本次 {money(q.total)} 元将超过"
                           f"每家每年上限 {money(over.limit)} 元。", "amount")
    if state == VoucherUse.State.HELD:
        Voucher.objects.filter(pk=v.pk).update(held=F("held") + q.total)
    else:
        Voucher.objects.filter(pk=v.pk).update(spent=F("spent") + q.total)
    use = VoucherUse.objects.create(voucher=v, record=record_, booking=booking, city_amount=q.city,
                                    province_amount=q.province, citation=q.citation, explanation=q.explanation,
                                    state=state)
    record(user, "vouchers.voucher_applied", use, f"{v} 抵扣 {money(q.total)} 元", citation=q.citation)
    return use


def yearly_cap_key(vp: VoucherProgramme, organization_id: int) -> funding.CapKey:
    """An enterprise's 创新券 in one programme year: a funding cap, locked by every use of any of its vouchers."""
    return funding.CapKey(f"VOUCHER.{vp.year}.yearly_cap.{vp.pk}", vp.year, organization_id)


def voucher_money_used(organization_id: int, vp: VoucherProgramme) -> Decimal:
    """What the enterprise's vouchers of the programme hold, spent or settled (the yearly cap counts it)."""
    return (VoucherUse.objects.filter(voucher__organization_id=organization_id, voucher__kind__programme=vp,
                                      state__in=("held", "spent", "settled"))
            .aggregate(s=Sum(F("city_amount") + F("province_amount")))["s"] or ZERO)


def _voucher_for(user: Any, voucher_id: Any) -> Voucher:
    return access.get(access.vouchers(user).select_for_update(of=("self",)).filter(
        organization_id=access.org_id(user)), voucher_id)


def hold_for_booking(user: Any, voucher_id: Any, booking_id: Any, today: dt.date | None = None) -> VoucherUse:
    """When ordering: hold the voucher amount for the booking's estimated fee; released if the order is cancelled."""
    with transaction.atomic():
        v = _voucher_for(user, voucher_id)
        b = access.get(access.bookings(user).filter(organization_id=access.org_id(user)), booking_id)
        if b.state not in ("pending", "approved"):
            raise VoucherError(f"预约当前为「{b.get_state_display()}」，不能使用创新券。", "booking")
        if b.voucher_uses.filter(state__in=("held", "spent")).exists():
            raise VoucherError("该预约已使用创新券。", "booking")
        ins = b.instrument
        qty = Decimal(b.samples) if ins.price_basis == "sample" else b.hours
        fee = (ins.price * qty).quantize(CENT)
        return _apply(user, v, fee, Category.INSTRUMENT, ins.on_city_network,
                      today or timezone.localtime(b.starts_at).date(),
                      None, VoucherUse.State.HELD, booking=b)


def spend(user: Any, voucher_id: Any, record_id: Any, amount: Any = None, today: dt.date | None = None) -> VoucherUse:
    """Spend a voucher on a confirmed service record (no prior hold)."""
    with transaction.atomic():
        v = _voucher_for(user, voucher_id)
        rec = access.get(access.records(user).filter(organization_id=access.org_id(user)), record_id)
        if rec.state != ServiceRecord.State.CONFIRMED:
            raise VoucherError("服务记录尚未确认，请先确认服务记录再使用创新券。", "record")
        if hasattr(rec, "voucher_use"):
            raise VoucherError("该服务记录已使用创新券。", "record")
        today = today or timezone.localdate()
        if today > v.expires_on:
            raise VoucherError(f"创新券已于 {v.expires_on:%Y年%m月%d日} 到期，不能再使用。", "voucher")
        return _apply(user, v, rec.amount, rec.category, bool(rec.instrument and rec.instrument.on_city_network),
                      rec.performed_on, amount, VoucherUse.State.SPENT, record_=rec)


def _recompute_use(use: VoucherUse, rec: ServiceRecord) -> None:
    """The actual fee replaces the estimate of a held use (never above what was held)."""
    v = Voucher.objects.select_for_update().get(pk=use.voucher_id)
    q = quote(v, fee=rec.amount, category=rec.category,
              networked=bool(rec.instrument and rec.instrument.on_city_network),
              performed_on=rec.performed_on)
    q = subsidy.scale(q, min(q.total, use.total + v.balance))
    Voucher.objects.filter(pk=v.pk).update(held=F("held") - use.total + q.total)
    use.city_amount, use.province_amount, use.record = q.city, q.province, rec
    use.citation, use.explanation = q.citation, q.explanation
    use.save()


def _release(use: VoucherUse) -> None:
    Voucher.objects.filter(pk=use.voucher_id).update(held=F("held") - use.total)
    use.state = VoucherUse.State.RELEASED
    use.save(update_fields=["state"])


# ------------------------------------------------------------------------------------------------ settlement


def abuse_flags(uses: list[VoucherUse]) -> dict[int, list[str]]:
    """Reasons an item needs a second approver: related parties, an invoice number used twice, a service without a
    booking that happened, a fee far above the catalogue price."""
    flags: dict[int, list[str]] = {u.pk: [] for u in uses}
    invoices = [u.record.invoice_no for u in uses if u.record.invoice_no]
    seen = dict(ServiceRecord.objects.filter(invoice_no__in=invoices).values("invoice_no")
                .annotate(n=Count("id")).values_list("invoice_no", "n"))
    for u in uses:
        r = u.record
        p_org, c_org = r.provider.organization, r.organization
        if p_org.legal_representative and p_org.legal_representative == c_org.legal_representative:
            flags[u.pk].append(f"服务机构与服务对象法定代表人相同（{p_org.legal_representative}），可能为关联方")
        if r.invoice_no and seen.get(r.invoice_no, 0) > 1:
            flags[u.pk].append(f"发票号码 {r.invoice_no} 重复使用")
        if r.category == Category.INSTRUMENT and (r.booking_id is None or r.booking.state != Booking.State.DONE):
            flags[u.pk].append("仪器服务没有对应的已完成预约")
        unit = r.instrument.price if r.instrument_id else (r.service.price if r.service_id else None)
        if unit and r.amount > unit * r.quantity * PRICE_TOLERANCE:
            flags[u.pk].append(f"服务费 {money(r.amount)} 元高于目录价 {money(unit * r.quantity)} 元的 "
                               f"{PRICE_TOLERANCE} 倍")
    return flags


def settleable(provider: Provider) -> QuerySet[VoucherUse]:
    return (VoucherUse.objects.filter(record__provider=provider, state=VoucherUse.State.SPENT,
                                      settlement_item__isnull=True)
            .select_related("record__provider__organization", "record__organization", "record__instrument",
                            "record__service", "record__booking", "voucher__kind__programme"))


def create_settlement(user: Any, use_ids: list[Any], evidence: dict[str, tuple[str, bytes]], bank_name: str,
                      bank_account: str) -> SettlementBatch:
    """A provider claims the voucher part of confirmed services in a batch with its evidence; the batch becomes
    funding claims (city and province shares apart), submitted with the evidence attached."""
    org = _org(user)
    provider = Provider.objects.filter(organization=org, status=Provider.Status.APPROVED).first()
    if provider is None:
        raise VoucherError("只有已入库的服务机构可以申请结算。")
    if not use_ids:
        raise VoucherError("结算明细：请至少选择一笔已确认的创新券服务。", "uses")
    missing = [e for e in EVIDENCE if e not in evidence]
    if missing:
        raise VoucherError(f"结算材料：缺少{'、'.join(missing)}，请上传后再提交。", "evidence")
    with transaction.atomic():
        uses = list(VoucherUse.objects.select_for_update(of=("self",)).filter(pk__in=use_ids)
                    .select_related("record__provider__organization", "record__organization", "record__instrument",
                                    "record__service", "record__booking", "voucher__kind__programme"))
        if len(uses) != len(set(map(str, use_ids))):
            raise VoucherError("结算明细：部分记录不存在。", "uses")
        for u in uses:
            if u.record is None or u.record.provider_id != provider.pk:
                raise VoucherError("结算明细：只能结算本机构的服务。", "uses")
            if u.state != VoucherUse.State.SPENT or u.record.state != ServiceRecord.State.CONFIRMED:
                raise VoucherError(f"服务记录 #{u.record_id} 尚未经服务对象确认（或创新券未抵扣），不能结算。", "uses")
        taken = SettlementItem.objects.filter(use__in=[u.pk for u in uses]).values_list("use__record_id", flat=True)
        if taken:
            raise VoucherError(f"服务记录 #{taken[0]} 已在其他结算批次中。", "uses")
        programmes = {u.voucher.kind.programme_id for u in uses}
        if len(programmes) != 1:
            raise VoucherError("结算明细：一个批次只能包含同一年度计划的创新券。", "uses")
        vp = uses[0].voucher.kind.programme
        batch = SettlementBatch.objects.create(provider=provider, programme=vp,
                                               city_amount=sum((u.city_amount for u in uses), ZERO),
                                               province_amount=sum((u.province_amount for u in uses), ZERO))
        flags = abuse_flags(uses)
        SettlementItem.objects.bulk_create([SettlementItem(batch=batch, use=u, flags=flags[u.pk]) for u in uses],
                                           batch_size=2000)
        parts = _parts(uses)
        if any(source == "province" for source, _ in parts) and vp.province_line is None:
            raise VoucherError("本年度计划未设省级资金科目，不能结算省级补助。", "uses")
        claims = []
        evidence_files = [(label, *evidence[label]) for label in EVIDENCE]
        for (source, citation), amount in sorted(parts.items()):
            doc, _, art = citation.partition(" ")
            try:
                claim = funding.open_claim(
                    user, vp.funding_programme, org,
                    provision_id=f"VOUCHER.{vp.year}.{source}.{subsidy.citations()[citation]}.{batch.pk}",
                    title=f"创新券结算（{'省级' if source == 'province' else '市级'}）批次 #{batch.pk}",
                    document=doc, article=art, year=vp.year, amount=amount,
                    explanation=f"{len(uses)} 笔已确认服务的创新券补助（{citation}）", bank_name=bank_name,
                    bank_account=bank_account, evidence=evidence_files)
            except funding.FundingError as exc:
                raise VoucherError(str(exc), "evidence" if exc.field == "file" else exc.field) from None
            claims.append(claim)
        batch.claims.set(claims)
        batch.save()
        record(user, "vouchers.settlement_submitted", batch, f"{provider} 提交结算 {len(uses)} 笔",
               city=str(batch.city_amount), province=str(batch.province_amount))
    return batch


def _parts(uses: Any) -> dict[tuple[str, str], Decimal]:
    """Money of a batch by funding source and legal basis: one funding claim (and ledger entry) per part, so every
    entry names its own document and article and the province's share stays on its own line."""
    out: dict[tuple[str, str], Decimal] = {}
    for u in uses:
        for source, amount in (("city", u.city_amount), ("province", u.province_amount)):
            if amount > 0:
                out[(source, u.citation)] = out.get((source, u.citation), ZERO) + amount
    return out


def _claims(batch: SettlementBatch) -> list[Any]:
    return list(batch.claims.order_by("id"))


def _part_of(claim: Any, citations: dict[str, str]) -> tuple[str, str]:
    _, _, source, tag, _ = claim.provision_id.split(".")
    return source, citations[tag]


def exclude_item(user: Any, item_id: Any, reason: str) -> SettlementItem:
    """核减: staff take a flagged item out of the batch before approval; its voucher use stays spent, unsettled."""
    if not access.is_bureau(user):
        raise VoucherError("只有市科技局可以核减结算明细。")
    if not (reason or "").strip():
        raise VoucherError("核减须填写理由。", "reason")
    with transaction.atomic():
        item = SettlementItem.objects.select_related("batch", "use").get(pk=item_id)
        if item.batch.state not in ("submitted", "second"):
            raise VoucherError("批次已审核，不能再核减。")
        item.excluded = True
        item.save(update_fields=["excluded"])
        record(user, "vouchers.item_excluded", item.batch, f"核减明细 #{item.pk}", reason=reason)
    return item


def approve_settlement(user: Any, batch_id: Any) -> SettlementBatch:
    """Staff approve; a batch with flagged items needs a second approver (another bureau account). Approval decides
    the funding claims (formal check, decision against the budget line) and opens the 公示."""
    if not access.is_bureau(user):
        raise VoucherError("只有市科技局可以审核结算。")
    with transaction.atomic():
        batch = SettlementBatch.objects.select_for_update().get(pk=batch_id)
        flagged = batch.items.exclude(flags=[]).filter(excluded=False).exists()
        if batch.state == SettlementBatch.State.SUBMITTED:
            batch.first_approved_by = user
            if flagged:
                batch.state = SettlementBatch.State.SECOND
                batch.save()
                record(user, "vouchers.settlement_first_approval", batch, f"{batch} 初审通过，有疑点待复核")
                return batch
        elif batch.state == SettlementBatch.State.SECOND:
            if batch.first_approved_by_id == user.pk:
                raise VoucherError("有疑点的结算须由另一名工作人员复核，初审人不能复核。")
            batch.second_approved_by = user
        else:
            raise VoucherError(f"批次当前为「{batch.get_state_display()}」，不能审核。")
        kept = [i.use for i in batch.items.filter(excluded=False).select_related("use")]
        parts = _parts(kept)
        tags = {v: k for k, v in subsidy.citations().items()}
        vp = batch.programme
        try:
            for claim in _claims(batch):
                source, citation = _part_of(claim, tags)
                amount = parts.get((source, citation), ZERO)
                line = vp.city_line if source == "city" else vp.province_line
                funding.perform(user, claim.pk, "formal_pass")
                if amount > 0:
                    funding.perform(user, claim.pk, "decide", amount=amount, budget_line_id=line.pk)
                else:
                    funding.perform(user, claim.pk, "reject", reason="明细全部核减")
        except funding.FundingError as exc:
            raise VoucherError(str(exc), exc.field) from None
        amounts = {"city": sum((u.city_amount for u in kept), ZERO),
                   "province": sum((u.province_amount for u in kept), ZERO)}
        batch.city_amount, batch.province_amount = amounts["city"], amounts["province"]
        batch.state = SettlementBatch.State.PUBLICITY
        batch.save()
        record(user, "vouchers.settlement_approved", batch, f"{batch} 审核通过，进入公示")
    return batch


def end_publicity(user: Any, batch_id: Any) -> SettlementBatch:
    with transaction.atomic():
        batch = SettlementBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state != SettlementBatch.State.PUBLICITY:
            raise VoucherError(f"批次当前为「{batch.get_state_display()}」，不在公示中。")
        try:
            funding.advance(user, [c.pk for c in _claims(batch)], "publicity_end", when="publicity")
        except funding.FundingError as exc:
            raise VoucherError(str(exc), exc.field) from None
        batch.state = SettlementBatch.State.APPROVED
        batch.save(update_fields=["state"])
    return batch


def pay_settlement(user: Any, batch_id: Any) -> SettlementBatch:
    """Finance pays through the funding ledger; the batch's voucher uses become settled."""
    with transaction.atomic():
        batch = SettlementBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state != SettlementBatch.State.APPROVED:
            raise VoucherError(f"批次当前为「{batch.get_state_display()}」，公示期满审核通过后才能拨付。")
        try:
            funding.advance(user, [c.pk for c in _claims(batch)], "pay", when="approved")
        except funding.FundingError as exc:
            raise VoucherError(str(exc), exc.field) from None
        VoucherUse.objects.filter(settlement_item__batch=batch, settlement_item__excluded=False).update(
            state=VoucherUse.State.SETTLED)
        batch.state = SettlementBatch.State.PAID
        batch.save(update_fields=["state"])
        record(user, "vouchers.settlement_paid", batch, f"{batch} 已拨付")
    return batch


def ledger_entries(batch: SettlementBatch):
    return funding.entries(c.pk for c in _claims(batch))


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


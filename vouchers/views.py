"""Pages of vouchers and shared instruments (mounted at /vouchers/): thin, every rule is in services/access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from registry.models import Region
from vouchers import access, reports, services
from vouchers.models import (
    Booking,
    Category,
    Instrument,
    PriceBasis,
    Provider,
    SettlementBatch,
    Voucher,
    VoucherProgramme,
    VoucherUse,
)
from vouchers.services import VoucherError


def _dt(value: str, label: str, field: str) -> dt.datetime:
    try:
        return timezone.make_aware(dt.datetime.fromisoformat(value))
    except (TypeError, ValueError):
        raise VoucherError(f"{label}：请按 年-月-日 时:分 填写，如 2025-03-01 09:00。", field) from None


def _date(value: str, label: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise VoucherError(f"{label}：请按 年-月-日 填写，如 2025-03-01。", field) from None


def _int(value: Any, label: str, field: str) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise VoucherError(f"{label}：请填写整数。", field) from None


def _act(request: HttpRequest, fn, ok: str) -> Any:
    try:
        out = fn()
    except VoucherError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, ok)
    return out or True


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = services.search(access.catalogue(request.user), q=g.get("q", "").strip(), kind=g.get("kind", ""),
                         region=g.get("region") or None, provider=g.get("provider") or None)
    page = Paginator(qs, 30).get_page(g.get("page"))
    kinds = Instrument.objects.values_list("kind", flat=True).distinct().order_by("kind")
    regions = Region.objects.filter(kind__in=("division", "zone")).order_by("code")
    providers = Provider.objects.filter(status="approved").select_related("organization")
    return render(request, "vouchers/catalogue.html", {"page": page, "kinds": kinds, "regions": regions,
                                                       "providers": providers, "g": g})


@login_required
def instrument(request: HttpRequest, pk: int) -> HttpResponse:
    ins = access.get(access.catalogue(request.user), pk)
    if request.method == "POST":
        p = request.POST
        try:
            b = services.book(request.user, ins.pk, _dt(p.get("starts_at"), "开始时间", "starts_at"),
                              _dt(p.get("ends_at"), "结束时间", "ends_at"), _int(p.get("samples"), "样品数", "samples"),
                              p.get("purpose", ""), voucher_id=p.get("voucher") or None)
        except VoucherError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已提交预约（{b.get_state_display()}）。")
            return redirect("vouchers:booking", pk=b.pk)
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today
    if abs((start - today).days) > 3 * 366:  # year 0001 or 9999: the calendar shows this week instead
        messages.error(request, "日历起始日期：请选择三年以内的日期，已显示本周。")
        start = today
    util = services.utilisation(Instrument.objects.filter(pk=ins.pk), today - dt.timedelta(days=30), today)[0]
    earliest = timezone.localtime(timezone.now() + dt.timedelta(hours=ins.notice_hours)).date()
    my_vouchers = services.usable_vouchers(request.user, access.org_id(request.user), Category.INSTRUMENT, earliest)
    return render(request, "vouchers/instrument.html", {
        "ins": ins, "days": services.calendar(ins, start), "start": start, "util": util,
        "prev": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7),
        "records": ins.records.count(), "vouchers": my_vouchers, "can_book": access.role(request.user) == "enterprise"})


@login_required
def bookings(request: HttpRequest) -> HttpResponse:
    qs = access.bookings(request.user).order_by("-starts_at")
    if request.GET.get("state"):
        qs = qs.filter(state=request.GET["state"])
    return render(request, "vouchers/bookings.html", {"page": Paginator(qs, 30).get_page(request.GET.get("page")),
                                                      "states": Booking.State.choices})


@login_required
def booking(request: HttpRequest, pk: int) -> HttpResponse:
    b = access.get(access.bookings(request.user), pk)
    if request.method == "POST":
        p = request.POST
        if p.get("step"):
            _act(request, lambda: services.booking_step(request.user, b.pk, p["step"], p.get("reason", "")), "已办理。")
        elif p.get("record"):
            def rec():
                return services.record_service(request.user, booking_id=b.pk, quantity=p.get("quantity"),
                                               amount=p.get("amount"), invoice_no=p.get("invoice_no", ""),
                                               performed_on=_date(p.get("performed_on"), "服务日期", "performed_on"),
                                               description=p.get("description", ""))
            r = _act(request, rec, "已登记服务记录，等待用户确认。")
            if r:
                return redirect("vouchers:record", pk=r.pk)
        elif p.get("voucher"):
            _act(request, lambda: services.hold_for_booking(request.user, p["voucher"], b.pk), "已冻结创新券金额。")
        return redirect("vouchers:booking", pk=b.pk)
    steps = [s for s in services.BOOKING_TRANSITIONS if services.may_step(request.user, b, s)]
    owner = access.owns_instrument(request.user, b.instrument)
    mine = b.organization_id == access.org_id(request.user)
    return render(request, "vouchers/booking.html", {
        "b": b, "steps": steps, "owner": owner, "uses": b.voucher_uses.all(),
        "record": getattr(b, "record", None), "today": timezone.localdate(), "started": b.starts_at <= timezone.now(),
        "vouchers": services.usable_vouchers(request.user, b.organization_id, Category.INSTRUMENT,
                                             timezone.localtime(b.starts_at).date()) if mine else []})


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    r = access.get(access.records(request.user), pk)
    if request.method == "POST":
        p = request.POST
        if p.get("confirm"):
            _act(request, lambda: services.confirm_record(request.user, r.pk, p["confirm"] == "yes", p.get("rating"),
                                                          p.get("note", "")), "已确认服务记录。")
        elif p.get("voucher"):
            _act(request, lambda: services.spend(request.user, p["voucher"], r.pk, p.get("amount") or None),
                 "已使用创新券抵扣。")
        return redirect("vouchers:record", pk=r.pk)
    mine = r.organization_id == access.org_id(request.user)
    return render(request, "vouchers/record.html", {
        "r": r, "use": getattr(r, "voucher_use", None), "mine": mine,
        "vouchers": services.usable_vouchers(request.user, r.organization_id, r.category, r.performed_on)
        if mine else []})


@login_required
def my_vouchers(request: HttpRequest) -> HttpResponse:
    vs = access.vouchers(request.user).filter(organization_id=access.org_id(request.user)) \
        if access.org_id(request.user) else Voucher.objects.none()
    uses = VoucherUse.objects.filter(voucher__in=vs).select_related("record__provider__organization", "voucher__kind")
    today = timezone.localdate()
    soon = services.expiring_vouchers(request.user, today)
    vouchers = list(vs.order_by("-expires_on", "id"))
    for v in vouchers + soon:
        v.expired, v.days_left, v.expiring = v.expires_on < today, (v.expires_on - today).days, v in soon
    return render(request, "vouchers/mine.html", {
        "vouchers": vouchers, "uses": uses[:100], "soon": soon, "soon_total": sum(v.balance for v in soon),
        "warning_days": services.EXPIRY_WARNING_DAYS})


@login_required
def provider_home(request: HttpRequest) -> HttpResponse:
    """A provider account: apply to the list, its services, confirmed voucher services to settle, its batches."""
    if access.role(request.user) != "provider":
        raise Http404("只有服务机构账户可以使用此页面。")
    prov = Provider.objects.filter(organization_id=request.user.organization_id).first()
    if request.method == "POST":
        p = request.POST
        if p.get("add_instrument"):
            values = {f: p.get(f) for f in services.INSTRUMENT_FIELDS if f in p}
            for flag in ("networked", "needs_approval", "needs_training"):
                values[flag] = p.get(flag) == "1"
            ins = _act(request, lambda: services.add_instrument(request.user, values), "已登记入网仪器。")
            if ins:
                return redirect("vouchers:instrument", pk=ins.pk)
        elif p.get("apply"):
            svc = [{"name": p.get("service_name"), "category": p.get("category"), "price_basis": p.get("price_basis"),
                    "price": p.get("price")}]
            _act(request, lambda: services.apply_provider(request.user, p.get("inside_city") == "1",
                                                          p.get("contact", ""), p.get("introduction", ""), svc),
                 "已提交入库申请，等待市科技局审核。")
        elif p.getlist("use"):
            files = {label: (f.name, f.read()) for label in services.EVIDENCE
                     if (f := request.FILES.get(f"evidence_{services.EVIDENCE.index(label)}"))}
            b = _act(request, lambda: services.create_settlement(request.user, p.getlist("use"), files,
                                                                 p.get("bank_name", ""), p.get("bank_account", "")),
                     "已提交结算申请。")
            if b:
                return redirect("vouchers:settlement", pk=b.pk)
        else:
            messages.error(request, "结算明细：请至少勾选一笔已确认的创新券服务。")
        return redirect("vouchers:provider")
    return render(request, "vouchers/provider.html", {
        "prov": prov, "categories": Category.choices, "bases": PriceBasis.choices,
        "settleable": services.settleable(prov)[:200] if prov else [], "evidence": list(enumerate(services.EVIDENCE)),
        "work": services.provider_work(request.user),
        "batches": access.settlements(request.user)[:50]})


@login_required
def providers(request: HttpRequest) -> HttpResponse:
    if not access.is_staff(request.user):
        raise Http404("只有工作人员可以审核服务机构。")
    if request.method == "POST":
        prov = access.get(access.providers(request.user), request.POST.get("provider"))
        _act(request, lambda: services.decide_provider(request.user, prov, request.POST.get("decision") == "approve",
                                                       request.POST.get("note", "")), "已审核。")
        return redirect("vouchers:providers")
    qs = access.providers(request.user).prefetch_related("services").order_by("status", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    if not 2000 <= year <= 9998:
        messages.error(request, f"年度评价：请填写四位年份（如 {this_year}），已显示 {this_year} 年。")
        year = this_year
    evaluations = services.provider_evaluations(qs.filter(pk__in=[p.pk for p in page]), year)
    for p in page:
        p.evaluation = evaluations[p.pk]
    return render(request, "vouchers/providers.html", {"page": page, "year": year})


@login_required
def settlements(request: HttpRequest) -> HttpResponse:
    qs = access.settlements(request.user)
    return render(request, "vouchers/settlements.html", {"page": Paginator(qs, 50).get_page(request.GET.get("page"))})


SETTLEMENT_ACTIONS = {"approve": (services.approve_settlement, "审核通过。"),
                      "end_publicity": (services.end_publicity, "公示期满。"),
                      "pay": (services.pay_settlement, "已拨付，资金台账已记账。")}


@login_required
def settlement(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.get(access.settlements(request.user), pk)
    if request.method == "POST" and access.is_staff(request.user):
        p = request.POST
        if p.get("exclude"):
            _act(request, lambda: services.exclude_item(request.user, p["exclude"], p.get("reason", "")), "已核减。")
        elif p.get("action") in SETTLEMENT_ACTIONS:
            fn, ok = SETTLEMENT_ACTIONS[p["action"]]
            _act(request, lambda: fn(request.user, batch.pk), ok)
        return redirect("vouchers:settlement", pk=batch.pk)
    items = batch.items.select_related("use__record__organization", "use__record__instrument")
    return render(request, "vouchers/settlement.html", {
        "batch": batch, "items": items, "entries": services.ledger_entries(batch),
        "staff": access.is_staff(request.user), "finance": access.role(request.user) == "finance",
        "S": SettlementBatch.State})


def _report_context(request: HttpRequest) -> dict[str, Any]:
    if not access.is_staff(request.user):
        raise Http404("只有工作人员可以查看统计。")
    year = request.GET.get("year", "")
    vp = (VoucherProgramme.objects.filter(year=int(year)).first() if year.isascii() and year.isdigit() else None) \
        or VoucherProgramme.objects.order_by("-year").first()
    if vp is None:
        raise Http404("尚未设立创新券年度计划。")
    start, end = dt.date(vp.year, 1, 1), dt.date(vp.year + 1, 1, 1)
    instruments = access.catalogue(request.user).filter(active=True)
    if access.role(request.user) == "district":
        instruments = instruments.filter(region_id=request.user.region_id)
    util = sorted(services.utilisation(instruments, start, end), key=lambda r: -r["rate"])
    return {"vp": vp, "t": reports.totals(vp, access.vouchers(request.user)), "util": util, "start": start,
            "end": end, "years": VoucherProgramme.objects.values_list("year", flat=True)}


@login_required
def report(request: HttpRequest) -> HttpResponse:
    ctx = _report_context(request)
    util = ctx["util"]
    ctx["chart_util"] = {"names": [str(r["instrument"])[:16] for r in util[:20]], "rates": [r["rate"] for r in util[:20]]}
    ctx["chart_district"] = {"names": [n for n, _ in ctx["t"]["by_district"]],
                             "issued": [float(r.get("issued", 0)) for _, r in ctx["t"]["by_district"]],
                             "spent": [float(r.get("spent", 0)) for _, r in ctx["t"]["by_district"]],
                             "settled": [float(r.get("settled", 0)) for _, r in ctx["t"]["by_district"]]}
    ctx["util"] = util[:50]
    return render(request, "vouchers/report.html", ctx)


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    ctx = _report_context(request)
    data = reports.workbook(ctx["vp"], ctx["t"], ctx["util"], ctx["start"], ctx["end"])
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="vouchers-{ctx["vp"].year}.xlsx"'
    return resp




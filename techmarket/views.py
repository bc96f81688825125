"""Pages of the technology market: thin views over ``services``, ``matchers``, ``reports`` and ``access``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from registry.models import Organization
from techmarket import access, matchers, reports, services, workflow
from techmarket.forms import (
    AchievementForm,
    ContactForm,
    ContractForm,
    ListFilterForm,
    MatchFilterForm,
    NeedForm,
    PaymentForm,
    RegisterForm,
)
from techmarket.models import Achievement, ListingStatus, MarketEvent, Match, TechNeed


def _page(request: HttpRequest, qs, per: int = 30):
    page = Paginator(qs, per).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _error(request: HttpRequest, form, exc: services.MarketInputError) -> None:
    if form is not None and exc.field in getattr(form, "fields", {}):
        form.add_error(exc.field, str(exc))
    else:
        if form is not None:
            form.add_error(None, str(exc))
        messages.error(request, str(exc))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    ctx = {"needs": access.needs(user).filter(status=ListingStatus.PUBLISHED)[:8],
           "achievements": access.achievements(user).filter(status=ListingStatus.PUBLISHED)[:8],
           "events": MarketEvent.objects.all()[:5], "staff": access.is_staff(user)}
    access.mark(user, ctx["needs"])
    if ctx["staff"]:
        ctx["pending_needs"] = list(access.needs(user).filter(status=ListingStatus.PENDING)[:20])
        ctx["pending_achievements"] = access.achievements(user).filter(status=ListingStatus.PENDING)[:20]
        ctx["funnel"] = reports.funnel(access.matches(user))
        ctx["overdue"] = services.overdue_matches().filter(pk__in=access.matches(user).values("pk"))[:20]
        ctx["unanswered"] = list(services.unanswered_needs().filter(pk__in=access.needs(user).values("pk"))[:20])
        ctx["overdue"] = list(ctx["overdue"])
        access.mark(user, [*ctx["pending_needs"], *ctx["unanswered"], *(m.need for m in ctx["overdue"])])
    else:
        ctx["my_needs"] = TechNeed.objects.filter(organization_id=user.organization_id)[:20]
        ctx["my_achievements"] = Achievement.objects.filter(organization_id=user.organization_id)[:20]
        ctx["my_matches"] = list(access.matches(user)[:20])
        access.mark(user, [m.need for m in ctx["my_matches"]])
    return render(request, "techmarket/home.html", ctx)


# ---------------------------------------------------------------- needs


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    f = ListFilterForm(request.GET or None)
    qs = access.needs(request.user)
    if not access.is_staff(request.user):
        qs = qs.filter(Q(status=ListingStatus.PUBLISHED) | Q(organization_id=request.user.organization_id))
    if f.is_valid():
        d = f.cleaned_data
        if d["q"]:  # only the text the user may read is searched
            qs = qs.filter(access.details_q(request.user)).filter(
                Q(title__icontains=d["q"]) | Q(description__icontains=d["q"]))
        if d["chain"]:
            qs = qs.filter(industry_chain=d["chain"])
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
    page, querystring = _page(request, qs)
    access.mark(request.user, page.object_list)
    return render(request, "techmarket/need_list.html", {"form": f, "page": page, "querystring": querystring})


@login_required
def need_new(request: HttpRequest) -> HttpResponse:
    if not request.user.organization_id:
        return HttpResponseForbidden("只有企业账户可以发布技术需求。")
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.post_need(request.user, form.cleaned_data)
        except services.MarketInputError as exc:
            _error(request, form, exc)
        else:
            messages.success(request, "需求已提交，审核通过后公开；下面是为您匹配的科技成果。")
            return redirect("techmarket:need", pk=need.pk)
    return render(request, "techmarket/listing_form.html", {"form": form, "title": "发布技术需求"})


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    need = access.get(access.needs(user), pk)
    visible = access.need_details_visible(user, need)
    owner = access.is_owner(user, need)
    ctx = {"need": need, "visible": visible, "owner": owner, "staff": access.is_staff(user),
           "can_analyse": need.analysis_requested and (access.is_staff(user)
                                                       or (user.role == "expert" and not need.confidential))}
    if owner and need.confidential:
        ctx["shared_with"] = need.shared_with.order_by("name")
        ctx["agencies"] = Organization.objects.filter(kind="service_provider",
                                                      provider_type__in=access.BROKER_PROVIDER_TYPES).exclude(
            pk__in=need.shared_with.values("pk")).order_by("name")
    roles = ({"staff"} if ctx["staff"] else set()) | ({"party"} if owner else set())
    ctx["actions"] = workflow.available(workflow.LISTING, need.status, roles)
    if (owner or ctx["staff"]) and visible:  # the reasons are the need's own words
        f = MatchFilterForm(request.GET or None)
        filters = f.cleaned_data if f.is_valid() else {}
        s = matchers.for_need(need, chain=getattr(filters.get("chain"), "pk", None),
                              region=getattr(filters.get("region"), "pk", None), maturity=filters.get("maturity"))
        objs = Achievement.objects.in_bulk([h.id for h in s.achievements])
        orgs = Organization.objects.in_bulk([h.id for h in s.teams])
        from registry.models import Person

        people = Person.objects.select_related("organization").in_bulk([h.id for h in s.experts])
        started = set(need.matches.values_list("achievement_id", flat=True))
        ctx.update(filter_form=f, started=started,
                   suggestions=[(h, objs[h.id]) for h in s.achievements if h.id in objs],
                   teams=[(h, orgs[h.id]) for h in s.teams if h.id in orgs],
                   experts=[(h, people[h.id]) for h in s.experts if h.id in people])
    ctx["matches"] = access.matches(user).filter(need=need)
    return render(request, "techmarket/need_detail.html", ctx)


def _listing_action(request: HttpRequest, listing, url: str) -> HttpResponse:
    try:
        services.listing_transition(request.user, listing, request.POST.get("action", ""),
                                    request.POST.get("note", ""))
    except services.MarketInputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已更新状态。")
    return redirect(url, pk=listing.pk)


@login_required
@require_POST
def need_action(request: HttpRequest, pk: int) -> HttpResponse:
    need = access.get(access.needs(request.user), pk)
    action = request.POST.get("action", "")
    if action in ("request_analysis", "analysis", "share"):
        try:
            if action == "share":
                agency = access.get(Organization.objects.all(), request.POST.get("agency"))
                services.share_need(request.user, need, agency)
                messages.success(request, f"已邀请 {agency.name} 查看并代理该需求。")
            elif action == "request_analysis":
                services.request_analysis(request.user, need)
                messages.success(request, "已申请专家需求解析。")
            else:
                services.provide_analysis(request.user, need, request.POST.get("analysis", ""))
                messages.success(request, "需求解析已保存，匹配结果已按解析更新。")
        except services.MarketInputError as exc:
            messages.error(request, str(exc))
        return redirect("techmarket:need", pk=pk)
    return _listing_action(request, need, "techmarket:need")


# ---------------------------------------------------------------- achievements


@login_required
def achievement_list(request: HttpRequest) -> HttpResponse:
    f = ListFilterForm(request.GET or None)
    qs = access.achievements(request.user)
    if not access.is_staff(request.user):
        qs = qs.filter(Q(status=ListingStatus.PUBLISHED) | Q(organization_id=request.user.organization_id))
    if f.is_valid():
        d = f.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(title__icontains=d["q"]) | Q(abstract__icontains=d["q"]))
        if d["chain"]:
            qs = qs.filter(industry_chain=d["chain"])
    page, querystring = _page(request, qs)
    return render(request, "techmarket/achievement_list.html", {"form": f, "page": page, "querystring": querystring})


@login_required
def achievement_new(request: HttpRequest) -> HttpResponse:
    if not request.user.organization_id:
        return HttpResponseForbidden("只有高校院所、企业等单位账户可以发布科技成果。")
    form = AchievementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.post_achievement(request.user, form.cleaned_data)
        except services.MarketInputError as exc:
            _error(request, form, exc)
        else:
            messages.success(request, "成果已提交，审核通过后公开。")
            return redirect("techmarket:achievement", pk=item.pk)
    return render(request, "techmarket/listing_form.html", {"form": form, "title": "发布科技成果"})


@login_required
def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = access.get(access.achievements(user), pk)
    owner, staff = access.is_owner(user, item), access.is_staff(user)
    ctx = {"item": item, "owner": owner, "staff": staff,
           "actions": workflow.available(workflow.LISTING, item.status,
                                         ({"staff"} if staff else set()) | ({"party"} if owner else set()))}
    if owner or staff:
        hits = matchers.for_achievement(item)
        orgs = Organization.objects.select_related("industry_chain", "region").in_bulk([h.id for h in hits])
        ctx["enterprises"] = [(h, orgs[h.id]) for h in hits if h.id in orgs]
    ctx["matches"] = list(access.matches(user).filter(achievement=item))
    access.mark(user, [m.need for m in ctx["matches"]])
    if user.organization_id and not owner:
        ctx["my_needs"] = TechNeed.objects.filter(organization_id=user.organization_id).exclude(
            status__in=[ListingStatus.REJECTED, ListingStatus.CLOSED])
    return render(request, "techmarket/achievement_detail.html", ctx)


@login_required
@require_POST
def achievement_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _listing_action(request, access.get(access.achievements(request.user), pk), "techmarket:achievement")


# ---------------------------------------------------------------- matches


@login_required
@require_POST
def match_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        need = access.get(access.needs(user), request.POST.get("need"))
        item = access.get(access.achievements(user), request.POST.get("achievement"))
        event_id = request.POST.get("event")
        event = access.get(MarketEvent.objects.all(), event_id) if event_id else None
        broker = user.organization if access.can_broker(user) else None
        match = services.start_match(user, need, item, event=event, broker=broker)
    except (services.MarketInputError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, services.MarketInputError) else "请选择需求和成果。")
        return redirect(request.META.get("HTTP_REFERER") or "techmarket:home")
    messages.success(request, f"已发起对接（匹配度 {match.score:.0f}），双方已收到通知。")
    return redirect("techmarket:match", pk=match.pk)


@login_required
def match_list(request: HttpRequest) -> HttpResponse:
    qs = access.matches(request.user)
    status = request.GET.get("status", "")
    if status in Match.Status.values:
        qs = qs.filter(status=status)
    page, querystring = _page(request, qs)
    access.mark(request.user, [m.need for m in page.object_list])
    return render(request, "techmarket/match_list.html", {"page": page, "querystring": querystring,
                                                          "statuses": Match.Status.choices, "status": status})


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    match = access.get(access.matches(user), pk)
    form = ContactForm(request.POST or None, initial={"on": dt.date.today()})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "contact":
                if form.is_valid():
                    services.add_contact(user, match, **form.cleaned_data)
                    messages.success(request, "已记录。")
                    return redirect("techmarket:match", pk=pk)
            else:
                services.match_transition(user, match, action, request.POST.get("outcome", ""))
                messages.success(request, "对接状态已更新。")
                return redirect("techmarket:match", pk=pk)
        except services.MarketInputError as exc:
            _error(request, form if action == "contact" else None, exc)
    access.mark(user, [match.need])
    sides = access.match_sides(user, match)
    actions = [t for t in workflow.available(workflow.MATCH, match.status, access.match_roles(user, match))
               if not workflow.waiting(t, match.consents, sides)]
    sign = workflow.find(workflow.MATCH, "sign")
    confirmed = set(match.consents.get("sign", {})) if match.status == Match.Status.NEGOTIATING else set()
    ctx = {"match": match, "form": form, "actions": actions,
           "sign_confirmed": [label for side, label in (("need", "需求方"), ("achievement", "成果方"))
                              if side in confirmed and side in sign.consent],
           "contracts": access.contracts(user).filter(match=match), "staff": access.is_staff(user)}
    return render(request, "techmarket/match_detail.html", ctx)


# ---------------------------------------------------------------- events


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    events = MarketEvent.objects.annotate(n_reg=Count("registrations", distinct=True),
                                          n_att=Count("registrations", filter=Q(registrations__attended=True),
                                                      distinct=True),
                                          n_match=Count("matches", distinct=True))
    return render(request, "techmarket/event_list.html", {"events": events})


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get(MarketEvent.objects.all(), pk)
    user = request.user
    if request.method == "POST":
        try:
            if request.POST.get("action") == "register" and user.organization_id:
                services.register_for_event(user, event, user.organization)
                messages.success(request, "已报名。")
            elif request.POST.get("action") == "attended":
                reg = access.get(event.registrations.all(), request.POST.get("registration"))
                services.mark_attended(user, reg)
        except services.MarketInputError as exc:
            messages.error(request, str(exc))
        return redirect("techmarket:event", pk=pk)
    regs = event.registrations.select_related("organization")
    if not access.is_staff(user):
        regs = regs.filter(organization_id=user.organization_id)
    matches = list(access.matches(user).filter(event=event))
    access.mark(user, [m.need for m in matches])
    return render(request, "techmarket/event_detail.html", {
        "event": event, "registrations": regs, "staff": access.is_staff(user),
        "matches": matches, "n_matches": event.matches.count()})


# ---------------------------------------------------------------- contracts


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    page, querystring = _page(request, access.contracts(request.user))
    return render(request, "techmarket/contract_list.html", {"page": page, "querystring": querystring})


@login_required
def contract_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    match = None
    initial: dict = {"signed_on": dt.date.today()}
    if request.GET.get("match") or request.POST.get("match"):
        match = access.get(access.matches(user), request.GET.get("match") or request.POST.get("match"))
        buyer, seller = match.need.organization, match.achievement.organization
        initial.update(title=f"{match.achievement.title}技术合同", seller_name=seller.name, seller_uscc=seller.uscc,
                       seller_is_institution=seller.kind == "research_institution",
                       seller_local=seller.located_locally)
        access.mark(user, [match.need])
        if match.need.details_visible:
            initial.update(buyer_name=buyer.name, buyer_uscc=buyer.uscc)
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def party(prefix: str) -> dict:
            org = Organization.objects.filter(uscc=d[f"{prefix}_uscc"].strip().upper()).first()
            out = {"organization": org, "name": d[f"{prefix}_name"], "uscc": d[f"{prefix}_uscc"]}
            if prefix == "seller":
                out.update(is_institution=d["seller_is_institution"], located_locally=d["seller_local"])
            return out
        payments = [(d["paid_on"], d["paid_amount"])] if d["paid_on"] and d["paid_amount"] else []
        try:
            contract = services.submit_contract(user, d, party("buyer"), party("seller"), payments, match=match)
        except services.MarketInputError as exc:
            _error(request, form, exc)
        else:
            messages.success(request, "合同已提交登记。")
            return redirect("techmarket:contract", pk=contract.pk)
    return render(request, "techmarket/contract_form.html", {"form": form, "match": match})


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contract = access.get(access.contracts(user), pk)
    reg_form = RegisterForm(request.POST if request.POST.get("action") == "register" else None,
                            initial={"registered_on": dt.date.today()})
    pay_form = PaymentForm(request.POST if request.POST.get("action") == "pay" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "register" and reg_form.is_valid():
                d = reg_form.cleaned_data
                services.contract_transition(user, contract, "register", number=d["registration_number"],
                                             on=d["registered_on"], confirmed_amount=d["confirmed_amount"])
                messages.success(request, "合同已登记。")
                return redirect("techmarket:contract", pk=pk)
            if action == "pay" and pay_form.is_valid():
                services.add_payment(user, contract, pay_form.cleaned_data["paid_on"], pay_form.cleaned_data["amount"])
                messages.success(request, "已登记支付。")
                return redirect("techmarket:contract", pk=pk)
            if action in ("refuse", "correct", "appeal", "uphold"):
                services.contract_transition(user, contract, action, reason=request.POST.get("reason", ""))
                messages.success(request, "已更新登记状态。")
                return redirect("techmarket:contract", pk=pk)
        except services.MarketInputError as exc:
            _error(request, reg_form if action == "register" else pay_form if action == "pay" else None, exc)
    return render(request, "techmarket/contract_detail.html", {
        "contract": contract, "reg_form": reg_form, "pay_form": pay_form, "staff": access.is_staff(user),
        "parties": contract.parties.all(), "payments": contract.payments.all()})


# ---------------------------------------------------------------- reports


@login_required
def report(request: HttpRequest) -> HttpResponse:
    if not access.is_staff(request.user):
        return HttpResponseForbidden("只有工作人员可以查看高新技术市场统计。")
    data = reports.build(request.user)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(reports.to_excel(data),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="techmarket-report.xlsx"'
        return response
    return render(request, "techmarket/report.html", {"data": data, "chart": reports.chart_data(data)})


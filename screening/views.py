"""Pages: staff screening and what-if runs, the entity's "我能享受的政策", notices, the public calculator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.ratelimits import limit_anonymous
from policy.services import PolicyInputError
from screening import calculator, services
from screening.forms import ScreeningForm, WhatIfForm
from screening.models import ScreeningRun


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not services.can_screen(request.user):
        return HttpResponseForbidden("只有市科技局、区市和财政部门工作人员可以使用政策筛查与测算。")
    return None


def _get_run(request: HttpRequest, pk: int) -> ScreeningRun:
    return get_object_or_404(services.visible_runs(request.user), pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_entity_account:
        return redirect("screening:mine")
    if denied := _staff_only(request):
        return denied
    form = ScreeningForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ids = (services.resolve_organizations(d["organizations"] or "")
                   if d["scope"] == ScreeningRun.Scope.LIST else [])
            run = services.start_run(request.user, year=d["year"], scope=d["scope"], region=d["region"],
                                     industry_chain=d["industry_chain"], organization_ids=ids)
        except services.ScreeningInputError as exc:
            field = "organizations" if exc.field == "organization_ids" else exc.field
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            messages.success(request, f"已发起 {run.year} 年度政策筛查（{run.total} 家主体）。")
            return redirect("screening:run", pk=run.pk)
    runs = services.visible_runs(request.user)[:30]
    return render(request, "screening/index.html", {"form": form, "runs": runs})


@login_required
def whatif(request: HttpRequest) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    form = WhatIfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = request.user
        scope = ScreeningRun.Scope.ALL if (user.is_bureau or user.role == "finance") else ScreeningRun.Scope.REGION
        try:
            run = services.start_run(user, kind=ScreeningRun.Kind.WHATIF, year=d["year"], scope=scope,
                                     region=user.region if scope == ScreeningRun.Scope.REGION else None,
                                     overrides={d["parameter"]: d["engine_value"]})
        except services.ScreeningInputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"已发起政策测算（{run.total} 家主体）。")
            return redirect("screening:run", pk=run.pk)
    return render(request, "screening/whatif.html", {"form": form, "parameters": form.parameters,
                                                     "groups": form.groups})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    run = _get_run(request, pk)
    # describe_overrides reads every tunable parameter (the engine's reference version each time): only where some
    ctx: dict[str, Any] = {"run": run, "changes": services.describe_overrides(run.overrides) if run.overrides else []}
    if run.status == ScreeningRun.Status.DONE:
        if run.kind == ScreeningRun.Kind.WHATIF:
            cmp = services.whatif_comparison(run)
            ctx["cmp"] = cmp
            ctx["chart"] = {
                "provisions": [c["title"] for c in cmp.by_provision],
                "prov_base": [float(c["base_amount"]) for c in cmp.by_provision],
                "prov_changed": [float(c["changed_amount"]) for c in cmp.by_provision],
                "prov_base_n": [c["base_n"] for c in cmp.by_provision],
                "prov_changed_n": [c["changed_n"] for c in cmp.by_provision],
                "regions": [c["region"] for c in cmp.by_region],
                "reg_base": [float(c["base_amount"]) for c in cmp.by_region],
                "reg_changed": [float(c["changed_amount"]) for c in cmp.by_region],
                "reg_base_n": [c["base_n"] for c in cmp.by_region],
                "reg_changed_n": [c["changed_n"] for c in cmp.by_region],
            }
        else:
            t = services.totals(run)
            ctx["totals"] = t
            ctx["entities"] = services.entities_to_notify(
                run, entities=t.entities, after=_int_param(request, "after"), before=_int_param(request, "before"),
                number=_int_param(request, "page") or 1)
            ctx["notified"] = run.notice_set.count()
            ctx["can_redeem"] = request.user.is_bureau  # 免申即享兑现 is the bureau's (funding.services)
            ctx["chart"] = {
                "regions": [r["region"] for r in t.by_region],
                "entitlement": [float(r["entitlement"]) for r in t.by_region],
                "ceiling": [float(r["ceiling"]) for r in t.by_region],
            }
    return render(request, "screening/run.html", ctx)


def _int_param(request: HttpRequest, name: str) -> int | None:
    """A whole-number query parameter (a page number, an organisation id), None when absent or not a number."""
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    run = _get_run(request, pk)
    try:
        services.cancel_run(request.user, run)
        messages.success(request, "已请求取消，任务将在当前批次结束后停止。")
    except services.ScreeningInputError as exc:
        messages.error(request, str(exc))
    return redirect("screening:run", pk=pk)


@login_required
@require_POST
def run_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    run = _get_run(request, pk)
    try:
        services.rerun(request.user, run)
        messages.success(request, "已重新排队运行，原结果将被替换（不会重复）。")
    except services.ScreeningInputError as exc:
        messages.error(request, str(exc))
    return redirect("screening:run", pk=pk)


@login_required
@require_POST
def run_notify(request: HttpRequest, pk: int) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    run = _get_run(request, pk)
    ids = None if request.POST.get("all") else [int(i) for i in request.POST.getlist("organization") if i.isdigit()]
    if ids is None and not request.POST.get("confirmed"):  # sending to everyone is asked twice
        totals = services.totals(run)
        return render(request, "screening/notify_confirm.html", {
            "run": run, "count": totals.entities, "already": run.notice_set.count()})
    if ids == []:
        messages.error(request, "请勾选要通知的主体，或选择“向全部发送”。")
        return redirect("screening:run", pk=pk)
    try:
        n = services.send_notices(request.user, run, ids)
        messages.success(request, f"已向 {n} 家主体发送站内通知。" if n else "所列主体均已通知过，本次未重复发送。")
    except services.ScreeningInputError as exc:
        messages.error(request, str(exc))
    return redirect("screening:run", pk=pk)


@login_required
@require_POST
def run_proactive(request: HttpRequest, pk: int) -> HttpResponse:
    """免申即享兑现 from the run's own page: the fixed (应享) results of the ticked organisations, or of all, become
    claims awaiting each organisation's confirmation (funding's one door, funding.money)."""
    from funding.money import FundingError, create_proactive_claims

    if denied := _staff_only(request):
        return denied
    run = _get_run(request, pk)
    result_ids = None
    if not request.POST.get("all"):
        orgs = [int(i) for i in request.POST.getlist("organization") if i.isdigit()]
        if not orgs:
            messages.error(request, "请勾选要兑现的主体，或选择“为全部应享主体生成”。")
            return redirect("screening:run", pk=pk)
        result_ids = list(run.results.filter(organization_id__in=orgs).values_list("pk", flat=True))
    try:
        created, skipped = create_proactive_claims(request.user, run.pk, result_ids)
        messages.success(request, f"已生成免申即享兑现事项 {created} 项（已有申报而跳过 {skipped} 项），"
                                  "并已通知相关单位确认收款账号。")
    except FundingError as exc:
        messages.error(request, str(exc))
    return redirect("screening:run", pk=pk)


def _exportable_run(request: HttpRequest, pk: int) -> ScreeningRun | HttpResponse:
    """The run to export (staff, a finished screening run), or the answer that refuses it."""
    if denied := _staff_only(request):
        return denied
    run = _get_run(request, pk)
    if run.kind != ScreeningRun.Kind.SCREENING or run.status != ScreeningRun.Status.DONE:
        messages.error(request, "只能导出已完成的政策筛查结果。")
        return redirect("screening:run", pk=pk)
    return run


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = _exportable_run(request, pk)
    if isinstance(run, HttpResponse):
        return run
    resp = HttpResponse(
        services.export_excel(run),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="screening-{run.pk}-{run.year}.xlsx"'
    return resp


@login_required
def run_export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's details as CSV, streamed as it is read: every row of any size of run (Excel stops at 1,048,576)."""
    run = _exportable_run(request, pk)
    if isinstance(run, HttpResponse):
        return run
    resp = StreamingHttpResponse(services.export_csv(run), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="screening-{run.pk}-{run.year}.csv"'
    return resp


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    org = services.entity_organization(request.user)
    if org is None:
        if services.can_screen(request.user):
            return redirect("screening:index")
        raise Http404("本账户未关联主体。")
    default = services.latest_fact_year(org)
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        year = default
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        year = default
    year_note = "" if request.GET.get("year") else (
        f"默认显示本单位有登记数据的最近年度：{default}年及上一年度。" if default != this_year
        else f"显示本年度（{default}年）及上一年度。")
    try:
        years = services.entitlements(org, [year, year - 1])
        engine_error = ""
    except Exception as exc:  # one bad fact of this entity must not make its own page a 500 (issue 12)
        years, engine_error = [], f"本单位登记的数据有误，暂时无法计算：{exc}。请核对年度数据后再试，或联系主管部门。"
    # The unread count comes from the context processor (screening.context_processors.notices): counted once.
    return render(request, "screening/mine.html", {"org": org, "years": years, "year": year, "year_note": year_note,
                                                   "engine_error": engine_error})


@login_required
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open what a notice is about, marking it read."""
    org = services.entity_organization(request.user)
    if org is None:
        raise Http404("本账户未关联主体。")
    try:
        notice = services.mark_read(org, pk)
    except services.Notice.DoesNotExist:
        raise Http404("没有这条通知。") from None
    return redirect(notice.link or reverse("screening:notices"))


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    org = services.entity_organization(request.user)
    if org is None:
        raise Http404("本账户未关联主体。")
    if request.method == "POST" and request.POST.get("all"):
        n = services.mark_all_read(org)
        messages.success(request, f"已将 {n} 条通知标为已读。" if n else "没有未读通知。")
        return redirect("screening:notices")
    if request.method == "POST":
        try:
            services.mark_read(org, int(request.POST.get("notice", "0")))
        except (ValueError, services.Notice.DoesNotExist):
            raise Http404("没有这条通知。") from None
        return redirect("screening:notices")
    page = Paginator(services.notices_for(org), 20).get_page(request.GET.get("page"))
    return render(request, "screening/notices.html", {"org": org, "page": page})


@limit_anonymous
def calculator_page(request: HttpRequest) -> HttpResponse:
    """Public (no login): a short form of facts → the engine → the same result view as an entity's page."""
    form = calculator.CalculatorForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = calculator.evaluate(form.cleaned_data)
        except PolicyInputError as exc:
            form.add_error(None, str(exc))
    if result is not None:
        applies = [r for r in result.results if r.status == "applies"]
        ctx_year = {"year": form.cleaned_data["year"], "applies": applies,
                    "near": [r for r in result.results if r.status == "near"],
                    "entitlement": sum((Decimal(r.amount or 0) for r in applies if not r.is_ceiling), Decimal(0)),
                    "ceiling": sum((Decimal(r.amount or 0) for r in applies if r.is_ceiling), Decimal(0))}
    else:
        ctx_year = None
    return render(request, "screening/calculator.html", {"form": form, "y": ctx_year,
                                                         "offered": calculator.offered_provisions(),
                                                         "fieldsets": calculator.FIELDSETS})

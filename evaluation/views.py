"""Pages of 政策成效评估: start an evaluation, follow it, read it (charts), export it (PDF, Excel)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from evaluation import reports, services
from evaluation.forms import EvaluationForm
from evaluation.models import EvaluationRun

DENIED = "只有市科技局、财政部门工作人员和第三方评估机构可以查看政策成效评估。"


def _get_run(request: HttpRequest, pk: int) -> EvaluationRun:
    return get_object_or_404(services.visible_runs(request.user), pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not services.can_read(request.user):
        return HttpResponseForbidden(DENIED)
    may_start = services.can_start(request.user)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST":
        if not may_start:
            return HttpResponseForbidden("只有市科技局工作人员和第三方评估机构可以发起政策成效评估。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                run = services.start_run(request.user, d["provision_id"], d["outcome"], d["year_from"], d["year_to"])
            except services.EvaluationInputError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, "已发起政策成效评估，计算完成后本页显示结果。")
                return redirect("evaluation:run", pk=run.pk)
    runs = services.visible_runs(request.user)[:50]
    return render(request, "evaluation/index.html", {"form": form, "runs": runs, "may_start": may_start})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    r = run.result or {}
    charts = {
        "paths": r.get("paths"), "event": ((r.get("did") or {}).get("details") or {}).get("event_study") or [],
        "rd": r.get("rd_chart"), "outcome": r.get("outcome"),
        "ce": [x for x in (r.get("cost_effectiveness") or {}).get("rows", [])],
    }
    return render(request, "evaluation/run.html", {
        "run": run, "r": r, "charts": charts, "findings": reports.findings(r) if r else [],
        "title": reports.title(run) if r else run.provision_id, "may_share": request.user.is_bureau,
        "rel_labels": reports.REL_LABELS, "refresh": run.status in (EvaluationRun.Status.QUEUED,
                                                                    EvaluationRun.Status.RUNNING),
    })


@login_required
@require_POST
def run_share(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    try:
        services.share(request.user, run, request.POST.get("shared") == "1")
    except services.EvaluationInputError as exc:
        return HttpResponseForbidden(str(exc))
    messages.success(request, "已向第三方评估机构开放。" if run.shared_with_evaluators else "已收回第三方评估机构的查看权限。")
    return redirect("evaluation:run", pk=run.pk)


def _done(request: HttpRequest, pk: int) -> EvaluationRun | HttpResponse:
    run = _get_run(request, pk)
    if run.status != EvaluationRun.Status.DONE:
        messages.error(request, "评估尚未完成，完成后才能导出。")
        return redirect("evaluation:run", pk=run.pk)
    return run


@login_required
def run_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    run = _done(request, pk)
    if isinstance(run, HttpResponse):
        return run
    response = HttpResponse(reports.report_pdf(run), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{run.pk}.pdf"'
    return response


@login_required
def run_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    run = _done(request, pk)
    if isinstance(run, HttpResponse):
        return run
    response = HttpResponse(reports.report_xlsx(run),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{run.pk}.xlsx"'
    return response

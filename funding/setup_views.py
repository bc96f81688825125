"""Pages of the year's set-up (bureau), budget confirmation (finance) and bulk work on claims (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from funding import access, services, setup
from funding.models import BudgetLine, FundingSource, Programme, ProgrammeKind
from funding.services import FundingError


def _bureau(request: HttpRequest) -> None:
    if not access.is_bureau(request.user):
        raise Http404("仅限市科技局账户。")


@login_required
def year_setup(request: HttpRequest) -> HttpResponse:
    """设立专项: kind, workflow by name, 公示 days, budget lines; an error keeps every typed value."""
    _bureau(request)
    data = request.POST if request.method == "POST" else {
        "year": timezone.localdate().year, "kind": "entitlement", "workflow": "standard", "publicity_days": 5}
    error = None
    if request.method == "POST":
        try:
            programme = setup.create_from_form(request.user, request.POST)
            messages.success(request, f"已设立 {programme}（{programme.get_kind_display()}），请财政部门确认预算科目。")
            return redirect("funding:year_setup")
        except FundingError as exc:
            error = exc
    this_year = timezone.localdate().year
    programmes = [(p, setup.workflow_name(p), setup.steps_text(p.workflow.get("steps") or []))
                  for p in Programme.objects.filter(year__gte=this_year - 1).prefetch_related("budget_lines")]
    return render(request, "funding/setup_year.html", {
        "data": data, "error": error, "kinds": ProgrammeKind.choices, "sources": FundingSource.choices,
        "workflows": [(k, label, setup.steps_text(steps)) for k, (label, steps) in setup.WORKFLOWS.items()],
        "rows": [{"i": i, "name": data.get(f"line_name_{i}", ""), "source": data.get(f"line_source_{i}", "city"),
                  "amount": data.get(f"line_amount_{i}", "")} for i in range(setup.LINE_ROWS)], "programmes": programmes, "last_year": this_year - 1,
    }, status=400 if error else 200)


@login_required
def year_copy(request: HttpRequest) -> HttpResponse:
    """以上一年度为基础开设本年度: last year's programmes and lines, amounts editable before saving."""
    _bureau(request)
    last = timezone.localdate().year - 1
    try:
        from_year = int(request.GET.get("from") or request.POST.get("from_year") or last)
    except ValueError:
        from_year = last
    if not 2000 <= from_year <= 2099:
        from_year = last
    plan = setup.copy_plan(from_year)
    error = None
    if request.method == "POST":
        try:
            made = setup.copy_year(request.user, from_year, request.POST)
            messages.success(request, f"已开设 {from_year + 1} 年度专项 {len(made)} 个："
                                      + "、".join(p.name for p in made) + "。预算科目待财政部门确认。")
            return redirect("funding:year_setup")
        except FundingError as exc:
            error = exc
    for row in plan:
        for line in row["lines"]:
            line.typed = request.POST.get(f"amount_{line.pk}", line.amount) if request.method == "POST" \
                else line.amount
        if row["voucher"] is not None:
            starts, expires = setup.default_voucher_dates(row["voucher"])
            row["starts"] = request.POST.get(f"starts_{row['voucher'].pk}", starts.isoformat())
            row["expires"] = request.POST.get(f"expires_{row['voucher'].pk}", expires.isoformat())
    return render(request, "funding/setup_copy.html", {
        "plan": plan, "from_year": from_year, "to_year": from_year + 1, "error": error,
    }, status=400 if error else 200)


@login_required
def budget_confirm(request: HttpRequest) -> HttpResponse:
    """Finance: every budget line awaiting its confirmation, one button each."""
    if not access.is_finance(request.user):
        raise Http404("仅限财政部门账户。")
    if request.method == "POST":
        line_id = request.POST.get("line", "")
        line = get_object_or_404(BudgetLine, pk=int(line_id) if line_id.isascii() and line_id.isdigit() else 0)
        try:
            services.confirm_budget_line(request.user, line)
            messages.success(request, f"已确认：{line}，预算 {services.money(line.amount)} 元。")
        except FundingError as exc:
            messages.error(request, str(exc))
        return redirect("funding:budget_confirm")
    return render(request, "funding/setup_confirm.html", {
        "lines": setup.lines_to_confirm(), "finance": request.user.role == "finance"})


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """批量通过 / 批量退回 from the work queue, 批量拨付 from the payments page: a result per item."""
    if not access.is_staff_role(request.user):
        raise Http404("仅限政府部门账户。")
    action = request.POST.get("action", "")
    try:
        results = setup.bulk(request.user, request.POST.getlist("ids"), action, request.POST.get("reason", ""))
    except FundingError as exc:
        messages.error(request, str(exc))
        return redirect(request.POST.get("back") if request.POST.get("back", "").startswith("/funding/")
                        else "funding:queue")
    ok = [r for r in results if r.ok]
    return render(request, "funding/setup_bulk.html", {
        "results": results, "ok": len(ok), "failed": len(results) - len(ok),
        "action_label": setup.BULK_ACTIONS[action],
    })

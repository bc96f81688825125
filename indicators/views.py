"""Pages of indicator monitoring: dashboard, one indicator, observation entry and correction, import, reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from core.imports import compact
from indicators import reports, services
from indicators.catalogue import plan_table
from indicators.counts import Computer
from indicators.progress import STATUS_COLORS, STATUS_LABELS
from indicators.services import IndicatorInputError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not access.is_staff_reader(request.user):
        return HttpResponseForbidden("指标监测仅向市科技局、区市和财政部门工作人员开放。")
    return None


def _can_enter(user: Any) -> bool:
    return user.is_bureau


def default_year() -> int:
    """The latest year with entered statistics (never the current year, whose statistics are not out yet)."""
    return services.latest_data_year()


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or default_year())
    except ValueError:
        year = default_year()
    return min(max(year, 2018), dt.date.today().year)


def _year_note(request: HttpRequest, year: int) -> str:
    if request.GET.get("year"):
        return ""
    return f"默认显示有统计数据的最近年度：{year}年（{dt.date.today().year}年的统计数据尚未发布）。可在“监测年度”中选择其他年度。"


def status_chart(rows: list[dict]) -> list[dict]:
    """The pie's slices, each status in its own colour (green only for 已达成 and 正常推进)."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["progress"].status] = counts.get(r["progress"].status, 0) + 1
    return [{"name": STATUS_LABELS[k], "value": n, "itemStyle": {"color": STATUS_COLORS[k]}} for k, n in counts.items()]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    year = _year(request)
    computer = Computer()
    rows = services.dashboard(year, computer)
    groups: dict[str, list] = {}
    for r in rows:
        groups.setdefault(r["category"], []).append(r)
    counts = services.status_counts(rows)
    table = plan_table()
    chart_rows = [r for r in rows if r["indicator"].category == table and r["progress"].share_of_way is not None]
    chart = {
        "names": [r["indicator"].name for r in chart_rows],
        "shares": [round(min(max(r["progress"].share_of_way, 0.0), 1.5) * 100, 1) for r in chart_rows],
        "status": status_chart(rows),
    }
    return render(request, "indicators/dashboard.html", {
        "year": year, "years": list(range(2018, dt.date.today().year + 1)), "groups": groups, "counts": counts,
        "year_note": _year_note(request, year), "counted_note": services.counted_note(computer),
        "chart": chart, "total": len(rows), "can_enter": _can_enter(request.user),
    })


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    try:
        ind = services.get_indicator(code)
    except IndicatorInputError:
        raise Http404("没有这个指标。") from None
    computer = Computer()
    points = services.series(ind, computer=computer)
    year = _year(request)
    prog = services.progress(ind, {y: p for y, p in points.items() if y <= year})
    upto = [y for y in points if y <= year]
    latest_year = max(upto) if upto else None
    start, end = services.plan_years(ind)
    years = sorted(set(range(start, end + 1)) | set(points))
    path = dict(prog.path)
    chart = {"years": [str(y) for y in years],
             "values": [points[y].value if y in points else None for y in years],
             "path": [path.get(y) for y in years], "target_year": str(ind.target_year),
             "target": float(ind.target_value) if ind.target_kind == "level" else prog.target_value,
             "unit": ind.unit, "name": ind.name}
    return render(request, "indicators/detail.html", {
        "ind": ind, "points": points, "progress": prog, "year": year, "chart": chart, "start": start, "end": end,
        "districts": services.district_table(ind, latest_year, computer) if latest_year else [],
        "latest_year": latest_year, "history": services.history(ind), "computed_label": services.computed_label(ind),
        "regions": services.region_choices(ind), "can_enter": _can_enter(request.user),
        "status_labels": STATUS_LABELS, "counted_note": services.counted_note(computer),
    })


@login_required
@require_POST
def observe(request: HttpRequest, code: str) -> HttpResponse:
    """Record a first value, or (with a reason) a correction; the form keeps what was typed on error."""
    if not _can_enter(request.user):
        return HttpResponseForbidden("只有市科技局工作人员可以录入或更正指标观测值。")
    p = request.POST
    kwargs = {"year": p.get("year"), "value": p.get("value"), "source": p.get("source", ""),
              "region": p.get("region", ""), "note": p.get("note", ""), "user": request.user}
    try:
        if p.get("mode") == "correct":
            obs = services.correct_observation(code, reason=p.get("reason", ""), base_version=p.get("base_version"),
                                               **kwargs)
            messages.success(request, f"已更正：{obs.year}年 {obs.value}（第{obs.version}版），原值保留在更正记录中。")
        else:
            obs = services.record_observation(code, **kwargs)
            messages.success(request, f"已录入：{obs.year}年 {obs.value}。")
    except IndicatorInputError as e:
        try:
            ind = services.get_indicator(code)
        except IndicatorInputError:
            raise Http404("没有这个指标。") from None
        return render(request, "indicators/observe_error.html", {"ind": ind, "error": e, "form": p}, status=400)
    return redirect("indicators:detail", code=code)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    result = None
    if request.method == "POST":
        if not _can_enter(request.user):
            return HttpResponseForbidden("只有市科技局工作人员可以导入指标观测值。")
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 Excel 文件（.xlsx）。")
        else:
            result = compact(reports.import_workbook(upload.read(), request.user), request.user)
            if result.ok:
                messages.success(request, f"导入完成：新录入 {result.recorded} 条，更正 {result.corrected} 条。")
                return redirect("indicators:dashboard")
    return render(request, "indicators/import.html", {"result": result, "can_enter": _can_enter(request.user)})


@login_required
def template(request: HttpRequest) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    resp = HttpResponse(reports.template_workbook(), content_type=XLSX)
    resp["Content-Disposition"] = 'attachment; filename="indicator-observations-template.xlsx"'
    return resp


@login_required
def report(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if denied := _staff_only(request):
        return denied
    if fmt == "pdf":
        resp = HttpResponse(reports.report_pdf(year), content_type="application/pdf")
    else:
        resp = HttpResponse(reports.report_xlsx(year), content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="indicator-report-{year}.{fmt}"'
    return resp

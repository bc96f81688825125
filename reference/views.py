"""Staff pages of the reference tables the rules read: list by month, add/correct a month, Excel import."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from policy.jurisdiction import ReferenceTable
from reference import access, excel, services
from reference.forms import ImportForm, ValueForm, parse_month
from reference.models import MonthlyValue
from reference.store import month_words


def _table(request: HttpRequest, code: str, write: bool = False) -> ReferenceTable:
    if not (access.can_write if write else access.can_read)(request.user):
        raise PermissionDenied("参考数据由市科技局录入。")
    t = services.table(code)
    if t is None:
        raise Http404("没有这个参考数据表。")
    return t


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not access.can_read(request.user):
        raise PermissionDenied("参考数据仅供政府工作人员查看。")
    return render(request, "reference/index.html", {"tables": [services.filled(t) for t in services.tables()]})


@login_required
def table(request: HttpRequest, code: str) -> HttpResponse:
    t = _table(request, code)
    f = services.filled(t)
    rows = {r.month: r for r in MonthlyValue.objects.filter(table=t.code).select_related("entered_by")}
    months = sorted(set(rows) | set(f.missing), reverse=True)
    listing = [{"month": m, "words": month_words(m), "row": rows.get(m)} for m in months]
    return render(request, "reference/table.html", {
        "table": t, "filled": f, "listing": listing, "form": ValueForm(initial={"source": t.source}),
        "import_form": ImportForm(), "can_write": access.can_write(request.user)})


@login_required
def edit(request: HttpRequest, code: str, month: str) -> HttpResponse:
    t = _table(request, code, write=True)
    when = parse_month(month) if month != "new" else None
    if month != "new" and when is None:
        raise Http404("月份格式应为 2025-06。")
    row = MonthlyValue.objects.filter(table=t.code, month=when).first() if when else None
    if request.method == "POST":
        form = ValueForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            services.save_value(t, d["month"], d["value"], d["source"], request.user)
            messages.success(request, f"已保存 {month_words(d['month'])} {t.name} {d['value']:f}%，"
                                      "相关政策兑现将按新数据自动计算。")
            return redirect("reference:table", code=t.code)
        status = 400
    else:
        form = ValueForm(initial={"month": f"{when:%Y-%m}" if when else "",
                                  "value": row.value if row else None, "source": row.source if row else t.source})
        status = 200
    return render(request, "reference/edit.html", {"table": t, "form": form, "row": row, "when": when}, status=status)


@login_required
def import_file(request: HttpRequest, code: str) -> HttpResponse:
    t = _table(request, code, write=True)
    if request.method != "POST":
        return redirect("reference:table", code=t.code)
    form = ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        with transaction.atomic():
            saved, errors = excel.import_values(t, form.cleaned_data["file"], request.user)
        if not errors:
            messages.success(request, f"已导入 {saved} 个月的 {t.name}，相关政策兑现将按新数据自动计算。")
            return redirect("reference:table", code=t.code)
    else:
        errors = [e for es in form.errors.values() for e in es]
    return render(request, "reference/import_errors.html", {"table": t, "errors": errors}, status=400)


@login_required
def template(request: HttpRequest, code: str) -> HttpResponse:
    t = _table(request, code)
    response = HttpResponse(excel.template(t), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f"attachment; filename=reference-{t.code}-{dt.date.today():%Y%m%d}.xlsx"
    return response


def table_url(code: str) -> str:
    return reverse("reference:table", args=[code])

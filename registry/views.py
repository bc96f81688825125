"""Registry pages: directory, profile, edits, Excel import and export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import access
from core.imports import compact
from registry import excel
from registry.forms import AnnualFactsForm, DirectoryForm, ImportForm, OrganizationForm
from registry.models import AnnualFacts, IndustryChain, Organization, Person
from registry.services import (
    DirectoryFilter,
    apply_changes,
    can_edit,
    get_visible_organization,
    search_organizations,
    tier_path,
    visible_organizations,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _require_government(request: HttpRequest) -> None:
    if not request.user.is_government:
        raise Http404("页面不存在。")


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    if request.user.is_entity_account:
        if request.user.organization_id:
            return redirect("registry:organization_detail", pk=request.user.organization_id)
        raise Http404("该账户未关联主体。")
    _require_government(request)
    form = DirectoryForm(request.GET or None)
    qs = search_organizations(visible_organizations(request.user), DirectoryFilter.from_params(request.GET))
    if request.GET.get("export") == "xlsx":
        return _xlsx(excel.export_organizations(qs), "kechuang-directory.xlsx")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "registry/directory.html", {
        "form": form, "page": page, "querystring": params.urlencode(),
    })


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_organization(request.user, pk)
    facts = list(org.annual_facts.select_related("entered_by").order_by("year"))
    chart = {
        "years": [f.year for f in facts],
        "sales": [float(f.sales_revenue or 0) / 1e4 for f in facts],
        "rd": [float(f.rd_expense or 0) / 1e4 for f in facts],
    }
    return render(request, "registry/organization_detail.html", {
        "org": org,
        "facts": facts,
        "chart_json": json.dumps(chart),
        "qualifications": org.qualifications.order_by("kind", "valid_from"),
        "recognitions": org.recognitions.select_related("platform").order_by("-occurred_on")[:100],
        "pools": org.pool_entries.order_by("entered_on"),
        "tiers": tier_path(org) if org.kind == "enterprise" else [],
        "memberships": org.memberships.select_related("organization") if org.kind == "platform" else [],
        "platform_roles": org.platform_roles.select_related("platform")[:50],
        "changes": org.changes.select_related("actor")[:100],
        "editable": can_edit(request.user, org),
    })


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_organization(request.user, pk)
    if not can_edit(request.user, org):
        raise PermissionDenied("您无权修改该主体。")
    entity = request.user.is_entity_account
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=org.pk), entity_account=entity)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if not form.fields[name].disabled}
        try:
            rows = apply_changes(request.user, Organization.objects.get(pk=org.pk), changed, "page")
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, f"已保存，共 {len(rows)} 项变更已记录。" if rows else "没有变更。")
            return redirect("registry:organization_detail", pk=org.pk)
    return render(request, "registry/organization_edit.html", {"org": org, "form": form})


@login_required
def facts_edit(request: HttpRequest, pk: int, year: int | None = None) -> HttpResponse:
    org = get_visible_organization(request.user, pk)
    if not can_edit(request.user, org):
        raise PermissionDenied("您无权修改该主体。")
    instance = AnnualFacts.objects.filter(organization=org, year=year).first() if year else None
    if year and instance is None:
        raise Http404("没有该年度的数据。")
    staff = not request.user.is_entity_account
    form = AnnualFactsForm(request.POST or None, instance=instance, organization=org, staff=staff)
    if request.method == "POST" and form.is_valid():
        target = AnnualFacts.objects.get(pk=instance.pk) if instance else AnnualFacts(organization=org, year=form.cleaned_data["year"])
        changed = {n: form.cleaned_data[n] for n in AnnualFacts.FIGURE_FIELDS if instance is None or n in form.changed_data}
        changed["source"] = form.cleaned_data["source"] if staff else AnnualFacts.Source.SELF
        try:
            apply_changes(request.user, target, changed, "page", created=instance is None)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, f"{target.year} 年度数据已保存，变更已记录。")
            return redirect("registry:organization_detail", pk=org.pk)
    return render(request, "registry/facts_edit.html", {"org": org, "form": form, "year": year})


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_bureau and request.user.role != "district":
        raise Http404("页面不存在。")
    if request.GET.get("template"):
        return _xlsx(excel.template_workbook(), "kechuang-import-template.xlsx")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = compact(excel.import_workbook(form.cleaned_data["file"].read(), request.user), request.user)
        if result.ok:
            messages.success(
                request,
                f"导入成功：新建主体 {result.organizations_created} 个，更新 {result.organizations_updated} 个；"
                f"新建年度数据 {result.facts_created} 行，更新 {result.facts_updated} 行。",
            )
        else:
            messages.error(request, f"文件中有 {result.errors_total} 处错误，未导入任何数据。请修改后重新上传。")
    return render(request, "registry/import.html", {"form": form, "result": result})


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Talents and experts (科技人才 / 科技专家库), searchable by name, field and chain."""
    _require_government(request)
    qs = access.people(request.user).order_by("id")
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(field__contains=q)
    if request.GET.get("kind") in Person.Kind.values:
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("chain"):
        qs = qs.filter(industry_chain__code=request.GET["chain"])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "registry/people.html", {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")), "querystring": params.urlencode(),
        "kinds": Person.Kind.choices, "chains": IndustryChain.objects.all(),
    })

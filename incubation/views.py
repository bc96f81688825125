"""Incubation pages: carrier list, carrier page (roster, graduates, growth, chart, rewards, evaluations), roster
edits, Excel import, competitions. Views parse, call ``services`` and answer; access rules are in ``access``."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incubation import access, excel, rules, services
from incubation.forms import EntryForm, EvaluationForm, ExitForm, ImportForm, IncorporateForm, StayAddForm, StayEditForm
from incubation.models import CHAIN_ORDER, Competition, RosterChange, Stage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filed(request: HttpRequest, change: RosterChange) -> None:
    messages.info(request, f"已提交名册变更申请：{change.incubatee.name}，{change.why}。处理前不计入名册。")


def _errors_to_form(form, exc: ValidationError) -> None:
    for name, msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_entity_account:
        carrier = access.visible_carriers(request.user).first()
        if carrier is None:
            raise Http404("本账户的单位不是孵化载体。")
        return redirect("incubation:carrier", pk=carrier.pk)
    qs = access.visible_carriers(request.user)
    if not request.user.is_government:
        raise Http404("页面不存在。")
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    order = {s: i for i, s in enumerate(CHAIN_ORDER)}
    rows = sorted(services.carriers_list(qs), key=lambda r: (order[r["carrier"].stage], r["carrier"].organization.name))
    return render(request, "incubation/index.html", {"rows": rows, "stages": Stage.choices, "stage": stage,
                                                     "awaiting": access.decidable_changes(request.user).count()})


@login_required
def carrier(request: HttpRequest, pk: int) -> HttpResponse:
    c = access.get_carrier(request.user, pk)
    ctx = {"awaiting": access.decidable_changes(request.user).count(),
           "requested": c.changes.filter(status=RosterChange.Status.PENDING).count(),
"c": c, "o": services.carrier_overview(c), "can_keep": access.can_keep_roster(request.user, c),
           "can_evaluate": access.can_evaluate(request.user), "interpretations": rules.INTERPRETATIONS,
           "a16": rules.A16, "add_form": StayAddForm(), "exit_form": ExitForm(), "incorporate_form": IncorporateForm(),
           "evaluation_form": EvaluationForm()}
    ctx["series_json"] = json.dumps(ctx["o"]["series"], ensure_ascii=False)
    return render(request, "incubation/carrier.html", ctx)


@login_required
def stay_add(request: HttpRequest, pk: int) -> HttpResponse:
    c = access.get_carrier(request.user, pk)
    if not access.can_keep_roster(request.user, c):
        raise Http404("您无权修改该载体的在孵名册。")
    form = StayAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            incubatee = services.incubatee_for(d["uscc"], d["team_name"], d["team_leader"])
            stay = services.request_stay(request.user, c, incubatee, d["entered_on"], moved_in=d["moved_in"],
                                         space=d["space"], space_m2=d["space_m2"], services=d["services"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if isinstance(stay, RosterChange):
                _filed(request, stay)
            else:
                messages.success(request, f"已登记在孵对象：{stay.incubatee.name}（{stay.entered_on} 入驻）。")
            return redirect("incubation:carrier", pk=c.pk)
    return render(request, "incubation/stay_form.html", {"c": c, "form": form, "title": "登记在孵对象"})


@login_required
def stay_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stay = access.get_stay(request.user, pk)
    form = StayEditForm(request.POST or None, instance=stay)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.request_update(request.user, access.get_stay(request.user, pk), **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if isinstance(done, RosterChange):
                _filed(request, done)
            else:
                messages.success(request, f"已保存 {stay.incubatee.name} 的在孵记录。")
            return redirect("incubation:carrier", pk=stay.carrier_id)
    return render(request, "incubation/stay_form.html", {"c": stay.carrier, "form": form, "stay": stay,
                                                          "title": f"修改在孵记录：{stay.incubatee.name}"})


@login_required
def stay_exit(request: HttpRequest, pk: int) -> HttpResponse:
    stay = access.get_stay(request.user, pk)
    form = ExitForm(request.POST or None, initial={"exited_on": stay.exited_on, "reason": stay.exit_reason,
                                                   "note": stay.exit_note} if stay.exited_on else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            done = services.end_stay(request.user, stay, d["exited_on"], d["reason"], d["note"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if isinstance(done, RosterChange):
                _filed(request, done)
                return redirect("incubation:carrier", pk=stay.carrier_id)
            messages.success(request, f"{stay.incubatee.name} 已登记{stay.get_exit_reason_display()}（{stay.exited_on}）。")
            return redirect("incubation:carrier", pk=stay.carrier_id)
    return render(request, "incubation/stay_form.html", {"c": stay.carrier, "form": form, "stay": stay,
                                                          "title": f"毕业/退出：{stay.incubatee.name}"})


@login_required
def incorporate(request: HttpRequest, pk: int) -> HttpResponse:
    stay = access.get_stay(request.user, pk)
    form = IncorporateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.incorporate(request.user, stay.incubatee, form.cleaned_data["uscc"], form.cleaned_data["on"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"团队已关联企业：{stay.incubatee.name}。")
            return redirect("incubation:carrier", pk=stay.carrier_id)
    return render(request, "incubation/stay_form.html", {"c": stay.carrier, "form": form, "stay": stay,
                                                          "title": f"团队注册为企业：{stay.incubatee.team_name}"})


@login_required
@require_POST
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    c = access.get_carrier(request.user, pk)
    if not access.can_evaluate(request.user):
        raise Http404("只有市科技局、区市工作人员可以登记绩效评价。")
    form = EvaluationForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_evaluation(request.user, c, d["year"], d["grade"], d["evaluated_on"], d["reference"])
        except ValidationError as exc:
            messages.error(request, services.message_of(exc))
        else:
            messages.success(request, f"已登记 {d['year']} 年度绩效评价：{d['grade']}。")
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
    return redirect("incubation:carrier", pk=c.pk)


@login_required
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    c = access.get_carrier(request.user, pk)
    if not access.can_keep_roster(request.user, c):
        raise Http404("您无权修改该载体的在孵名册。")
    if request.GET.get("template"):
        resp = HttpResponse(excel.template(), content_type=XLSX)
        resp["Content-Disposition"] = "attachment; filename*=UTF-8''roster-template.xlsx"
        return resp
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.import_roster(form.cleaned_data["file"].read(), c, request.user)
        if result.ok:
            messages.success(request, f"已导入 {result.created} 条在孵记录。" + (
                f"另有 {result.pending} 行（迁入或入驻日期早于 {rules.backdate_days()} 天前）已提交申请，"
                "待原载体或市科技局处理。" if result.pending else ""))
            return redirect("incubation:carrier", pk=c.pk)
    return render(request, "incubation/import.html", {"c": c, "form": form, "result": result})


@login_required
def competitions(request: HttpRequest) -> HttpResponse:
    if not access.can_see_competitions(request.user):
        raise Http404("页面不存在。")
    form = EntryForm(request.POST or None) if access.can_keep_competitions(request.user) else None
    if request.method == "POST":
        if form is None:
            raise Http404("只有市科技局工作人员可以登记参赛记录。")
        if form.is_valid():
            d = form.cleaned_data
            prizes = form.prizes()
            if form.is_valid():
                try:
                    incubatee = services.incubatee_for(d["uscc"], d["team_name"], d["team_leader"])
                    entry = services.record_entry(
                        request.user, series=d["series"], name=d["name"], year=d["year"], incubatee=incubatee,
                        project=d["project"], stage_reached=d["stage_reached"], reached_on=d["reached_on"],
                        excellent_title=d["excellent_title"], landed_on=d["landed_on"],
                        physical_investment=d["physical_investment"], prizes=prizes)
                except ValidationError as exc:
                    _errors_to_form(form, exc)
                else:
                    messages.success(request, f"已登记参赛记录：{entry.incubatee.name} {entry.project}。")
                    return redirect("incubation:competitions")
    comps = Competition.objects.prefetch_related("entries__incubatee__organization", "entries__prizes")
    rows = []
    for comp in comps:
        for entry in comp.entries.all():
            rows.append({"comp": comp, "entry": entry, "rewards": services.entry_rewards(entry)})
    return render(request, "incubation/competitions.html", {"rows": rows, "form": form})


@login_required
def changes(request: HttpRequest) -> HttpResponse:
    """Roster changes awaiting the user's word (the other carrier's, or staff's), and those the user's carrier filed."""
    if not (request.user.is_entity_account or access.can_see_competitions(request.user)):
        raise Http404("页面不存在。")
    mine = access.requested_changes(request.user) if request.user.is_entity_account else \
        access.requested_changes(request.user).exclude(status=RosterChange.Status.PENDING)
    return render(request, "incubation/changes.html", {
        "awaiting": access.decidable_changes(request.user), "mine": mine[:100]})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = access.get_change(request.user, pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_change(request.user, change, accept, request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, services.message_of(exc))
    else:
        messages.success(request, f"已{'同意' if accept else '拒绝'}：{change}。")
    return redirect("incubation:changes")

"""Pages of the expert database and review rounds. Thin: parse, ask access.py, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from experts import access, excel, export, services
from experts.disciplines import TOP_LEVEL
from experts.forms import (
    ConflictForm,
    ExpertFilterForm,
    ImportForm,
    ItemForm,
    ManualAssignForm,
    MatchForm,
    PairRuleForm,
    ProfileForm,
    RelationForm,
    RoundForm,
    UnavailabilityForm,
)
from experts.matching import CONSTRAINTS, Infeasible
from experts.models import Assignment, DeclaredRelation, Expert, Notice, PairRule, Unavailability

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# ---------------------------------------------------------------- expert database (bureau)


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    if not access.is_manager(request.user) and access.expert_of(request.user):
        return redirect("experts:my_reviews")
    access.require_manager(request.user)
    form = ExpertFilterForm(request.GET or None)
    qs = Expert.objects.select_related("person", "organization", "user").prefetch_related("chains").order_by("id")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(person__name__contains=d["q"]) | Q(organization__name__contains=d["q"])
                           | Q(keywords__contains=d["q"]) | Q(organization_name__contains=d["q"]))
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["chain"]:
            qs = qs.filter(chains=d["chain"])
        if d["discipline"]:
            qs = qs.filter(disciplines__icontains=f'"{d["discipline"][:3]}')
    counts = dict(Expert.objects.values_list("status").annotate(n=Count("id")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "experts/expert_list.html", {
        "form": form, "page": page, "querystring": params.urlencode(),
        "counts": [(label, counts.get(v, 0)) for v, label in Expert.Status.choices],
    })


@login_required
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_manager(request.user)
    expert = access.experts_visible(request.user).filter(pk=pk).select_related("person", "organization").first()
    if expert is None:
        from django.http import Http404

        raise Http404(access.NOT_FOUND)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "invite":
                services.invite(expert, request.user)
                messages.success(request, f"已为 {expert.name} 开通账户（用户名 {expert.user.username}），"
                                          "请将下方的邀请链接发给专家，专家首次打开时设置密码。")
            else:
                services.set_expert_status(expert, request.POST.get("action", ""), request.user, request.POST.get("note", ""))
                messages.success(request, f"已将 {expert.name} 设为“{expert.get_status_display()}”。")
        except services.ReviewError as exc:
            messages.error(request, exc.message)
        return redirect("experts:expert_detail", pk=pk)
    link = services.invitation_link(expert)
    return render(request, "experts/expert_detail.html", {
        "expert": expert, "disciplines": [(c, TOP_LEVEL.get(c[:3], "")) for c in expert.disciplines],
        "employments": expert.employments.select_related("organization").order_by("-start"),
        "relations": expert.relations.select_related("organization"), "unavailable": expert.unavailable.order_by("start"),
        "assignments": expert.assignments.select_related("round", "item").order_by("-round_id")[:100],
        "actions": [(a, label) for a, (src, _, label) in services.EXPERT_TRANSITIONS.items() if expert.status in src],
        "invitation": request.build_absolute_uri(link) if link else "",
    })


def invitation(request: HttpRequest) -> HttpResponse:
    """The invited expert sets a password on first use (no login needed: the link, ``?u=…&t=…``, is the proof),
    then is logged in. A wrong or used link is "not found" (404) with a plain explanation."""
    from django.contrib.auth import login
    from django.contrib.auth.forms import SetPasswordForm
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_decode

    from accounts.models import User

    uidb64, token = request.GET.get("u", ""), request.GET.get("t", "")
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    expert = Expert.objects.filter(user=user).select_related("person").first() if user else None
    if expert is None or user.has_usable_password() or not default_token_generator.check_token(user, token):
        return render(request, "experts/invitation.html", {"invalid": True}, status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(expert, form.cleaned_data["new_password1"])
        user = expert.user  # the instance whose password was set (its hash keeps the session valid)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"密码已设置。您的用户名是 {user.username}，今后用它和新密码登录。")
        return redirect("experts:my_reviews")
    return render(request, "experts/invitation.html", {"form": form, "expert": expert, "username": user.username},
                  status=400 if form.errors else 200)


@login_required
def expert_import(request: HttpRequest) -> HttpResponse:
    access.require_manager(request.user)
    if request.GET.get("template"):
        return _xlsx(excel.template_workbook(), "experts-template.xlsx")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.import_experts(form.cleaned_data["file"].read(), request.user)
        if result.ok:
            messages.success(request, f"导入成功：新增专家 {result.created} 位，更新 {result.updated} 位。")
            return redirect("experts:expert_list")
    return render(request, "experts/import.html", {"form": form, "result": result})


@login_required
def match(request: HttpRequest) -> HttpResponse:
    access.require_manager(request.user)
    form = MatchForm(request.GET or None)
    results = None
    if form.is_valid():
        try:
            results = services.experts_for_text(form.cleaned_data["text"], form.cleaned_data["chain"], k=10)
        except services.ReviewError as exc:
            form.add_error("text", exc.message)
    return render(request, "experts/match.html", {"form": form, "results": results})


# ---------------------------------------------------------------- the expert's own pages


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    expert = access.require_expert(request.user)
    form = ProfileForm(request.POST or None, instance=expert, prefix="p")
    away = UnavailabilityForm(request.POST or None, prefix="u")
    rel = RelationForm(request.POST or None, prefix="r")
    which = request.POST.get("form")
    if request.method == "POST":
        if which == "profile" and form.is_valid():
            form.save()
            messages.success(request, "资料已保存。")
            return redirect("experts:my_profile")
        if which == "away" and away.is_valid():
            Unavailability.objects.create(expert=expert, **away.cleaned_data)
            messages.success(request, "已添加不可参评时段。")
            return redirect("experts:my_profile")
        if which == "relation" and rel.is_valid():
            DeclaredRelation.objects.get_or_create(expert=expert, organization=rel.cleaned_data["organization"],
                                                   kind=rel.cleaned_data["kind"], defaults={"note": rel.cleaned_data["note"]})
            messages.success(request, "已添加关联关系，今后相关项目将自动回避。")
            return redirect("experts:my_profile")
    return render(request, "experts/my_profile.html", {
        "expert": expert, "form": form, "away": away, "rel": rel, "which": which,
        "relations": expert.relations.select_related("organization"), "unavailable": expert.unavailable.order_by("start"),
    })


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    expert = access.require_expert(request.user)
    assignments = access.assignments_for(request.user).order_by("round__deadline", "item_id")
    return render(request, "experts/my_reviews.html", {
        "expert": expert, "pending": [a for a in assignments if a.status == Assignment.Status.ASSIGNED],
        "done": [a for a in assignments if a.status == Assignment.Status.SUBMITTED],
        "notices": Notice.objects.filter(expert=expert)[:20],
    })


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    a = access.get_own_assignment(request.user, pk)
    rnd = a.round
    criteria = rnd.criteria_list()
    existing = getattr(a, "review", None) if a.status == Assignment.Status.SUBMITTED else None
    values = {c["name"]: (existing.scores.get(c["name"], "") if existing else "") for c in criteria}
    comment = existing.comment if existing else ""
    error = ""
    if request.method == "POST":
        values = {c["name"]: request.POST.get(f"score_{n}", "") for n, c in enumerate(criteria)}
        comment = request.POST.get("comment", "")
        try:
            services.submit_review(request.user, a, values, comment)
        except services.ReviewError as exc:
            error = exc.message
        else:
            messages.success(request, f"已提交《{a.item.title}》的评审意见（截止前可修改）。")
            return redirect("experts:my_reviews")
    return render(request, "experts/review.html", {
        "a": a, "item": a.item, "round": rnd, "error": error, "comment": comment,
        "rows": [(n, c, values.get(c["name"], "")) for n, c in enumerate(criteria)], "conflict_form": ConflictForm(),
    }, status=400 if error else 200)


@login_required
@require_POST
def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    a = access.get_own_assignment(request.user, pk)
    form = ConflictForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.declare_conflict(request.user, a, reason)
    except services.ReviewError as exc:
        messages.error(request, exc.message)
        return redirect("experts:review", pk=pk)
    messages.success(request, f"已登记对《{a.item.title}》的回避，系统已自动改派其他专家。")
    return redirect("experts:my_reviews")


@login_required
@require_POST
def respond(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    a = access.get_own_assignment(request.user, pk)
    try:
        if answer == "accept":
            services.accept(request.user, a)
            messages.success(request, f"已接受《{a.item.title}》的评审邀请。")
            return redirect("experts:review", pk=pk)
        services.decline(request.user, a, request.POST.get("reason", ""))
    except services.ReviewError as exc:
        messages.error(request, exc.message)
        return redirect("experts:review", pk=pk)
    messages.success(request, f"已谢绝《{a.item.title}》的评审邀请，系统已改派候补专家。")
    return redirect("experts:my_reviews")


# ---------------------------------------------------------------- rounds (bureau)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    access.require_manager(request.user)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "criteria_text"}
        try:
            rnd = services.create_round(request.user, criteria=form.cleaned_data["criteria_text"], **data)
        except services.ReviewError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已创建评审批次“{rnd.name}”，请添加项目。")
            return redirect("experts:round_detail", pk=rnd.pk)
    rounds = access.rounds_for(request.user).annotate(n_items=Count("items", distinct=True))
    return render(request, "experts/round_list.html", {"rounds": rounds, "form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = access.get_round(request.user, pk)
    if request.GET.get("export") == "xlsx":
        return _xlsx(export.round_workbook(rnd), f"review-round-{rnd.pk}.xlsx")
    item_form = ItemForm(request.POST or None)
    if request.method == "POST":
        if item_form.is_valid():
            d = item_form.cleaned_data
            try:
                services.add_items(rnd, [{**d, "chain": d["chain"]}])
            except services.ReviewError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已添加项目《{d['title']}》。")
                return redirect("experts:round_detail", pk=pk)
    scores = {s.item.pk: s for s in services.aggregate(rnd)} if rnd.status in ("published", "closed") else {}
    items = list(rnd.items.select_related("applicant", "chain").order_by("id"))
    by_item: dict[int, list[Assignment]] = {}
    for a in rnd.assignments.exclude(status="withdrawn").select_related("expert__person", "expert__organization"):
        by_item.setdefault(a.item_id, []).append(a)
    overview = services.round_overview(rnd)
    staff = services.staff_scores(items)
    no_login = sorted({a.expert for a_list in by_item.values() for a in a_list if a.expert.user_id is None},
                      key=lambda e: e.pk)
    return render(request, "experts/round_detail.html", {
        "no_login": no_login,
        "round": rnd, "items": [(it, by_item.get(it.pk, []), scores.get(it.pk), staff.get(it.pk)) for it in items],
        "short": services.short_of_reviews(rnd) if rnd.status == "published" else [],
        "overview": overview, "item_form": item_form, "constraints": CONSTRAINTS,
        "actions": [(a, label) for a, (src, _, label) in services.ROUND_TRANSITIONS.items() if rnd.status in src],
        "polling": rnd.solve_state in ("queued", "running"),
    })


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    rnd = access.get_round(request.user, pk)
    try:
        if action == "solve":
            state = services.request_solve(rnd, request.user)
            if state == "queued":
                messages.success(request, "项目较多，已转入后台求解，页面会显示进度。")
            else:
                rnd.refresh_from_db()
                messages.success(request, rnd.solve_message)
        elif action == "cancel":
            if services.cancel_solve(rnd, request.user):
                messages.success(request, "已取消求解，分配结果未改变。")
            else:
                messages.error(request, "当前没有正在进行的求解。")
        elif action in services.ROUND_TRANSITIONS:
            services.transition(rnd, action, request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"评审批次已{services.ROUND_TRANSITIONS[action][2]}。")
        else:
            messages.error(request, "未知的操作。")
    except Infeasible as exc:
        messages.error(request, f"无法完成分配——不能满足的约束：{CONSTRAINTS.get(exc.constraint, exc.constraint)}。{exc.message}")
    except services.ReviewError as exc:
        messages.error(request, exc.message)
    return redirect("experts:round_detail", pk=pk)


@login_required
def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    rnd = access.get_round(request.user, pk)
    item = access.get_item(request.user, item_pk)
    if item.round_id != rnd.pk:
        from django.http import Http404

        raise Http404(access.NOT_FOUND)
    manual_open = rnd.status in ("solved", "published")
    live = list(item.assignments.exclude(status="withdrawn").select_related("expert__person"))
    manual = ManualAssignForm(request.POST if request.POST.get("form") == "manual" else None,
                              candidates=services.manual_candidates(item) if manual_open else [], current=live)
    if request.POST.get("form") == "manual":
        if manual.is_valid():
            d = manual.cleaned_data
            replace = next((a for a in live if str(a.pk) == d["replace"]), None)
            try:
                new = services.assign_by_hand(request.user, item, Expert.objects.get(pk=d["expert"]), d["reason"], replace)
            except services.ReviewError as exc:
                manual.add_error(exc.field if exc.field in manual.fields else None, exc.message)
            else:
                messages.success(request, f"已{'更换为' if replace else '指定'} {new.expert.name}（理由：{d['reason']}）。")
                return redirect(reverse("experts:item_detail", args=[pk, item_pk]))
    form = PairRuleForm(request.POST if request.POST.get("form") != "manual" else None)
    if request.method == "POST" and request.POST.get("form") != "manual" and form.is_valid():
        expert = Expert.objects.filter(pk=form.cleaned_data["expert"]).first()
        if expert is None:
            messages.error(request, f"没有编号为 {form.cleaned_data['expert']} 的专家。")
        else:
            try:
                services.set_pair_rule(rnd, item, expert, form.cleaned_data["kind"] or None, request.user)
                messages.success(request, "已保存，重新分配后生效。")
            except services.ReviewError as exc:
                messages.error(request, exc.message)
        return redirect(reverse("experts:item_detail", args=[pk, item_pk]))
    score = next((s for s in services.aggregate(rnd) if s.item.pk == item.pk), None) if rnd.status in ("published", "closed") else None
    candidates = []
    if request.GET.get("candidates"):
        text = services.items_side([item]).texts[0]
        conflicted = set(item.conflicts.values_list("expert_id", flat=True))
        candidates = [(m, m.expert.pk in conflicted) for m in services.experts_for_text(text, item.chain, k=20,
                                                                                       disciplines=item.disciplines)]
    return render(request, "experts/item_detail.html", {
        "round": rnd, "item": item, "form": form, "score": score, "candidates": candidates, "manual": manual,
        "manual_open": manual_open, "staff_score": services.staff_scores([item]).get(item.pk),
        "assignments": item.assignments.select_related("expert__person", "expert__organization").order_by("-affinity"),
        "conflicts": item.conflicts.select_related("expert__person", "expert__organization"),
        "rules": PairRule.objects.filter(item=item).select_related("expert__person"),
    }, status=400 if manual.errors else 200)

"""Pages of project and fund management (mounted at /funding/). Views parse, call services, answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from funding import access, documents, services, workflow
from funding.models import Call, Programme
from funding.services import FundingError


def _entity_org(request: HttpRequest):
    org = getattr(request.user, "organization", None)
    if org is None or access.is_staff_role(request.user):
        raise Http404("本账户未关联主体。")
    return org


def _staff(request: HttpRequest) -> None:
    if not access.is_staff_role(request.user):
        raise Http404("仅限政府部门账户。")


def _file(name: str, data: bytes, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的申报: every claim, its state as the applicant sees it, next step and holder, money received."""
    org = _entity_org(request)
    claims = list(services.claims_for_org(org))
    return render(request, "funding/mine.html", {
        "org": org, "claims": claims, "received": services.money_received(org),
        "calls": services.open_calls(), "blacklisted": services.blacklist_entry(org),
    })


@login_required
@require_POST
def new_claim(request: HttpRequest) -> HttpResponse:
    org = _entity_org(request)
    try:
        claim, created = services.create_claim_from_entitlement(request.user, org,
                                                                request.POST.get("provision_id", ""),
                                                                request.POST.get("year"))
    except FundingError as exc:
        messages.error(request, str(exc))
        return redirect("screening:mine")
    if not created:
        messages.info(request, "该事项已有申报，已为您打开。")
    return redirect("funding:claim", pk=claim.pk)


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim(request.user, pk)
    applicant = access.is_applicant(request.user, claim)
    return render(request, "funding/claim.html", {
        "claim": claim, "applicant": applicant,
        "editable": applicant and claim.state in ("draft", "returned", "awaiting_confirmation"),
        "actions": services.available_transitions(request.user, claim),
        "events": claim.events.select_related("actor"), "attachments": claim.attachments.defer("data"),
        "entries": claim.entries.select_related("budget_line"), "objections": claim.objections.all(),
        "lines": claim.programme.budget_lines.filter(confirmed_at__isnull=False),
        "state_label": claim.applicant_state if applicant else claim.internal_state,
        "next_step": services.next_step_text(claim),
    })


@login_required
@require_POST
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim(request.user, pk)
    try:
        services.update_claim(request.user, claim, {f: request.POST.get(f, "") for f in services.APPLICANT_FIELDS})
        messages.success(request, "已保存。")
    except FundingError as exc:
        messages.error(request, str(exc))
    return redirect("funding:claim", pk=pk)


@login_required
@require_POST
def claim_attach(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim(request.user, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise FundingError("附件：请选择要上传的文件（PDF、PNG 或 JPG）。", "file")
        if upload.size > services.MAX_UPLOAD:
            raise FundingError(f"附件「{upload.name}」：超过 10 MB，请压缩后上传。", "file")
        services.attach(request.user, claim, request.POST.get("label", ""), upload.name, upload.read())
        messages.success(request, f"已上传：{upload.name}")
    except FundingError as exc:
        messages.error(request, str(exc))
    return redirect("funding:claim", pk=pk)


@login_required
def attachment(request: HttpRequest, pk: int, att_id: int) -> HttpResponse:
    claim = access.get_claim(request.user, pk)
    att = get_object_or_404(claim.attachments, pk=att_id)
    return _file(f"attachment-{att.pk}.{att.filename.rsplit('.', 1)[-1]}", bytes(att.data), att.content_type)


@login_required
@require_POST
def claim_act(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim(request.user, pk)
    name = request.POST.get("transition", "")
    scores = {}
    if request.POST.get("score"):
        try:
            scores = {"total": float(request.POST["score"])}
        except ValueError:
            messages.error(request, "评审得分：请填写 0–100 的数字。")
            return redirect("funding:claim", pk=pk)
    try:
        services.perform(request.user, claim.pk, name, request.POST.get("reason", ""),
                         amount=request.POST.get("amount") or None, budget_line_id=request.POST.get("budget_line"),
                         idempotency_key=request.POST.get("idempotency_key", ""), scores=scores)
        t = workflow.BY_NAME[name]
        messages.success(request, f"已{t.label}。")
    except FundingError as exc:
        messages.error(request, str(exc))
    return redirect("funding:claim", pk=pk)


@login_required
def claim_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim(request.user, pk)
    if claim.decided_amount is None:
        raise Http404("尚未决定资助金额，没有通知书。")
    return _file(f"notice-{claim.pk}.pdf", documents.claim_notice_pdf(claim), "application/pdf")


@login_required
def work_queue(request: HttpRequest) -> HttpResponse:
    """Staff work queues per step, with counts; district staff see their region only."""
    _staff(request)
    state = request.GET.get("state") or ("approved" if request.user.role == "finance" else "district_check")
    if state not in workflow.STATES:
        state = "district_check"
    visible = access.visible_claims(request.user)
    counts = [(s, workflow.internal_label(s), visible.filter(state=s).count()) for s in workflow.STATES]
    return render(request, "funding/queue.html", {
        "state": state, "state_label": workflow.internal_label(state), "counts": counts,
        "claims": services.queue(request.user, state)[:200],
    })


@login_required
def programmes(request: HttpRequest) -> HttpResponse:
    _staff(request)
    rows = []
    for p in Programme.objects.prefetch_related("budget_lines"):
        rows.append({"programme": p, "totals": services.programme_totals(p),
                     "lines": [(line, services.line_balance(line)) for line in p.budget_lines.all()]})
    return render(request, "funding/programmes.html", {"rows": rows, "finance": request.user.role == "finance"})


@login_required
@require_POST
def confirm_line(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.is_finance(request.user):  # city budget lines: finance (and the bureau) only; districts get 404
        raise Http404("仅限财政部门账户。")
    from funding.models import BudgetLine

    try:
        services.confirm_budget_line(request.user, get_object_or_404(BudgetLine, pk=pk))
        messages.success(request, "预算科目已确认。")
    except FundingError as exc:
        messages.error(request, str(exc))
    return redirect("funding:programmes")


@login_required
def payments(request: HttpRequest) -> HttpResponse:
    """Finance: claims waiting for payment and every payment with its budget line and legal basis."""
    if not access.is_finance(request.user):
        raise Http404("仅限财政部门和市科技局。")
    return render(request, "funding/payments.html", {
        "waiting": services.queue(request.user, "approved"),
        "entries": services.ledger(request.user).exclude(kind="commitment").order_by("-id")[:300],
    })


@login_required
def payment_batch(request: HttpRequest) -> HttpResponse:
    if not access.is_finance(request.user):
        raise Http404("仅限财政部门和市科技局。")
    claims = services.queue(request.user, "approved").select_related("budget_line", "organization")
    return _file("payment-batch.xlsx", documents.payment_batch_xlsx(claims), XLSX)


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    if not access.is_finance(request.user):
        raise Http404("仅限财政部门和市科技局。")
    entries = services.ledger(request.user).select_related("budget_line__programme", "organization")
    return _file("ledger.xlsx", documents.ledger_xlsx(entries), XLSX)


def publicity(request: HttpRequest) -> HttpResponse:
    """The public 公示 list (no login): anyone may file an objection."""
    if request.method == "POST":
        try:
            services.file_objection(int(request.POST.get("claim") or 0), request.POST.get("filed_by", ""),
                                    request.POST.get("contact", ""), request.POST.get("text", ""))
            messages.success(request, "异议已提交，市科技局将在处理后方可拨付。")
        except (FundingError, ValueError) as exc:
            messages.error(request, str(exc) if isinstance(exc, FundingError) else "请选择公示事项。")
        return redirect("funding:publicity")
    return render(request, "funding/publicity.html", {"claims": services.publicity_claims()})


def publicity_pdf(request: HttpRequest) -> HttpResponse:
    return _file("publicity.pdf", documents.publicity_pdf(services.publicity_claims()), "application/pdf")


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    return render(request, "funding/calls.html", {"calls": Call.objects.select_related("programme")[:100],
                                                  "open_ids": set(services.open_calls().values_list("pk", flat=True))})


@login_required
def call_apply(request: HttpRequest, pk: int) -> HttpResponse:
    org = _entity_org(request)
    call = get_object_or_404(Call, pk=pk)
    if request.method == "POST":
        try:
            claim = services.apply_to_call(request.user, call, request.POST)
            messages.success(request, "已创建申报，请上传材料并填写收款账号后提交。")
            return redirect("funding:claim", pk=claim.pk)
        except FundingError as exc:
            messages.error(request, str(exc))
    return render(request, "funding/call_apply.html", {"call": call, "org": org})


@login_required
@require_POST
def proactive(request: HttpRequest) -> HttpResponse:
    """Staff turn a finished screening run's fixed results into 免申即享 claims in one step."""
    _staff(request)
    try:
        ids = request.POST.get("result_ids", "").strip()
        selected = [int(x) for x in ids.replace("，", ",").split(",") if x.strip()] if ids else None
        created, skipped = services.create_proactive_claims(request.user, int(request.POST.get("run") or 0),
                                                            selected)
        messages.success(request, f"已生成免申即享事项 {created} 项（已存在而跳过 {skipped} 项），并已通知相关单位确认。")
    except ValueError as exc:
        messages.error(request, str(exc) if isinstance(exc, FundingError) else "筛查任务编号、结果编号须为数字。")
    return redirect(reverse("funding:queue") + "?state=awaiting_confirmation")



@login_required
def challenges(request: HttpRequest) -> HttpResponse:
    """揭榜挂帅 榜单: entities 揭榜; the bureau sees the bids and selects one."""
    from funding import projects
    from funding.models import Challenge

    if request.method == "POST":
        try:
            if request.POST.get("select"):
                claim = projects.select_bid(request.user, int(request.POST["select"]))
                messages.success(request, "已确定揭榜单位，进入市科技局决定环节。")
                return redirect("funding:claim", pk=claim.pk)
            challenge = get_object_or_404(Challenge, pk=int(request.POST.get("challenge") or 0))
            projects.bid(request.user, challenge, request.POST.get("team_lead", ""), request.POST.get("plan", ""),
                         request.POST.get("bank_account", ""))
            messages.success(request, f"已揭榜：{challenge.title}")
        except FundingError as exc:
            messages.error(request, str(exc))
        except ValueError:
            messages.error(request, "请选择榜单。")
        return redirect("funding:challenges")
    bureau = access.is_bureau(request.user)
    rows = Challenge.objects.select_related("lead_enterprise", "selected__organization").prefetch_related(
        "bids__organization")
    return render(request, "funding/challenges.html", {
        "challenges": rows, "bureau": bureau,
        "entity": getattr(request.user, "organization_id", None) and not access.is_staff_role(request.user),
    })


@login_required
@require_POST
def milestone_act(request: HttpRequest, pk: int, ms_id: int) -> HttpResponse:
    from funding import projects

    claim = access.get_claim(request.user, pk)
    ms = get_object_or_404(claim.project.milestones, pk=ms_id)
    try:
        if request.POST.get("action") == "pay":
            projects.pay_milestone(request.user, ms.pk)
            messages.success(request, f"已拨付：{ms.title}")
        else:
            projects.accept_milestone(request.user, ms.pk)
            messages.success(request, f"里程碑已验收：{ms.title}")
    except FundingError as exc:
        messages.error(request, str(exc))
    return redirect("funding:claim", pk=pk)

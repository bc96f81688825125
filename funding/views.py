"""Pages of project and fund management (mounted at /funding/). Views parse, call services, answer."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core.audit import record
from funding import access, documents, services, setup, workflow
from funding.models import SUMMARY_MAX, Call, Programme
from funding.services import FundingError


def _entity_org(request: HttpRequest):
    org = getattr(request.user, "organization", None)
    if org is None or access.is_staff_role(request.user):
        raise Http404("本账户未关联主体。")
    return org


def _staff(request: HttpRequest) -> None:
    if not access.is_staff_role(request.user):
        raise Http404("仅限政府部门账户。")


def _int(value: object, field: str, label: str) -> int:
    """A posted record number: a Chinese error naming the field instead of a ValueError."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise FundingError(f"{label}：请从列表中选择（收到的「{text[:20]}」不是编号）。", field)
    return int(text)


def _file(name: str, data: bytes, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


MINE_PER_PAGE = 20


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的申报: every claim, its state as the applicant sees it, next step and holder, money received; newest first,
    ``MINE_PER_PAGE`` a page (an enterprise with years of claims gets a page that stays small)."""
    org = _entity_org(request)
    page = Paginator(services.claims_for_org(org).defer(*services.CLAIM_TEXTS), MINE_PER_PAGE) \
        .get_page(request.GET.get("page"))
    return render(request, "funding/mine.html", {
        "org": org, "claims": page.object_list, "page": page, "received": services.money_received(org),
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
    return _claim_page(request, access.get_claim(request.user, pk))


def _claim_page(request: HttpRequest, claim, typed: dict | None = None, status: int = 200) -> HttpResponse:
    """The claim page; ``typed`` = what the applicant posted when it was refused (kept in the form, answered 400)."""
    applicant = access.is_applicant(request.user, claim)
    editable = applicant and claim.state in ("draft", "returned", "awaiting_confirmation")
    form = {f: getattr(claim, f) for f in services.APPLICANT_FIELDS}
    if editable and not typed and not claim.bank_account:
        form.update(services.last_bank_details(claim.organization))
    form.update(typed or {})
    actions = services.available_transitions(request.user, claim)
    return render(request, "funding/claim.html", {
        "claim": claim, "applicant": applicant, "editable": editable, "form": form, "summary_max": SUMMARY_MAX,
        "form_action": next((t for t in actions if t.name in SUBMITTING), None) if editable else None,
        "actions": [t for t in actions if not (editable and t.name in SUBMITTING)],
        "events": claim.events.select_related("actor"), "attachments": claim.attachments.defer("data"),
        "entries": claim.entries.select_related("budget_line"), "objections": claim.objections.all(),
        "lines": claim.programme.budget_lines.filter(confirmed_at__isnull=False),
        "state_label": claim.applicant_state if applicant else claim.internal_state,
        "next_step": services.next_step_text(claim),
        "bureau": access.is_bureau(request.user), "project": getattr(claim, "project", None),
        "full_account": access.may_see_bank_account(request.user, claim),
        "takes_task_book": _takes_task_book(claim),
        "today": timezone.localdate(), "expert_scores": _expert_scores(claim),
        "duplicates": _duplicates(request.user, claim), "pay_key": _pay_key(claim),
        "finance": request.user.is_authenticated and request.user.role == "finance",
    }, status=status)


SUBMITTING = ("submit", "confirm")  # the applicant's form carries these buttons: what was typed is saved with them


def _takes_task_book(claim) -> bool:
    from funding.projects import takes_task_book

    return takes_task_book(claim)


def _pay_key(claim) -> str:
    from funding.bank import reissue_key

    return reissue_key(claim)


def _duplicates(user, claim) -> list:
    """重复申报 flags: staff only (the applicant sees nothing of other claims here)."""
    from funding.checks import possible_duplicates

    return possible_duplicates(claim) if access.is_staff_role(user) else []


def _expert_scores(claim) -> list[dict]:
    from funding import reviews

    return reviews.scores_for_claim(claim)


@login_required
@require_POST
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim(request.user, pk)
    typed = {f: request.POST.get(f, "") for f in services.APPLICANT_FIELDS}
    try:
        services.update_claim(request.user, claim, typed)
    except FundingError as exc:
        messages.error(request, str(exc))
        claim.refresh_from_db()
        return _claim_page(request, claim, typed, status=400)
    messages.success(request, "已保存。")
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
    typed = {f: request.POST[f] for f in services.APPLICANT_FIELDS if f in request.POST}
    try:
        if typed and name in SUBMITTING:  # 确认无误/提交申报 from the form: what was typed is saved first
            services.update_claim(request.user, claim, typed)
        services.perform(request.user, claim.pk, name, request.POST.get("reason", ""),
                         amount=request.POST.get("amount") or None, budget_line_id=request.POST.get("budget_line"),
                         idempotency_key=request.POST.get("idempotency_key", ""), scores=scores)
        t = workflow.BY_NAME[name]
        messages.success(request, f"已{t.label}。")
    except FundingError as exc:
        messages.error(request, str(exc))
        if typed:
            claim.refresh_from_db()
            return _claim_page(request, claim, typed, status=400)
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
        "claims": services.queue(request.user, state)[:200], **_review_context(request, state),
        "bulk_states": ("district_check", "formal_check", "review", "decision", "publicity"),
    })


def _review_context(request: HttpRequest, state: str) -> dict:
    from funding import reviews

    if state != reviews.REVIEW_STATE or not access.is_bureau(request.user):
        return {}
    rows = [(p, len(reviews.claims_awaiting_round(request.user, p))) for p in Programme.objects.all()]
    return {"bureau": True, "review_programmes": [(p, n) for p, n in rows if n],
            "default_deadline": timezone.localdate() + dt.timedelta(days=14)}


@login_required
@require_POST
def review_round(request: HttpRequest) -> HttpResponse:
    """From the 评审 queue: one expert review round for a programme's claims in that step."""
    from funding import projects, reviews

    _staff(request)
    back = redirect(reverse("funding:queue") + "?state=review")
    try:
        programme = Programme.objects.filter(pk=int(request.POST.get("programme") or 0)).first()
        if programme is None:
            raise FundingError("专项：请选择专项。", "programme")
        deadline = None
        if request.POST.get("deadline", "").strip():
            day = projects.parse_date(request.POST["deadline"], "deadline", "评审截止日期")
            deadline = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
        try:
            k = int(request.POST.get("reviewers_per_item") or 5)
        except ValueError:
            raise FundingError("每项评审专家数：请填写 1–15 的整数。", "reviewers_per_item") from None
        if not 1 <= k <= 15:
            raise FundingError("每项评审专家数：请填写 1–15 的整数。", "reviewers_per_item")
        rnd = reviews.start_expert_review(request.user, programme, deadline, reviewers_per_item=k)
        messages.success(request, f"已发起专家评审「{rnd.name}」，共 {rnd.items.count()} 项；请在专家评审中分配专家并发布。")
    except (FundingError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, FundingError) else "专项：请选择专项。")
    return back


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
        "waiting": services.queue(request.user, "approved"), "max_bulk": setup.MAX_BULK,
        "full_accounts": access.may_see_bank_accounts(request.user),
        "entries": services.ledger(request.user).exclude(kind="commitment").order_by("-id")[:300],
    })


@login_required
def payment_batch(request: HttpRequest) -> HttpResponse:
    if not access.is_finance(request.user):
        raise Http404("仅限财政部门和市科技局。")
    claims = services.queue(request.user, "approved").select_related("budget_line", "organization")
    # the batch carries payees' bank accounts (in full for finance, masked for the bureau): who took it, when and
    # which rows is recorded
    full = access.may_see_bank_accounts(request.user)
    record(request.user, "funding.export_payment_batch", None,
           f"导出拨付批次（{'含收款账号' if full else '收款账号已脱敏'}）{len(claims)} 行",
           claims=[c.pk for c in claims], full_accounts=full)
    return _file("payment-batch.xlsx", documents.payment_batch_xlsx(claims, full_accounts=full), XLSX)


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    if not access.is_finance(request.user):
        raise Http404("仅限财政部门和市科技局。")
    entries = services.ledger(request.user).select_related("budget_line__programme", "organization")
    record(request.user, "funding.export_ledger", None, f"导出资金台账（含收款账号）{entries.count()} 行",
           entries=list(entries.values_list("pk", flat=True)[:100_000]))
    return _file("ledger.xlsx", documents.ledger_xlsx(entries), XLSX)


def _objection_rate(group: str, request: HttpRequest) -> str:
    from django.conf import settings

    return getattr(settings, "OBJECTION_RATE", "5/h")


@ratelimit(key="user_or_ip", rate=_objection_rate, method="POST", block=True, group="funding.objection")
def publicity(request: HttpRequest) -> HttpResponse:
    """The public 公示 list (no login to read); objections need a login and are rate- and length-limited."""
    if request.method == "POST":
        try:
            services.file_objection(int(request.POST.get("claim") or 0), request.POST.get("filed_by", ""),
                                    request.POST.get("contact", ""), request.POST.get("text", ""), request.user)
            messages.success(request, "异议已提交，市科技局将在处理后方可拨付。")
        except (FundingError, ValueError) as exc:
            messages.error(request, str(exc) if isinstance(exc, FundingError) else "请选择公示事项。")
        return redirect("funding:publicity")
    from funding.models import OBJECTION_MAX

    return render(request, "funding/publicity.html", {"claims": services.publicity_claims(),
                                                      "max_text": OBJECTION_MAX})


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int, obj_id: int) -> HttpResponse:
    """The bureau answers an objection on the claim's page; 公示期满 waits only for open objections."""
    claim = access.get_claim(request.user, pk)
    try:
        if not claim.objections.filter(pk=obj_id).exists():
            raise FundingError("该异议不存在或已处理。", "objection")
        services.resolve_objection(request.user, obj_id, request.POST.get("resolution", ""))
        messages.success(request, "异议已处理。")
    except FundingError as exc:
        messages.error(request, str(exc))
    return redirect("funding:claim", pk=pk)


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
            return render(request, "funding/call_apply.html", {"call": call, "org": org},
                          status=400)
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

    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("select"):
                claim = projects.select_bid(request.user, _int(request.POST["select"], "select", "入选团队"))
                messages.success(request, "已确定揭榜单位，进入市科技局决定环节。")
                return redirect("funding:claim", pk=claim.pk)
            challenge = Challenge.objects.filter(pk=_int(request.POST.get("challenge"), "challenge", "榜单")).first()
            if challenge is None:
                raise FundingError("榜单：请选择榜单。", "challenge")
            projects.bid(request.user, challenge, request.POST.get("team_lead", ""), request.POST.get("plan", ""),
                         request.POST.get("bank_account", ""))
            messages.success(request, f"已揭榜：{challenge.title}")
            return redirect("funding:challenges")
        except FundingError as exc:
            messages.error(request, str(exc))
            status = 400
    bureau = access.is_bureau(request.user)
    rows = Challenge.objects.select_related("lead_enterprise", "selected__organization").prefetch_related(
        "bids__organization")
    return render(request, "funding/challenges.html", {
        "challenges": rows, "bureau": bureau,
        "entity": getattr(request.user, "organization_id", None) and not access.is_staff_role(request.user),
    }, status=status)


@login_required
@require_POST
def milestone_act(request: HttpRequest, pk: int, ms_id: int) -> HttpResponse:
    from funding import projects

    claim = access.get_claim(request.user, pk)
    project = getattr(claim, "project", None)
    ms = project.milestones.filter(pk=ms_id).first() if project is not None else None
    if ms is None:
        messages.error(request, "里程碑：该申报没有任务书或没有这个里程碑，请在任务书中选择。")
        return _claim_page(request, claim, status=400)
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


@login_required
@require_POST
def project_act(request: HttpRequest, pk: int) -> HttpResponse:
    """任务书, 中期检查, 验收, 绩效评价 on the claim page (bureau staff; the service checks the role)."""
    from funding import changes, projects

    claim = access.get_claim(request.user, pk)
    action, post = request.POST.get("action", ""), request.POST
    try:
        if action == "task_book":
            projects.create_task_book(
                request.user, claim, post.get("lead", ""),
                projects.parse_date(post.get("starts_on"), "starts_on", "开始日期"),
                projects.parse_date(post.get("ends_on"), "ends_on", "结束日期"),
                projects.parse_milestones(post.get("milestones", "")), post.get("registry_subject", ""))
            messages.success(request, "任务书已下达。")
        else:
            project = getattr(claim, "project", None)
            if project is None:
                raise FundingError("该项目尚未签订任务书，请先下达任务书。", "claim")
            if action == "midterm":
                projects.midterm_check(request.user, project, post.get("result", ""), post.get("conclusion", ""))
                messages.success(request, "已记录中期检查。")
            elif action == "accept":
                passed = post.get("passed") == "1"
                projects.accept_project(request.user, project, post.get("result", ""), passed=passed)
                messages.success(request, "已记录验收结论。")
            elif action == "grade":
                projects.grade_project(request.user, project, post.get("grade", ""))
                messages.success(request, "已记录绩效评价。")
            elif action == "change":
                amounts = {k.removeprefix("ms_"): v for k, v in post.items() if k.startswith("ms_") and v.strip()}
                changes.file_change(request.user, project, post.get("kind", ""), post.get("reason", ""),
                                    {"ends_on": post.get("ends_on"), "lead": post.get("lead"), "amounts": amounts})
                messages.success(request, "变更申请已提交，等待市科技局审批。")
            elif action == "decide_change":
                change = get_object_or_404(project.changes, pk=int(post.get("change") or 0))
                changes.decide_change(request.user, change.pk, post.get("approve") == "1", post.get("note", ""))
                messages.success(request, "已审批变更申请。")
            elif action == "terminate":
                changes.terminate(request.user, project, post.get("reason", ""), post.get("clawback") or 0)
                messages.success(request, "项目已终止，结余已退回。")
            elif action == "recover":
                if not access.is_finance(request.user):
                    raise FundingError("只有财政部门可以登记追回。")
                changes.recover(request.user, project)
                messages.success(request, "已登记追回。")
            elif action == "close_out":
                changes.close_out(request.user, project, post.get("note", ""))
                messages.success(request, "项目已结题。")
            else:
                raise FundingError("请选择要办理的项目管理事项。", "action")
    except FundingError as exc:
        messages.error(request, str(exc))
    except ValueError:
        messages.error(request, "请选择要审批的变更申请。")
    return redirect("funding:claim", pk=pk)


@login_required
def bank(request: HttpRequest) -> HttpResponse:
    """Finance: import the bank's return file; reconciliation of ledger payments with the bank's totals."""
    from funding import bank as bank_mod
    from funding.models import BankReturn

    if not access.is_finance(request.user):
        raise Http404("仅限财政部门和市科技局。")
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise FundingError("银行回单：请选择要导入的 Excel 文件。", "file")
            if upload.size > bank_mod.MAX_FILE:
                raise FundingError(f"银行回单「{upload.name}」：超过 5 MB，请分批导入。", "file")
            out = bank_mod.import_return(request.user, upload.name, upload.read())
            messages.success(request, f"已导入银行回单：成功 {out.paid} 笔，失败/退票 {len(out.reversed)} 笔"
                                      "（已冲销，可重新拨付）。")
        except FundingError as exc:
            messages.error(request, str(exc))
        return redirect("funding:bank")
    return render(request, "funding/bank.html", {
        "rec": bank_mod.reconcile_with_bank(request.user), "batches": BankReturn.objects.all()[:20],
        "can_import": request.user.role == "finance",
    })

"""Science-and-technology finance pages: thin views over services, access and reports."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from funding.money import FundingError
from registry.models import Organization, Recognition
from scifinance import access, excel, pools, reports, services
from scifinance.forms import ImportForm, LoanForm, LossClaimForm, PolicyForm, RepaymentForm
from scifinance.models import (
    DATE_WINDOW,
    InsurancePolicy,
    Loan,
    LossClaim,
    Partner,
    PartnerKind,
    Product,
    RiskPool,
    Scheme,
)
from scifinance.services import FinanceError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _lender_or_404(request: HttpRequest) -> Partner:
    """Loans are registered and imported by banks and 科技支行 only."""
    partner = access.partner_of(request.user)
    if partner is None or partner.kind not in access.LENDING_KINDS:
        raise Http404("页面不存在。")
    return partner


def _form_errors(form, exc: FinanceError) -> None:
    for name, message in (getattr(exc, "errors", None) or {exc.field or None: str(exc)}).items():
        form.add_error(name if name in form.fields else None, message)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each account's own start: staff the overview, an insurer its policies, everyone else the loans."""
    if access.is_staff(request.user):
        return redirect("scifinance:dashboard")
    partner = access.partner_of(request.user)
    if partner is not None and partner.kind == PartnerKind.INSURER:
        return redirect("scifinance:policies")
    return redirect("scifinance:loans")


@login_required
def loans(request: HttpRequest) -> HttpResponse:
    qs = access.visible_loans(request.user)
    product = request.GET.get("product", "")
    if product in Product.values:
        qs = qs.filter(product=product)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(borrower__name__icontains=q) | qs.filter(contract_no=q) | qs.filter(borrower__uscc=q.upper())
    if request.GET.get("export"):
        return _xlsx(excel.export_loans(qs), "loans.xlsx")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "scifinance/loans.html", {
        "page": page, "products": Product.choices, "product": product, "q": q,
        "partner": access.partner_of(request.user), "total": reports.dashboard(qs)["total"]})


@login_required
def loan_new(request: HttpRequest) -> HttpResponse:
    partner = _lender_or_404(request)
    form = LoanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.register_loan(request.user, partner, form.cleaned_data)
        except FinanceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已登记贷款 {loan.contract_no}（{services.money(loan.amount)} 元）。")
            return redirect("scifinance:loan", pk=loan.pk)
    return render(request, "scifinance/form.html", {"form": form, "title": f"登记贷款 · {partner}"})


#: What the documents require of a default: nothing about its date (A 第19条 and B 第23–27条 set no period between
#: signing and default); what matters is that the loan was 备案 before it, or it is not compensable.
DEFAULT_RULE = ("违约日期为借款人未按合同约定还本付息之日，须在合同签订日与今天之间。贷款须在违约前备案，违约后不能再备案、"
                "也不能申请风险补偿（威政发〔2018〕20号 第19条）。")


@login_required
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = access.get_or_404(access.visible_loans(request.user), pk)
    partner = access.partner_of(request.user)
    own = partner is not None
    rform = RepaymentForm(request.POST or None) if own else None
    cform = LossClaimForm(request.POST or None, request.FILES or None,
                          initial={"filed_on": dt.date.today().isoformat()}) if own else None
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "repay" and own and rform.is_valid():
                d = rform.cleaned_data
                services.record_repayment(request.user, loan, d["paid_on"], d["principal"], d["interest"] or 0)
                messages.success(request, "已登记还款。")
                return redirect("scifinance:loan", pk=loan.pk)
            if action == "file" and access.is_bureau(request.user):
                services.file_loan(request.user, loan, request.POST.get("filed_on"))
                messages.success(request, "已备案。")
                return redirect("scifinance:loan", pk=loan.pk)
            if action == "default" and (own or access.is_bureau(request.user)):
                services.mark_default(request.user, loan, request.POST.get("defaulted_on"))
                messages.success(request, "已登记违约。")
                return redirect("scifinance:loan", pk=loan.pk)
            if action == "claim" and own and cform.is_valid():
                d, f = cform.cleaned_data, cform.cleaned_data["evidence"]
                lc = pools.file_loss_claim(request.user, loan, d["loss"], d["filed_on"],
                                           [("违约与追偿证明", f.name, f.read())], d["bank_name"], d["bank_account"])
                messages.success(request, f"已提交风险补偿申请，市级补偿 {services.money(lc.city_amount)} 元。")
                return redirect("scifinance:loan", pk=loan.pk)
        except (FinanceError, FundingError) as exc:
            messages.error(request, str(exc))
    reps = loan.repayments.all()
    return render(request, "scifinance/loan.html", {
        "loan": loan, "schedule": loan.schedule.all(), "repayments": reps, "outstanding": services.outstanding(loan),
        "rform": rform, "cform": cform, "own": own, "bureau": access.is_bureau(request.user),
        "loss_claim": LossClaim.objects.filter(loan=loan).select_related("claim").first(),
        "window": pools.claim_window(loan), "default_rule": DEFAULT_RULE})


@login_required
def loan_import(request: HttpRequest) -> HttpResponse:
    partner = _lender_or_404(request)
    if request.GET.get("template"):
        return _xlsx(excel.template_workbook(), "loan-template.xlsx")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.import_loans(form.cleaned_data["file"].read(), partner, request.user)
        if result.ok:
            messages.success(request, f"已导入贷款 {result.loans} 笔、还款 {result.repayments} 笔。")
            return redirect("scifinance:loans")
    return render(request, "scifinance/import.html", {"form": form, "result": result, "partner": partner})


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    partner = access.partner_of(request.user)
    form = None
    if partner is not None and partner.kind == PartnerKind.INSURER:
        form = PolicyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.register_policy(request.user, partner, form.cleaned_data)
            except FinanceError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "已登记保单。")
                return redirect("scifinance:policies")
    page = Paginator(access.visible_policies(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "scifinance/policies.html", {"page": page, "form": form})


def _staff_or_404(request: HttpRequest) -> None:
    if not access.is_staff(request.user):
        raise Http404("页面不存在。")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    qs = access.visible_loans(request.user)
    data = reports.dashboard(qs)
    if request.GET.get("export"):
        return _xlsx(excel.export_loans(qs), "loans.xlsx")
    chart = {"product": [[r["label"], float(r["total"]) / 1e4] for r in data["by_product"]],
             "bank": [[r["label"], float(r["total"]) / 1e4] for r in data["by_bank"][:15]],
             "district": [[r["label"], float(r["total"]) / 1e4] for r in data["by_district"]],
             "pools": [[str(f.pool), float(f.balance) / 1e4] for f in data["pools"]]}
    return render(request, "scifinance/dashboard.html", {**data, "chart": chart})


@login_required
def pool_list(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    if request.method == "POST":
        try:
            lc = access.get_or_404(access.visible_loss_claims(request.user), request.POST.get("loss_claim"))
            if request.POST.get("action") == "approve":
                pools.approve_loss_claim(request.user, lc)
                messages.success(request, "已审核通过并决定补偿金额。")
            elif request.POST.get("action") == "pay":
                pools.pay_loss_claim(request.user, lc)
                messages.success(request, "已拨付。")
            elif request.POST.get("action") == "recover":
                pools.record_recovery(request.user, lc, request.POST.get("amount"), request.POST.get("recovered_on"))
                messages.success(request, "已登记追偿回收，市级份额已返还资金池。")
        except (FinanceError, FundingError) as exc:
            messages.error(request, str(exc))
        return redirect("scifinance:pools")
    figures = [pools.figures(p) for p in RiskPool.objects.all().order_by("id")]
    exposure = {f.pool.pk: pools.exposure_by_bank(f.pool, dt.date.today()) for f in figures}
    chart = {str(f.pool): [[r["name"], float(r["balance"]) / 1e4, round(r["loss_rate"] * 100, 2)]
                           for r in exposure[f.pool.pk]] for f in figures}
    claims = access.visible_loss_claims(request.user)[:100]
    return render(request, "scifinance/pools.html", {
        "figures": figures, "exposure": exposure, "claims": claims, "chart": chart,
        "finance": request.user.role == "finance", "bureau": access.is_bureau(request.user)})


@login_required
def chokepoint_list(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    projects = Recognition.objects.filter(kind="project", subject="chokepoint_project").select_related(
        "organization").order_by("-occurred_on")[:500]
    return render(request, "scifinance/chokepoint_list.html", {"projects": projects})


@login_required
def chokepoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """拨投贷保 (B 第24条) for one 卡脖子 project: 拨 (the grant through the funding workflow), 投 (recommended
    investors), 贷 (卡脖子攻关贷), 保 (研发损失险)."""
    from funding import money

    project = Recognition.objects.filter(kind="project", subject="chokepoint_project").select_related(
        "organization").filter(pk=pk).first()
    if project is None:
        raise Http404("未找到该项目。")
    org: Organization = project.organization
    u = request.user
    if not access.is_staff(u) and getattr(u, "organization_id", None) != org.pk:
        raise Http404("未找到该项目。")
    grants = money.claims_of(org, "B.24.chokepoint_project_ceiling")
    investors = Partner.objects.filter(kind=PartnerKind.INVESTMENT, filings__scheme=Scheme.CHOKEPOINT).distinct()
    loans_ = Loan.objects.filter(borrower=org, product=Product.CHOKEPOINT_LOAN).select_related("lender__organization")
    policies_ = InsurancePolicy.objects.filter(insured=org, product="chokepoint_rd_insurance").select_related(
        "insurer__organization")
    return render(request, "scifinance/chokepoint.html", {
        "project": project, "org": org, "grants": grants, "investors": investors, "loans": loans_,
        "policies": policies_})


@require_POST
@login_required
def revoke_filings(request: HttpRequest) -> HttpResponse:
    if not access.is_bureau(request.user):
        raise Http404("页面不存在。")
    try:
        year = int(request.POST.get("year", ""))
        if not DATE_WINDOW[0].year <= year <= DATE_WINDOW[1].year:
            raise ValueError
    except ValueError:
        messages.error(request, f"年度：请填写 {DATE_WINDOW[0].year} 至 {DATE_WINDOW[1].year} 之间的四位年份，例如 2025。")
        return redirect("scifinance:pools")
    n = services.revoke_unmet_filings(request.user, year)
    messages.success(request, f"已撤销 {n} 笔年末条件未满足的贷款备案。")
    return redirect("scifinance:pools")

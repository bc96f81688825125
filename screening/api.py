"""REST API of 免申即享 (mounted at /api/screening/): the same services as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ratelimits import AnonymousThrottle
from policy import services as engine
from registry.models import IndustryChain, Region
from screening import api_schema as doc
from screening import calculator, services
from screening.models import ScreeningRun

RESULT_FIELDS = ("provision_id", "title", "document", "article", "form", "is_ceiling", "amount", "status",
                 "explanation", "missing", "caveats")


def result_json(r: Any) -> dict[str, Any]:
    out = {f: getattr(r, f, None) for f in RESULT_FIELDS}
    out["amount"] = str(out["amount"] if out["amount"] is not None else Decimal(0))
    out["missing"] = services.missing_items(out["missing"])
    out["caveats"] = services.missing_items(out["caveats"])
    claim = getattr(r, "claim", None)  # an entitlement already claimed (funding): where its claim stands
    if claim is not None:
        out["claim"] = {"id": claim.pk, "state": claim.state, "label": claim.label, "amount": _money(claim.amount)}
    return out


def run_json(run: ScreeningRun) -> dict[str, Any]:
    return {
        "id": run.pk, "kind": run.kind, "year": run.year, "scope": run.scope, "scope_label": run.scope_label(),
        "status": run.status, "status_display": run.get_status_display(), "total": run.total,
        "processed": run.processed, "percent": run.percent, "cancel_requested": run.cancel_requested,
        "overrides": run.overrides, "error": run.error, "skipped_count": len(run.skipped or []),
        "skipped": run.skipped or [], "created_at": run.created_at, "finished_at": run.finished_at,
    }


def _money(v: Any) -> str:
    """Yuan with two decimals (sums over SQLite and PostgreSQL otherwise differ in their trailing zeros)."""
    return str(Decimal(v or 0).quantize(Decimal("0.01")))


def _money_rows(rows: list[dict]) -> list[dict]:
    return [{k: (_money(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in rows]


class StaffOnly(permissions.BasePermission):
    message = "只有市科技局、区市和财政部门工作人员可以使用政策筛查与测算。"

    def has_permission(self, request: Request, view: Any) -> bool:
        return services.can_screen(request.user)


def _bad(exc: Exception, field: str = "") -> Response:
    return Response({"detail": str(exc), "field": getattr(exc, "field", field)}, status=status.HTTP_400_BAD_REQUEST)


class RunListView(APIView):
    """GET: recent runs. POST: start a screening or what-if run (kind, year, scope, region, industry_chain,
    organization_ids, overrides {path: value})."""

    permission_classes = [StaffOnly]

    @extend_schema(responses=doc.RunSerializer(many=True), operation_id="screening_runs_list")
    def get(self, request: Request) -> Response:
        return Response([run_json(r) for r in services.visible_runs(request.user)[:100]])

    @extend_schema(request=doc.RunRequestSerializer, responses={201: doc.RunSerializer})
    def post(self, request: Request) -> Response:
        d = request.data
        region = chain = None
        try:
            if d.get("region"):
                region = Region.objects.filter(code=str(d["region"])).first() or Region.objects.filter(
                    pk=int(d["region"]) if str(d["region"]).isdigit() else 0).first()
                if region is None:
                    raise services.ScreeningInputError(f"未知区市“{d['region']}”，请填写区市编码。", "region")
            if d.get("industry_chain"):
                chain = IndustryChain.objects.filter(code=str(d["industry_chain"])).first()
                if chain is None:
                    raise services.ScreeningInputError(f"未知产业链“{d['industry_chain']}”，请填写产业链编码。",
                                                       "industry_chain")
            ids = d.get("organization_ids") or []
            if isinstance(ids, str):
                ids = services.parse_id_list(ids)
            run = services.start_run(
                request.user, kind=d.get("kind", ScreeningRun.Kind.SCREENING), year=d.get("year"),
                scope=d.get("scope", ScreeningRun.Scope.ALL), region=region, industry_chain=chain,
                organization_ids=[int(i) for i in ids], overrides=d.get("overrides") or {},
            )
        except services.ScreeningInputError as exc:
            return _bad(exc)
        except (TypeError, ValueError):
            return _bad(ValueError("主体编号须为整数列表。"), "organization_ids")
        return Response(run_json(run), status=status.HTTP_201_CREATED)


class RunDetailView(APIView):
    """Status and progress of one run (the progress bar polls this)."""

    permission_classes = [StaffOnly]

    @extend_schema(responses=doc.RunSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(run_json(get_object_or_404(services.visible_runs(request.user), pk=pk)))


class RunCancelView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(request=None, responses=doc.RunSerializer)
    def post(self, request: Request, pk: int) -> Response:
        run = get_object_or_404(services.visible_runs(request.user), pk=pk)
        try:
            run = services.cancel_run(request.user, run)
        except services.ScreeningInputError as exc:
            return _bad(exc)
        return Response(run_json(run))


class RunTotalsView(APIView):
    """Totals of a finished screening run, or the comparison of a finished what-if run."""

    permission_classes = [StaffOnly]

    @extend_schema(responses={200: doc.TotalsSerializer, 409: doc.RunStateErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        run = get_object_or_404(services.visible_runs(request.user), pk=pk)
        if run.status != ScreeningRun.Status.DONE:
            return Response({"detail": f"任务{run.get_status_display()}，完成后才有汇总。"}, status=status.HTTP_409_CONFLICT)
        if run.kind == ScreeningRun.Kind.WHATIF:
            c = services.whatif_comparison(run)
            return Response({"run": run_json(run), "base_amount": _money(c.base_amount),
                             "changed_amount": _money(c.changed_amount), "delta_amount": _money(c.delta_amount),
                             "base_beneficiaries": c.base_beneficiaries, "changed_beneficiaries": c.changed_beneficiaries,
                             "by_provision": _money_rows(c.by_provision), "by_region": _money_rows(c.by_region)})
        t = services.totals(run)
        return Response({"run": run_json(run), "entities": t.entities, "near_entities": t.near_entities,
                         "entitlement": _money(t.entitlement), "ceiling": _money(t.ceiling),
                         "by_provision": _money_rows(t.by_provision), "by_region": _money_rows(t.by_region),
                         "by_form": _money_rows(t.by_form)})


class ParametersView(APIView):
    """The parameters a what-if may change (from the policy engine)."""

    permission_classes = [StaffOnly]

    @extend_schema(responses=doc.ParameterSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([{k: (str(v) if isinstance(v, Decimal) else v) for k, v in p.items()}
                         for p in engine.tunable_parameters()])


class MineView(APIView):
    """The logged-in entity account's entitlements for ?year= (default this year) and the year before."""

    @extend_schema(responses=doc.MineSerializer,
                   parameters=[OpenApiParameter("year", int, description="年度，默认今年")])
    def get(self, request: Request) -> Response:
        org = services.entity_organization(request.user)
        if org is None:
            return Response({"detail": "本账户未关联主体。"}, status=status.HTTP_404_NOT_FOUND)
        try:
            year = int(request.query_params.get("year", timezone.localdate().year))
        except ValueError:
            return _bad(ValueError("年度须为四位数字。"), "year")
        if not 2019 <= year <= 2100:  # the year and the one before, both from 2018 (the documents' first year) on
            return _bad(ValueError(f"年度：{year} 超出范围，请填写 2019–2100 年（同时列出上一年度，政策自 2018 年起）。"),
                        "year")
        years = services.entitlements(org, [year, year - 1])
        return Response({"organization": {"id": org.pk, "name": org.name}, "years": [
            {"year": y["year"], "entitlement": _money(y["entitlement"]), "ceiling": _money(y["ceiling"]),
             "applies": [result_json(r) for r in y["applies"]], "near": [result_json(r) for r in y["near"]]}
            for y in years]})


class CalculatorView(APIView):
    """Public policy calculator: the same fields as the page form."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonymousThrottle]

    @extend_schema(request=doc.CalculatorRequestSerializer, responses=doc.CalculatorSerializer)
    def post(self, request: Request) -> Response:
        form = calculator.CalculatorForm(request.data)
        if not form.is_valid():
            return Response({"detail": "请核对填写的信息。", "errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = calculator.evaluate(form.cleaned_data)
        except engine.PolicyInputError as exc:
            return _bad(exc)
        return Response({"year": form.cleaned_data["year"], "results": [
            result_json(r) for r in result.results if r.status in ("applies", "near")]})

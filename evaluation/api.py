"""REST API of 政策成效评估 (mounted at /api/evaluation/), for the bureau and third-party evaluators' analysts: the
same services as the pages. Results are de-identified (pseudonyms, no names, no bank details)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation import reports, services
from evaluation.models import EvaluationRun


class Readers(permissions.BasePermission):
    message = "只有市科技局、财政部门工作人员和第三方评估机构可以使用政策成效评估。"

    def has_permission(self, request: Request, view: Any) -> bool:
        return services.can_read(request.user)


RunRequest = inline_serializer("EvaluationRunRequest", {
    "provision_id": serializers.CharField(help_text="条款编号，如 B.09.rd_growth_subsidy（见 GET /api/evaluation/choices/）"),
    "outcome": serializers.CharField(required=False, help_text="结果指标，默认 rd_expense"),
    "year_from": serializers.IntegerField(), "year_to": serializers.IntegerField()})


#: one serializer class for a run, so the schema names one component; a list answers ``RunAnswer(many=True)``
RunAnswer = inline_serializer("EvaluationRun", {
    "id": serializers.IntegerField(), "provision_id": serializers.CharField(), "outcome": serializers.CharField(),
    "year_from": serializers.IntegerField(), "year_to": serializers.IntegerField(),
    "status": serializers.CharField(), "progress": serializers.IntegerField(),
    "result": serializers.DictField(required=False)}).__class__


def _run(request: Request, pk: int) -> EvaluationRun:
    return get_object_or_404(services.visible_runs(request.user), pk=pk)


class ChoicesView(APIView):
    """GET: the provisions that can be evaluated and the outcomes."""

    permission_classes = [Readers]

    @extend_schema(responses=inline_serializer("EvaluationChoices", {"provisions": serializers.ListField(),
                                                                     "outcomes": serializers.ListField()}))
    def get(self, request: Request) -> Response:
        return Response(services.choices())


class RunListView(APIView):
    """GET: evaluations this account may read. POST: start one (a background job; poll its URL)."""

    permission_classes = [Readers]

    @extend_schema(responses=RunAnswer(many=True), operation_id="evaluation_runs_list")
    def get(self, request: Request) -> Response:
        return Response([services.summary(r) for r in services.visible_runs(request.user)[:100]])

    @extend_schema(request=RunRequest, responses={201: RunAnswer(), 400: OpenApiResponse(description="字段有误")})
    def post(self, request: Request) -> Response:
        d = request.data if hasattr(request.data, "get") else {}
        if not services.can_start(request.user):
            return Response({"detail": "只有市科技局工作人员和第三方评估机构可以发起政策成效评估。"},
                            status=status.HTTP_403_FORBIDDEN)
        try:
            run = services.start_run(request.user, d.get("provision_id"), d.get("outcome"), d.get("year_from"),
                                     d.get("year_to"))
        except services.EvaluationInputError as exc:
            return Response({"detail": str(exc), "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)
        return Response(services.summary(run), status=status.HTTP_201_CREATED)


class RunDetailView(APIView):
    """GET: the evaluation, its progress and, when done, its result (without the sample)."""

    permission_classes = [Readers]

    @extend_schema(responses=RunAnswer(), operation_id="evaluation_run")
    def get(self, request: Request, pk: int) -> Response:
        return Response(services.summary(_run(request, pk)))


class RunSampleView(APIView):
    """GET: the de-identified firm-level sample behind the estimates (pseudonyms, district, year, figures)."""

    permission_classes = [Readers]

    @extend_schema(responses=inline_serializer("EvaluationSample", {"note": serializers.CharField(),
                                                                    "rows": serializers.ListField()}))
    def get(self, request: Request, pk: int) -> Response:
        run = _run(request, pk)
        return Response({"note": run.result.get("sample_note", ""), "rows": run.result.get("sample", [])})


def _export(request: Request, pk: int, kind: str) -> Any:
    run = _run(request, pk)
    if run.status != EvaluationRun.Status.DONE:
        return Response({"detail": "评估尚未完成，完成后才能导出。"}, status=status.HTTP_409_CONFLICT)
    if kind == "pdf":
        response = HttpResponse(reports.report_pdf(run), content_type=PDF)
    else:
        response = HttpResponse(reports.report_xlsx(run), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{run.pk}.{kind}"'
    return response


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RunPdfView(APIView):
    """GET: the evaluation report as PDF (C 九（四） 绩效评估)."""

    permission_classes = [Readers]

    @extend_schema(responses={(200, PDF): OpenApiResponse(description="PDF 报告")})
    def get(self, request: Request, pk: int) -> Any:
        return _export(request, pk, "pdf")


class RunXlsxView(APIView):
    """GET: the data behind every chart and the de-identified sample, as Excel."""

    permission_classes = [Readers]

    @extend_schema(responses={(200, XLSX): OpenApiResponse(description="Excel 工作簿")})
    def get(self, request: Request, pk: int) -> Any:
        return _export(request, pk, "xlsx")

"""REST API (mounted at /api/policy/): the same service functions as the pages and the command line."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from policy import coverage, services
from policy.access import visible_organization
from policy.explain import GRADE_CODES


class ProvisionResultSerializer(serializers.Serializer):
    provision_id = serializers.CharField()
    title = serializers.CharField()
    document = serializers.CharField()
    article = serializers.CharField()
    form = serializers.ChoiceField(choices=["fixed", "ceiling", "proportional", "matching", "per_unit", "one_time",
                                            "case_by_case"])
    is_ceiling = serializers.BooleanField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    status = serializers.ChoiceField(choices=["applies", "near", "not_applicable"])
    explanation = serializers.CharField()
    missing = serializers.CharField()
    facts_used = serializers.DictField()
    interpretations = serializers.ListField(child=serializers.CharField())
    caveats = serializers.ListField(child=serializers.CharField())


class EvaluationSerializer(serializers.Serializer):
    subject = serializers.CharField()
    period = serializers.CharField()
    total_fixed = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_ceiling = serializers.DecimalField(max_digits=16, decimal_places=2)
    results = ProvisionResultSerializer(many=True)


def _codes(name: str) -> list[str]:
    """The current jurisdiction's codes of a code-valued input (the schema lists them; the service checks them)."""
    from policy.jurisdiction import current

    return list(current().vocabulary.get(name, {}))


def _regions() -> list[str]:
    from policy.jurisdiction import current

    reference = current().reference
    return list(reference.codes()) if reference is not None else []


class QualificationInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(services.QUALIFICATION_KINDS))
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    certification = serializers.ChoiceField(choices=_codes("certification"), required=False)


class RecognitionAttributesSerializer(serializers.Serializer):
    seller_located = serializers.CharField(required=False, help_text="local、outside_jurisdiction，或卖方注册地区划代码")
    seller_kind = serializers.ChoiceField(choices=_codes("seller_kind"), required=False)
    registered = serializers.BooleanField(required=False, allow_null=True)


class RecognitionInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(services.RECOGNITION_KINDS))
    subject = serializers.ChoiceField(choices=_codes("subject"))
    level = serializers.ChoiceField(choices=sorted(services.LEVELS), required=False)
    grade = serializers.ChoiceField(choices=[*GRADE_CODES, *GRADE_CODES.values()], required=False)
    role = serializers.ChoiceField(choices=_codes("role"), required=False)
    occurred_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    title = serializers.CharField(required=False)
    attributes = RecognitionAttributesSerializer(required=False)


class SituationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(services.ORG_KINDS))
    region = serializers.CharField(required=False, help_text="注册地：本辖区代码（" + "、".join(_regions())
                                   + "）或辖区外的 GB/T 2260 六位代码；辖区外的主体不适用本辖区条款")
    industry_sector = serializers.ChoiceField(choices=_codes("industry_sector"), required=False,
                                              help_text="《中小企业划型标准规定》的行业")
    sme_size = serializers.ChoiceField(choices=_codes("sme_size"), required=False, help_text="申报的企业规模")
    qualifications = QualificationInSerializer(many=True, required=False)
    recognitions = RecognitionInSerializer(many=True, required=False)
    annual_facts = serializers.DictField(required=False, help_text="年度 → {" + "、".join(services.ANNUAL_FIELDS) + "}")


class EvaluateRequestSerializer(serializers.Serializer):
    situation = SituationSerializer(help_text="情形：kind、region、qualifications、recognitions、annual_facts")
    period = serializers.CharField(help_text="年度，如 2024")
    overrides = serializers.DictField(required=False, help_text="参数路径 → 新值（what-if）")
    interpretations = serializers.DictField(required=False, help_text="解释口径 → 取值")


class CatalogueEntrySerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    citation = serializers.CharField()
    also_cited = serializers.ListField(child=serializers.CharField())
    form = serializers.CharField()
    is_ceiling = serializers.BooleanField()
    window_from = serializers.CharField()
    window_to = serializers.CharField()
    variable = serializers.CharField()
    parameters = serializers.ListField(child=serializers.DictField())
    interpretations = serializers.ListField(child=serializers.CharField())


class CoverageRowSerializer(serializers.Serializer):
    document = serializers.CharField()
    article = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField()
    provisions = serializers.ListField(child=serializers.CharField())
    variables = serializers.ListField(child=serializers.CharField())
    tests = serializers.IntegerField()


class TextSentenceSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="文件代号-句序号")
    article = serializers.CharField()
    text = serializers.CharField()
    cues = serializers.CharField(help_text="识别依据：金额、比例、上限、配套、给予")
    found_by_reader = serializers.BooleanField()
    state = serializers.ChoiceField(choices=list(coverage.SENTENCE_STATES))
    provisions = serializers.ListField(child=serializers.CharField())


class TextDocumentSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    declared = serializers.BooleanField()
    found = serializers.IntegerField()
    encoded = serializers.IntegerField()
    catalogued = serializers.IntegerField()
    unaccounted = serializers.IntegerField()
    sentences = TextSentenceSerializer(many=True)


class TextCoverageSerializer(serializers.Serializer):
    documents = TextDocumentSerializer(many=True)
    problems = serializers.ListField(child=serializers.DictField())
    summary = serializers.DictField(child=serializers.IntegerField())


class CoverageSerializer(serializers.Serializer):
    rows = CoverageRowSerializer(many=True)
    summary = serializers.DictField(child=serializers.IntegerField())
    text = TextCoverageSerializer(help_text="原文逐句核对：每个写明金额、比例、上限或配套的句子由哪些条款编码、为何不计算，或未处理")


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()


def _out(result: services.EvaluationResult) -> dict[str, Any]:
    return result.to_dict()


class EvaluateView(APIView):
    @extend_schema(request=EvaluateRequestSerializer, responses={200: EvaluationSerializer, 400: ErrorSerializer},
                   summary="按情形计算适用的政策条款", tags=["policy"])
    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        try:
            result = services.evaluate_situation(body.get("situation"), str(body.get("period", "")),
                                                 body.get("overrides"), body.get("interpretations"))
        except services.PolicyInputError as exc:
            return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_out(result))


class OrganizationView(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int, required=True, description="年度")],
                   responses={200: EvaluationSerializer, 400: ErrorSerializer}, summary="计算登记主体某年度适用的条款",
                   tags=["policy"])
    def get(self, request: Request, pk: int) -> Response:
        org = visible_organization(request.user, pk)
        try:
            result = services.evaluate_organization(org, request.query_params.get("year", ""))
        except services.PolicyInputError as exc:
            return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_out(result))


class CatalogueView(APIView):
    @extend_schema(responses={200: CatalogueEntrySerializer(many=True)}, summary="政策条款目录",
                   tags=["policy"])
    def get(self, request: Request) -> Response:
        return Response(services.catalogue())


class CoverageView(APIView):
    @extend_schema(responses={200: CoverageSerializer}, summary="条款编码覆盖情况", tags=["policy"])
    def get(self, request: Request) -> Response:
        return Response({"rows": coverage.report(), "summary": coverage.summary(), "text": coverage.text_report()})

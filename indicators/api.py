"""REST API (mounted at /api/indicators/): the same services as the pages, the command line and the reports."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from indicators import services
from indicators.models import Indicator
from indicators.services import IndicatorInputError


class ProgressSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    rule = serializers.CharField()
    latest_year = serializers.IntegerField(allow_null=True)
    latest_value = serializers.FloatField(allow_null=True)
    base_year = serializers.IntegerField(allow_null=True)
    base_value = serializers.FloatField(allow_null=True)
    share_of_way = serializers.FloatField(allow_null=True)
    achieved_rate = serializers.FloatField(allow_null=True)
    required_rate = serializers.FloatField(allow_null=True)
    rate_unit = serializers.CharField()
    projection = serializers.FloatField(allow_null=True)


class IndicatorSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    citation = serializers.CharField()

    class Meta:
        model = Indicator
        fields = ["code", "name", "category", "definition", "unit", "unit_kind", "target_kind", "direction",
                  "document", "article", "citation", "quote", "jurisdiction", "baseline_year", "baseline_value",
                  "target_year", "target_value", "change_text", "department", "computed", "districts"]


class PointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField()
    origin = serializers.ChoiceField(choices=["entered", "computed"])
    computed_value = serializers.FloatField(allow_null=True)
    source = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)


class ObservationInSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.CharField(help_text="数值；比重类填百分数，如 46.5")
    source = serializers.CharField()
    region = serializers.CharField(required=False, allow_blank=True, help_text="区域编码，留空为指标适用区域整体")
    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, help_text="填写即为更正（生成新版本）")
    base_version = serializers.IntegerField(required=False, min_value=1,
                                            help_text="更正时：您看到的版本号；他人已先更正时拒绝并提示刷新")


def _government(request: Request) -> None:
    if not access.is_staff_reader(request.user):
        raise PermissionDenied("指标监测仅向市科技局、区市和财政部门工作人员开放。")


def _point(p: services.Point) -> dict[str, Any]:
    return {"year": p.year, "value": p.value, "origin": p.origin, "computed_value": p.computed_value,
            "source": p.observation.source if p.observation else "平台登记库",
            "version": p.observation.version if p.observation else None}


class IndicatorListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int, description="监测年度（数据截至该年）")],
                   responses={200: serializers.ListSerializer(child=serializers.DictField())},
                   summary="全部指标及其进度")
    def get(self, request: Request) -> Response:
        _government(request)
        year = request.query_params.get("year")
        rows = services.dashboard(int(year) if year and year.isdigit() else None)
        return Response([{**IndicatorSerializer(r["indicator"]).data,
                          "latest": _point(r["latest"]) if r["latest"] else None,
                          "progress": ProgressSerializer(r["progress"].to_dict()).data} for r in rows])


class IndicatorDetailView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="一个指标：定义、年度数据与进度")
    def get(self, request: Request, code: str) -> Response:
        _government(request)
        try:
            ind = services.get_indicator(code)
        except IndicatorInputError as e:
            return Response({"indicator": [e.message]}, status=status.HTTP_404_NOT_FOUND)
        points = services.series(ind)
        return Response({**IndicatorSerializer(ind).data, "series": [_point(p) for p in points.values()],
                         "progress": ProgressSerializer(services.progress(ind, points).to_dict()).data})


class ObservationView(APIView):
    @extend_schema(request=ObservationInSerializer, responses={201: PointSerializer},
                   summary="录入观测值（填写 reason 即为更正，生成新版本）")
    def post(self, request: Request, code: str) -> Response:
        if not request.user.is_bureau:
            raise PermissionDenied("只有市科技局工作人员可以录入或更正指标观测值。")
        body = ObservationInSerializer(data=request.data)
        if not body.is_valid():
            return Response(body.errors, status=status.HTTP_400_BAD_REQUEST)
        d = dict(body.validated_data)
        reason = d.pop("reason", "")
        base_version = d.pop("base_version", None)
        try:
            if reason:
                obs = services.correct_observation(code, reason=reason, user=request.user, channel="api",
                                                   base_version=base_version, **d)
            else:
                obs = services.record_observation(code, user=request.user, channel="api", **d)
        except IndicatorInputError as e:
            return Response({e.field: [e.message]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"year": obs.year, "value": float(obs.value), "origin": "entered", "computed_value": None,
                         "source": obs.source, "version": obs.version}, status=status.HTTP_201_CREATED)

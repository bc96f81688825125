"""REST API of the registry: the same visibility and the same services as the pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from registry.models import IndustryChain, QualificationKind, Region
from registry.serializers import (
    AnnualFactsSerializer,
    IndustryChainSerializer,
    OrganizationDetailSerializer,
    OrganizationSerializer,
    QualificationCheckSerializer,
    RegionSerializer,
)
from registry.services import (
    DirectoryFilter,
    apply_changes,
    can_edit,
    qualification_holds,
    save_annual_facts,
    search_organizations,
    visible_organizations,
)

_FILTERS = [
    OpenApiParameter("q", str, description="名称包含的文字，或18位统一社会信用代码"),
    OpenApiParameter("kind", str, description="主体类别：enterprise / research_institution / platform / service_provider"),
    OpenApiParameter("region", str, description="区市或功能区编码，如 371082、Z-GAOQU"),
    OpenApiParameter("chain", str, description="产业链编码"),
    OpenApiParameter("qualification", str, description="在 on 日期有效的资质，如 high_tech_enterprise"),
    OpenApiParameter("level", str, description="级别：city / provincial / national"),
    OpenApiParameter("on", OpenApiTypes.DATE, description="资质有效的日期，默认今天"),
]


def _raise_chinese(exc: ValidationError) -> None:
    raise serializers.ValidationError(getattr(exc, "message_dict", {"non_field_errors": exc.messages}))


class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """创新主体。企业账户只能看到和修改本单位；其他主体返回 404。"""

    def get_queryset(self):
        qs = visible_organizations(self.request.user)
        if self.action == "list":
            return search_organizations(qs, DirectoryFilter.from_params(self.request.query_params))
        return qs

    def get_serializer_class(self):
        return OrganizationDetailSerializer if self.action == "retrieve" else OrganizationSerializer

    @extend_schema(parameters=_FILTERS)
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_update(self, serializer) -> None:
        org = serializer.instance
        if not can_edit(self.request.user, org):
            raise PermissionDenied("您无权修改该主体。")
        changes = dict(serializer.validated_data)
        if self.request.user.is_entity_account and "uscc" in changes and changes["uscc"] != org.uscc:
            raise PermissionDenied("统一社会信用代码只能由市科技局修改。")
        try:
            apply_changes(self.request.user, org, changes, "api")
        except ValidationError as exc:
            _raise_chinese(exc)

    @extend_schema(request=AnnualFactsSerializer, responses=AnnualFactsSerializer)
    @action(detail=True, methods=["post"], url_path="facts")
    def facts(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:  # noqa: A002
        """填报或修改一个年度的数据（同一年度再次提交即为修改，变更记入历史）。"""
        org = self.get_object()
        if not can_edit(request.user, org):
            raise PermissionDenied("您无权修改该主体。")
        serializer = AnnualFactsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        year = values.pop("year")
        try:
            facts = save_annual_facts(request.user, org, year, values, "api")
        except ValidationError as exc:
            _raise_chinese(exc)
        return Response(AnnualFactsSerializer(facts).data, status=status.HTTP_200_OK)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, required=True, description="资质，如 high_tech_enterprise"),
            OpenApiParameter("on", OpenApiTypes.DATE, required=True, description="日期 YYYY-MM-DD"),
        ],
        responses=QualificationCheckSerializer,
    )
    @action(detail=True, methods=["get"], url_path="holds")
    def holds(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:  # noqa: A002
        """某日是否具有某项资质，例如“X 在 D 日是否为高新技术企业”。"""
        org = self.get_object()
        kind = request.query_params.get("kind", "")
        if kind not in QualificationKind.values:
            raise serializers.ValidationError({"kind": f"未知资质“{kind}”，可选：{'、'.join(QualificationKind.values)}。"})
        try:
            on = dt.date.fromisoformat(request.query_params.get("on", ""))
        except ValueError as exc:
            raise serializers.ValidationError({"on": "日期格式应为 YYYY-MM-DD。"}) from exc
        return Response({"organization": org.pk, "kind": kind, "on": on, "holds": qualification_holds(org, kind, on)})


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """区市（GB/T 2260）、功能区。"""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    pagination_class = None


class IndustryChainViewSet(viewsets.ReadOnlyModelViewSet):
    """产业链（本市科技创新规划所列的重点产业链）。"""

    queryset = IndustryChain.objects.all()
    serializer_class = IndustryChainSerializer
    lookup_field = "code"
    pagination_class = None

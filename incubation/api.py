"""REST API of the incubation rosters: the same access rules (``access``) and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from incubation import access, excel, services
from incubation.models import RosterChange, Stay
from incubation.serializers import (
    CarrierSerializer,
    RosterChangeSerializer,
    RosterImportResultSerializer,
    RosterImportSerializer,
    StayCreateSerializer,
    StayExitSerializer,
    StaySerializer,
)


def _raise_chinese(exc: ValidationError) -> None:
    raise serializers.ValidationError(getattr(exc, "message_dict", {"non_field_errors": exc.messages}))


class CarrierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """孵化载体。载体账户只能看到本载体；区市账户看到本区域；其他载体返回 404。"""

    serializer_class = CarrierSerializer

    def get_queryset(self):
        return access.visible_carriers(self.request.user).order_by("id")

    @extend_schema(responses=StaySerializer(many=True), summary="载体的在孵名册（含已毕业、退出）")
    @action(detail=True, methods=["get"])
    def stays(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        carrier = self.get_object()
        qs = carrier.stays.select_related("incubatee__organization").order_by("entered_on", "id")
        return Response(StaySerializer(qs, many=True).data)

    @extend_schema(request=StayCreateSerializer, responses={201: StaySerializer, 202: RosterChangeSerializer},
                   summary="登记在孵对象（迁入或超过补登期限的，提交申请待原载体或市科技局处理，答 202）")
    @stays.mapping.post
    def add_stay(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        carrier = self.get_object()
        if not access.can_keep_roster(request.user, carrier):
            raise NotFound("未找到该载体，或您无权修改。")
        s = StayCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            incubatee = services.incubatee_for(d["uscc"], d["team_name"], d["team_leader"])
            stay = services.request_stay(request.user, carrier, incubatee, d["entered_on"], moved_in=d["moved_in"],
                                         space=d["space"], space_m2=d["space_m2"], services=d["services"])
        except ValidationError as exc:
            _raise_chinese(exc)
        if isinstance(stay, RosterChange):
            return Response(RosterChangeSerializer(stay).data, status=status.HTTP_202_ACCEPTED)
        return Response(StaySerializer(stay).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": RosterImportSerializer},
                   responses={201: RosterImportResultSerializer, 400: RosterImportResultSerializer},
                   summary="Excel 导入在孵名册（全部正确才导入，列出每个错误行）")
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_roster(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        carrier = self.get_object()
        if not access.can_keep_roster(request.user, carrier):
            raise NotFound("未找到该载体，或您无权修改。")
        s = RosterImportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        result = excel.import_roster(s.validated_data["file"].read(), carrier, request.user)
        return Response({"created": result.created, "pending": result.pending, "errors": result.errors},
                        status=status.HTTP_201_CREATED if result.ok else status.HTTP_400_BAD_REQUEST)


class StayViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """在孵记录：查看、登记毕业或退出。"""

    serializer_class = StaySerializer

    def get_queryset(self):
        return Stay.objects.filter(carrier__in=access.visible_carriers(self.request.user)).select_related(
            "incubatee__organization")

    @extend_schema(request=StayExitSerializer, responses={200: StaySerializer, 202: RosterChangeSerializer},
                   summary="登记毕业或退出")
    @action(detail=True, methods=["post"])
    def exit(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        stay = self.get_object()
        if not access.can_keep_roster(request.user, stay.carrier):
            raise NotFound("未找到该在孵记录，或您无权修改。")
        s = StayExitSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            done = services.end_stay(request.user, stay, d["exited_on"], d["exit_reason"], d["exit_note"])
        except ValidationError as exc:
            _raise_chinese(exc)
        if isinstance(done, RosterChange):
            return Response(RosterChangeSerializer(done).data, status=status.HTTP_202_ACCEPTED)
        return Response(StaySerializer(stay).data)

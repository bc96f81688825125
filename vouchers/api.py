"""REST API (mounted at /api/vouchers/): the catalogue, bookings and service records — providers' systems post usage.
The same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vouchers import access, services
from vouchers.models import Booking, Instrument, ServiceRecord


class InstrumentSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.organization.name")
    region = serializers.CharField(source="region.name")
    price = serializers.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        model = Instrument
        fields = ["id", "name", "model_no", "kind", "provider", "region", "location", "price_basis", "price",
                  "networked", "notice_hours", "max_hours", "cancel_hours", "needs_approval", "needs_training",
                  "opens_at", "closes_at"]


class BookingSerializer(serializers.ModelSerializer):
    instrument = serializers.PrimaryKeyRelatedField(read_only=True)
    organization = serializers.CharField(source="organization.name")

    class Meta:
        model = Booking
        fields = ["id", "instrument", "organization", "starts_at", "ends_at", "samples", "purpose", "state", "reason"]


class BookingCreateSerializer(serializers.Serializer):
    instrument = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    samples = serializers.IntegerField(required=False, default=0, min_value=0)
    purpose = serializers.CharField(required=False, default="", allow_blank=True)


class BookingStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[s.name for s in services.BOOKING_TRANSITIONS])
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class RecordSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name")
    provider = serializers.CharField(source="provider.organization.name")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        model = ServiceRecord
        fields = ["id", "provider", "organization", "booking", "instrument", "service", "category", "performed_on",
                  "quantity", "amount", "invoice_no", "description", "state", "rating"]


class RecordCreateSerializer(serializers.Serializer):
    booking = serializers.IntegerField(required=False, help_text="仪器预约编号（仪器服务）")
    service = serializers.IntegerField(required=False, help_text="服务项目编号（非仪器服务）")
    organization = serializers.IntegerField(required=False, help_text="服务对象单位编号（非仪器服务）")
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    performed_on = serializers.DateField()
    invoice_no = serializers.CharField(required=False, default="", allow_blank=True)
    description = serializers.CharField(required=False, default="", allow_blank=True)


class VoucherErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    field = serializers.CharField()


def _error(exc: services.VoucherError) -> Response:
    return Response({"detail": str(exc), "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)


@extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("kind", str),
                           OpenApiParameter("region", int), OpenApiParameter("provider", int)])
class InstrumentList(generics.ListAPIView):
    serializer_class = InstrumentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        g = self.request.query_params
        return services.search(access.catalogue(self.request.user), q=g.get("q", ""), kind=g.get("kind", ""),
                               region=_int_param(g, "region", "区市"), provider=_int_param(g, "provider", "服务机构"))


def _int_param(params: Any, name: str, label: str) -> int | None:
    """An optional integer filter; anything else answers 400 naming the field (never a 500)."""
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise serializers.ValidationError({name: f"{label}：请填写编号（整数），或不填。"}) from None


class InstrumentDetail(generics.RetrieveAPIView):
    serializer_class = InstrumentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return access.catalogue(self.request.user)


class BookingList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=BookingSerializer(many=True))
    def get(self, request: Request) -> Response:
        qs = access.bookings(request.user).order_by("-starts_at")[:500]
        return Response(BookingSerializer(qs, many=True).data)

    @extend_schema(request=BookingCreateSerializer, responses={201: BookingSerializer, 400: VoucherErrorSerializer})
    def post(self, request: Request) -> Response:
        s = BookingCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            b = services.book(request.user, d["instrument"], d["starts_at"], d["ends_at"], d["samples"], d["purpose"])
        except services.VoucherError as exc:
            return _error(exc)
        return Response(BookingSerializer(b).data, status=status.HTTP_201_CREATED)


class BookingStep(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=BookingStepSerializer, responses={200: BookingSerializer, 400: VoucherErrorSerializer})
    def post(self, request: Request, pk: int) -> Response:
        access.get(access.bookings(request.user), pk)  # another party's booking answers 404 before any validation
        s = BookingStepSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            b = services.booking_step(request.user, pk, s.validated_data["step"], s.validated_data["reason"])
        except services.VoucherError as exc:
            return _error(exc)
        return Response(BookingSerializer(b).data)


class RecordList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=RecordSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(RecordSerializer(access.records(request.user)[:500], many=True).data)

    @extend_schema(request=RecordCreateSerializer, responses={201: RecordSerializer, 400: VoucherErrorSerializer})
    def post(self, request: Request) -> Response:
        s = RecordCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            r = services.record_service(request.user, booking_id=d.get("booking"), service_id=d.get("service"),
                                        organization_id=d.get("organization"), quantity=d["quantity"],
                                        amount=d["amount"], performed_on=d["performed_on"] or timezone.localdate(),
                                        invoice_no=d["invoice_no"], description=d["description"])
        except services.VoucherError as exc:
            return _error(exc)
        return Response(RecordSerializer(r).data, status=status.HTTP_201_CREATED)

"""REST API of science-and-technology finance: the same visibility and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from scifinance import access, services
from scifinance.models import Collateral, InsurancePolicy, Loan, PolicyProduct, Product, Repayment
from scifinance.services import FinanceError


class LoanSerializer(serializers.ModelSerializer):
    lender = serializers.CharField(source="lender.organization.name", read_only=True)
    borrower_name = serializers.CharField(source="borrower.name", read_only=True)
    borrower_uscc = serializers.CharField(source="borrower.uscc", read_only=True)
    outstanding = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = ["id", "lender", "borrower_uscc", "borrower_name", "product", "contract_no", "contract_date",
                  "amount", "term_months", "rate", "collateral", "talent_name", "filed_on", "filing_revoked_on",
                  "defaulted_on", "outstanding"]

    def get_outstanding(self, obj: Loan) -> str:
        return f"{services.outstanding(obj):.2f}"


class ScheduleItemSerializer(serializers.Serializer):
    due_on = serializers.DateField(label="应还日期")
    principal = serializers.DecimalField(max_digits=16, decimal_places=2, label="应还本金(元)")


class LoanCreateSerializer(serializers.Serializer):
    borrower_uscc = serializers.CharField(label="借款人统一社会信用代码")
    product = serializers.ChoiceField(choices=Product.choices, label="贷款产品")
    contract_no = serializers.CharField(label="合同编号")
    contract_date = serializers.CharField(label="合同签订日（YYYY-MM-DD）")
    amount = serializers.CharField(label="贷款金额(元)")
    term_months = serializers.IntegerField(label="期限(月)")
    rate = serializers.CharField(label="年利率(%)")
    collateral = serializers.ChoiceField(choices=Collateral.choices, label="担保方式")
    talent_name = serializers.CharField(required=False, allow_blank=True, label="高层次人才姓名（人才贷）")
    talent_id = serializers.CharField(required=False, allow_blank=True, label="人才证件号（人才贷）")
    schedule = ScheduleItemSerializer(many=True, required=False, label="还款计划（空=到期一次还本）")


class RepaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Repayment
        fields = ["id", "paid_on", "principal", "interest", "on_time"]
        read_only_fields = ["id", "on_time"]


class PolicySerializer(serializers.ModelSerializer):
    insurer = serializers.CharField(source="insurer.organization.name", read_only=True)
    insured_uscc = serializers.CharField(source="insured.uscc", read_only=True)

    class Meta:
        model = InsurancePolicy
        fields = ["id", "insurer", "insured_uscc", "product", "policy_no", "start_on", "premium", "premium_paid_on"]


class PolicyCreateSerializer(serializers.Serializer):
    insured_uscc = serializers.CharField(label="投保人统一社会信用代码")
    product = serializers.ChoiceField(choices=PolicyProduct.choices, label="险种")
    policy_no = serializers.CharField(label="保单号")
    start_on = serializers.CharField(label="保险起期")
    premium = serializers.CharField(label="实际支付保费(元)")
    premium_paid_on = serializers.CharField(label="保费支付日期")


def _bad(exc: FinanceError) -> Response:
    errors = getattr(exc, "errors", None) or {exc.field or "non_field_errors": str(exc)}
    return Response({k: [v] for k, v in errors.items()}, status=status.HTTP_400_BAD_REQUEST)


def _partner(request: Request):
    partner = access.partner_of(request.user)
    if partner is None:
        raise NotFound("只有合作金融机构账户可以登记。")
    return partner


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """科技金融贷款。合作机构账户只能看到和登记本机构（及其科技支行）的贷款；其他贷款返回 404。"""

    serializer_class = LoanSerializer

    def get_queryset(self):
        return access.visible_loans(self.request.user)

    @extend_schema(request=LoanCreateSerializer, responses={201: LoanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partner = _partner(request)
        body = LoanCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        schedule = [(i["due_on"], i["principal"]) for i in data.pop("schedule", [])]
        try:
            loan = services.register_loan(request.user, partner, data, schedule)
        except FinanceError as exc:
            return _bad(exc)
        return Response(LoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RepaymentSerializer, responses={201: RepaymentSerializer})
    @action(detail=True, methods=["post"])
    def repayments(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        loan = self.get_object()
        _partner(request)
        try:
            rep = services.record_repayment(request.user, loan, request.data.get("paid_on"),
                                            request.data.get("principal"), request.data.get("interest") or 0)
        except FinanceError as exc:
            return _bad(exc)
        return Response(RepaymentSerializer(rep).data, status=status.HTTP_201_CREATED)


class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """科技保险保单。保险机构账户只能看到和登记本机构的保单。"""

    serializer_class = PolicySerializer

    def get_queryset(self):
        return access.visible_policies(self.request.user)

    @extend_schema(request=PolicyCreateSerializer, responses={201: PolicySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partner = _partner(request)
        body = PolicyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            policy = services.register_policy(request.user, partner, dict(body.validated_data))
        except FinanceError as exc:
            return _bad(exc)
        return Response(PolicySerializer(policy).data, status=status.HTTP_201_CREATED)

"""REST API of project and fund management (mounted at /api/funding/): the same services and access rule."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import formatting
from funding import access, services
from funding.models import ChangeRequest, Claim, ClaimEvent, LedgerEntry, Milestone, Programme, Project
from funding.services import FundingError


class EventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ClaimEvent
        fields = ["transition", "label", "from_state", "to_state", "at", "reason"]


class ClaimSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    state_label = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "programme", "call", "organization", "organization_name", "origin", "provision_id", "title",
                  "document", "article", "year", "is_ceiling", "entitled_amount", "decided_amount", "budget_line",
                  "state", "state_label", "next_step", "project_title", "summary", "bank_name", "bank_account",
                  "publicity_ends_on", "created_at"]

    def _applicant(self, obj: Claim) -> bool:
        return access.is_applicant(self.context["request"].user, obj)

    def get_state_label(self, obj: Claim) -> str:
        return obj.applicant_state if self._applicant(obj) else obj.internal_state

    def get_next_step(self, obj: Claim) -> str:
        return services.next_step_text(obj)

    def to_representation(self, obj: Claim) -> dict:
        data = super().to_representation(obj)
        if data.get("bank_account") and not access.may_see_bank_account(self.context["request"].user, obj):
            data["bank_account"] = formatting.masked(data["bank_account"])
        return data


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "amount", "accepted_on"]


class ChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeRequest
        fields = ["id", "kind", "summary", "reason", "state", "filed_at", "decided_at", "decision_note"]


class ProjectSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    changes = ChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ["lead", "starts_on", "ends_on", "midterm_on", "midterm_conclusion", "midterm_result", "accepted_on",
                  "acceptance_passed", "acceptance_result", "grade", "graded_on", "status", "terminated_on",
                  "clawback_due", "closed_on", "milestones", "changes"]


class ExpertScoreSerializer(serializers.Serializer):
    round = serializers.CharField()
    status = serializers.CharField()
    scale = serializers.IntegerField()
    reviews = serializers.IntegerField()
    expected = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    trimmed_mean = serializers.FloatField(allow_null=True)
    normalized = serializers.FloatField(allow_null=True)


class ClaimDetailSerializer(ClaimSerializer):
    events = EventSerializer(many=True, read_only=True)
    project = serializers.SerializerMethodField()
    expert_scores = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "events", "project", "expert_scores"]

    @extend_schema_field(ProjectSerializer(allow_null=True))
    def get_project(self, obj: Claim) -> dict | None:
        project = getattr(obj, "project", None)
        return ProjectSerializer(project).data if project is not None else None

    @extend_schema_field(ExpertScoreSerializer(many=True))
    def get_expert_scores(self, obj: Claim) -> list[dict]:
        from funding.reviews import scores_for_claim

        return ExpertScoreSerializer(scores_for_claim(obj), many=True).data


class CreateClaimSerializer(serializers.Serializer):
    provision_id = serializers.CharField()
    year = serializers.IntegerField(min_value=2018, max_value=2100, error_messages={
        "min_value": "年度：政策自 2018 年起生效，请填写 2018–2100 年。",
        "max_value": "年度：请填写 2018–2100 年。", "invalid": "年度：请填写四位数字的年度。"})
    event_key = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionSerializer(serializers.Serializer):
    transition = serializers.CharField(help_text="submit, confirm, object, district_pass, formal_pass, review_done, "
                                                 "decide, publicity_end, pay, return_to_applicant, reject, withdraw")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    budget_line = serializers.IntegerField(required=False, allow_null=True)
    scores = serializers.DictField(required=False)


class FundingErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    field = serializers.CharField()


class BalanceSerializer(serializers.Serializer):
    budget_line = serializers.IntegerField()
    name = serializers.CharField()
    source = serializers.CharField()
    allocated = serializers.DecimalField(max_digits=18, decimal_places=2)
    committed = serializers.DecimalField(max_digits=18, decimal_places=2)
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    available = serializers.DecimalField(max_digits=18, decimal_places=2)


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    budget_lines = BalanceSerializer(many=True)


class LedgerEntrySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "budget_line", "organization", "organization_name", "claim", "amount", "decision",
                  "document", "article", "reverses", "memo", "created_at"]


def _error(exc: FundingError) -> Response:
    return Response({"detail": str(exc), "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)


class ClaimList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ClaimSerializer(many=True), summary="我的申报 / 可见的申报")
    def get(self, request: Request) -> Response:
        qs = access.visible_claims(request.user)
        if request.query_params.get("state"):
            qs = qs.filter(state=request.query_params["state"])
        return Response(ClaimSerializer(qs[:500], many=True, context={"request": request}).data)

    @extend_schema(request=CreateClaimSerializer, responses={201: ClaimSerializer, 400: FundingErrorSerializer},
                   summary="由应享政策生成申报（政策兑现）")
    def post(self, request: Request) -> Response:
        s = CreateClaimSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        org = getattr(request.user, "organization", None)
        if org is None or access.is_staff_role(request.user):
            return Response({"detail": "只有企业或机构账户可以申报。", "field": "user"}, status=403)
        try:
            claim, created = services.create_claim_from_entitlement(request.user, org, **s.validated_data)
        except FundingError as exc:
            return _error(exc)
        return Response(ClaimSerializer(claim, context={"request": request}).data, status=201 if created else 200)


class ClaimDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ClaimDetailSerializer, summary="申报详情与办理记录")
    def get(self, request: Request, pk: int) -> Response:
        claim = access.get_claim(request.user, pk)
        return Response(ClaimDetailSerializer(claim, context={"request": request}).data)


class ClaimTransition(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=TransitionSerializer, responses={200: ClaimSerializer, 400: FundingErrorSerializer},
                   summary="办理一步（提交、审核、决定、拨付、退回、撤回…）；请求头 Idempotency-Key 用于拨付")
    def post(self, request: Request, pk: int) -> Response:
        claim = access.get_claim(request.user, pk)
        s = TransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            claim = services.perform(request.user, claim.pk, d["transition"], d.get("reason", ""),
                                     amount=d.get("amount"), budget_line_id=d.get("budget_line"),
                                     idempotency_key=request.headers.get("Idempotency-Key", ""),
                                     scores=d.get("scores"))
        except FundingError as exc:
            return _error(exc)
        return Response(ClaimSerializer(claim, context={"request": request}).data)


class Programmes(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ProgrammeSerializer(many=True), summary="专项、预算科目与余额（预算 − 已安排 − 已拨付）")
    def get(self, request: Request) -> Response:
        if not access.is_staff_role(request.user):
            return Response({"detail": "仅限政府部门账户。"}, status=403)
        out = []
        for p in Programme.objects.prefetch_related("budget_lines"):
            lines = []
            for line in p.budget_lines.all():
                b = services.line_balance(line)
                lines.append({"budget_line": line.pk, "name": line.name, "source": line.get_source_display(),
                              "allocated": b.allocated, "committed": b.committed, "paid": b.paid,
                              "available": b.available})
            out.append({"id": p.pk, "name": p.name, "year": p.year, "budget_lines": lines})
        return Response(ProgrammeSerializer(out, many=True).data)


class Ledger(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=LedgerEntrySerializer(many=True), summary="资金台账（只追加）")
    def get(self, request: Request) -> Response:
        if not access.is_staff_role(request.user):
            return Response({"detail": "仅限政府部门账户。"}, status=403)
        qs = services.ledger(request.user)
        if request.query_params.get("budget_line"):
            raw = request.query_params["budget_line"].strip()
            if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
                return Response({"detail": f"预算科目（budget_line）：「{raw[:40]}」不是预算科目编号，请填写整数编号。",
                                 "field": "budget_line"}, status=400)
            qs = qs.filter(budget_line_id=int(raw))
        return Response(LedgerEntrySerializer(qs.order_by("-id")[:1000], many=True).data)


class ProgrammeClaims(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ClaimSerializer(many=True), summary="一个专项的申报")
    def get(self, request: Request, pk: int) -> Response:
        if not access.is_finance(request.user):  # a programme's claims: the bureau's and finance's; others list theirs
            raise Http404("未找到该专项。")
        programme = get_object_or_404(Programme, pk=pk)
        qs = access.visible_claims(request.user).filter(programme=programme)
        return Response(ClaimSerializer(qs[:500], many=True, context={"request": request}).data)

"""REST API of the technology market: the same visibility (``access``) and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from registry.models import Organization
from techmarket import access, matchers, services
from techmarket.models import (
    Achievement,
    ContractParty,
    ContractPayment,
    ContractType,
    Match,
    MatchContact,
    TechContract,
    TechNeed,
)


def _bad(exc: services.MarketInputError) -> serializers.ValidationError:
    return serializers.ValidationError({exc.field or "non_field_errors": [str(exc)]})


class NeedSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                      help_text="保密需求对无权查看者为空。")
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = TechNeed
        fields = ["id", "title", "description", "kind", "industry_chain", "budget_min", "budget_max", "deadline",
                  "confidential", "status", "expires_on", "organization", "organization_name", "created_at"]
        read_only_fields = ["status", "expires_on", "organization", "created_at"]
        extra_kwargs = {"description": {"required": False, "allow_blank": True}}


class AchievementSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Achievement
        fields = ["id", "title", "abstract", "industry_chain", "maturity", "trl", "patent_numbers", "transfer_mode",
                  "price_min", "price_max", "status", "expires_on", "organization", "organization_name", "created_at"]
        read_only_fields = ["status", "expires_on", "organization", "created_at"]


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.FloatField(help_text="匹配度（0–100）")
    terms = serializers.ListField(child=serializers.CharField(), help_text="共同关键词")
    fields = serializers.ListField(child=serializers.CharField(), help_text="共同字段（如同属产业链）")


class SuggestionsSerializer(serializers.Serializer):
    achievements = HitSerializer(many=True)
    teams = HitSerializer(many=True)
    experts = HitSerializer(many=True)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchContact
        fields = ["kind", "on", "note"]


class MatchSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Match
        fields = ["id", "need", "achievement", "status", "score", "reasons", "outcome", "event", "created_at",
                  "first_response_at", "accepted_at", "closed_at", "consents", "contacts"]
        read_only_fields = ["status", "score", "reasons", "outcome", "created_at", "first_response_at",
                            "accepted_at", "closed_at", "consents"]


class MatchTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["negotiate", "sign", "abandon"],
                                     help_text="sign（签约）须需求方和成果方分别确认，双方都确认后才进入签约。")
    outcome = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractParty
        fields = ["role", "organization", "name", "uscc", "located_locally", "is_institution"]
        read_only_fields = ["role"]
        extra_kwargs = {"name": {"required": False}, "uscc": {"required": False},
                        "located_locally": {"required": False}, "is_institution": {"required": False}}


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractPayment
        fields = ["paid_on", "amount"]


class ContractSerializer(serializers.ModelSerializer):
    parties = PartySerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta:
        model = TechContract
        fields = ["id", "title", "contract_type", "match", "signed_on", "amount", "transaction_amount", "status",
                  "registration_number", "registered_on", "refusal_reason", "parties", "payments"]
        read_only_fields = fields


class ContractCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=150)
    contract_type = serializers.ChoiceField(choices=ContractType.choices)
    signed_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    transaction_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    match = serializers.IntegerField(required=False, allow_null=True)
    buyer = PartySerializer()
    seller = PartySerializer()
    payments = PaymentSerializer(many=True, required=False)


class RegisterSerializer(serializers.Serializer):
    registration_number = serializers.CharField(max_length=40)
    registered_on = serializers.DateField()
    confirmed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


def _need_rows(user: Any, needs: list[TechNeed]) -> list[dict]:
    """Serialised needs; a confidential one the user may not read shows only its kind, chain and state."""
    access.mark(user, needs)
    rows = []
    for need in needs:
        d = NeedSerializer(need).data
        if not need.details_visible:
            d.update(title="保密需求", description="", budget_min=None, budget_max=None, deadline=None,
                     organization=None, organization_name="")
        rows.append(d)
    return rows


class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """技术需求（第7条四类）。保密需求的内容、预算和发布单位只有需求方、工作人员和需求方邀请的单位可见。"""

    serializer_class = NeedSerializer

    def get_queryset(self):
        return access.needs(self.request.user)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(_need_rows(request.user, [self.get_object()])[0])

    def list(self, request: Request, *args, **kwargs) -> Response:
        return self.get_paginated_response(_need_rows(request.user, list(self.paginate_queryset(self.get_queryset()))))

    def perform_create(self, serializer) -> None:
        try:
            serializer.instance = services.post_need(self.request.user, dict(serializer.validated_data))
        except services.MarketInputError as exc:
            raise _bad(exc) from None

    @extend_schema(responses=SuggestionsSerializer, summary="为需求匹配成果、研发团队和专家（需求方或工作人员）")
    @action(detail=True, methods=["get"])
    def suggestions(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        need = self.get_object()
        if not ((access.is_owner(request.user, need) or access.is_staff(request.user))
                and access.need_details_visible(request.user, need)):
            return Response({"detail": "只有需求方和工作人员可以查看匹配结果。"}, status=status.HTTP_403_FORBIDDEN)
        s = matchers.for_need(need)
        titles = dict(Achievement.objects.filter(pk__in=[h.id for h in s.achievements]).values_list("id", "title"))
        orgs = dict(Organization.objects.filter(pk__in=[h.id for h in s.teams]).values_list("id", "name"))
        from registry.models import Person

        people = dict(Person.objects.filter(pk__in=[h.id for h in s.experts]).values_list("id", "name"))

        def rows(hits, names):
            return [{"id": h.id, "title": names.get(h.id, ""), "score": h.score, "terms": h.terms,
                     "fields": h.fields} for h in hits]
        return Response({"achievements": rows(s.achievements, titles), "teams": rows(s.teams, orgs),
                         "experts": rows(s.experts, people)})


class AchievementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """科技成果。"""

    serializer_class = AchievementSerializer

    def get_queryset(self):
        return access.achievements(self.request.user)

    def perform_create(self, serializer) -> None:
        try:
            serializer.instance = services.post_achievement(self.request.user, dict(serializer.validated_data))
        except services.MarketInputError as exc:
            raise _bad(exc) from None


class MatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   viewsets.GenericViewSet):
    """对接（意向 → 洽谈 → 签约/放弃）。只返回本单位参与的对接。"""

    serializer_class = MatchSerializer

    def get_queryset(self):
        return access.matches(self.request.user).prefetch_related("contacts")

    def _data(self, matches: list[Match]) -> list[dict]:
        """Match rows; the reasons (words shared with the need) only where the need's details are visible."""
        access.mark(self.request.user, [m.need for m in matches])
        rows = []
        for m in matches:
            d = MatchSerializer(m).data
            if not m.need.details_visible:
                d["reasons"] = {}
            rows.append(d)
        return rows

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(self._data([self.get_object()])[0])

    def list(self, request: Request, *args, **kwargs) -> Response:
        return self.get_paginated_response(self._data(list(self.paginate_queryset(self.get_queryset()))))

    def perform_create(self, serializer) -> None:
        user = self.request.user
        need = access.needs(user).filter(pk=serializer.validated_data["need"].pk).first()
        item = access.achievements(user).filter(pk=serializer.validated_data["achievement"].pk).first()
        if need is None or item is None:
            raise serializers.ValidationError({"need": ["没有找到该需求或成果。"]})
        try:
            serializer.instance = services.start_match(user, need, item, event=serializer.validated_data.get("event"),
                                                       broker=user.organization if access.can_broker(user) else None)
        except services.MarketInputError as exc:
            raise _bad(exc) from None

    @extend_schema(request=MatchTransitionSerializer, responses=MatchSerializer, summary="推进对接状态")
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        match = self.get_object()
        s = MatchTransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            match = services.match_transition(request.user, match, s.validated_data["action"],
                                              s.validated_data["outcome"])
        except services.MarketInputError as exc:
            raise _bad(exc) from None
        return Response(self._data([match])[0])


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """技术合同登记。企业账户只看到本单位为当事人的合同。"""

    serializer_class = ContractSerializer

    def get_queryset(self):
        return access.contracts(self.request.user)

    @extend_schema(request=ContractCreateSerializer, responses={201: ContractSerializer}, summary="提交技术合同登记")
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = ContractCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        match = None
        if d.get("match"):
            match = access.matches(request.user).filter(pk=d["match"]).first()
            if match is None:
                raise serializers.ValidationError({"match": ["没有找到该对接。"]})
        payments = [(p["paid_on"], p["amount"]) for p in d.pop("payments", [])]
        try:
            contract = services.submit_contract(request.user, d, dict(d.pop("buyer")), dict(d.pop("seller")),
                                                payments, match=match)
        except services.MarketInputError as exc:
            raise _bad(exc) from None
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RegisterSerializer, responses=ContractSerializer, summary="登记（工作人员）")
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        contract = self.get_object()
        s = RegisterSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            contract = services.contract_transition(request.user, contract, "register",
                                                    number=d["registration_number"], on=d["registered_on"],
                                                    confirmed_amount=d.get("confirmed_amount"))
        except services.MarketInputError as exc:
            raise _bad(exc) from None
        return Response(ContractSerializer(contract).data)

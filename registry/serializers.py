"""REST representations of the registry; writes go through registry.services like the pages do."""

from __future__ import annotations

from rest_framework import serializers

from registry.models import AnnualFacts, IndustryChain, Organization, Qualification, Recognition, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "division_code", "name", "short_name", "kind"]


class IndustryChainSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryChain
        fields = ["code", "name", "cluster"]


class QualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "kind", "level", "certification", "certificate_no", "year", "valid_from", "valid_to", "source"]


class RecognitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recognition
        fields = ["id", "kind", "subject", "title", "level", "grade", "occurred_on", "amount", "platform", "reference", "attributes"]


class AnnualFactsSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualFacts
        fields = ["year", *AnnualFacts.FIGURE_FIELDS, "source", "updated_at"]
        read_only_fields = ["source", "updated_at"]


class OrganizationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(),
        error_messages={"does_not_exist": "未知的区市或功能区编码“{value}”，请从 /api/registry/regions/ 中选择，如 371082 或 Z-GAOQU。"},
    )
    industry_chain = serializers.SlugRelatedField(
        slug_field="code", queryset=IndustryChain.objects.all(), allow_null=True, required=False,
        error_messages={"does_not_exist": "未知的产业链编码“{value}”，请从 /api/registry/chains/ 中选择。"},
    )

    class Meta:
        model = Organization
        fields = [
            "id", "kind", "name", "uscc", "region", "industry_chain", "industry_sector", "established_on",
            "institution_type",
            "located_locally", "platform_type", "level", "provider_type", "legal_representative", "address",
            "updated_at",
        ]
        read_only_fields = ["id", "kind", "updated_at"]


class OrganizationDetailSerializer(OrganizationSerializer):
    qualifications = QualificationSerializer(many=True, read_only=True)
    recognitions = RecognitionSerializer(many=True, read_only=True)
    annual_facts = AnnualFactsSerializer(many=True, read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = OrganizationSerializer.Meta.fields + ["qualifications", "recognitions", "annual_facts"]


class QualificationCheckSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    kind = serializers.CharField()
    on = serializers.DateField()
    holds = serializers.BooleanField()

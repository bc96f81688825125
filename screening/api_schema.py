"""OpenAPI documentation of the screening API (request and response bodies): serializers used only by the schema;
the views build the same shapes in ``screening.api``."""

from __future__ import annotations

from rest_framework import serializers


class ClaimStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    label = serializers.CharField(help_text="已申报（审核中）、已拨付……")
    amount = serializers.CharField(help_text="申报、决定或拨付金额（元，两位小数）")


class ResultSerializer(serializers.Serializer):
    provision_id = serializers.CharField()
    title = serializers.CharField()
    document = serializers.CharField(allow_null=True)
    article = serializers.CharField(allow_null=True)
    form = serializers.CharField(allow_null=True)
    is_ceiling = serializers.BooleanField(allow_null=True)
    amount = serializers.CharField(help_text="金额（元，两位小数）")
    status = serializers.CharField()
    explanation = serializers.CharField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField())
    caveats = serializers.ListField(child=serializers.CharField())
    claim = ClaimStateSerializer(required=False, help_text="已申报时：申报的状态与金额")


class SkippedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    scope = serializers.CharField()
    scope_label = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    percent = serializers.IntegerField()
    cancel_requested = serializers.BooleanField()
    overrides = serializers.DictField()
    error = serializers.CharField(allow_blank=True)
    skipped_count = serializers.IntegerField()
    skipped = SkippedSerializer(many=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class RunRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["screening", "whatif"], required=False)
    year = serializers.IntegerField(help_text="年度，如 2024")
    scope = serializers.ChoiceField(choices=["all", "region", "chain", "list"], required=False)
    region = serializers.CharField(required=False, help_text="区市或功能区编码")
    industry_chain = serializers.CharField(required=False, help_text="产业链编码")
    organization_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    overrides = serializers.DictField(required=False, help_text="what-if：参数路径 → 新值")


class TotalsSerializer(serializers.Serializer):
    run = RunSerializer()
    entities = serializers.IntegerField(required=False)
    near_entities = serializers.IntegerField(required=False)
    entitlement = serializers.CharField(required=False)
    ceiling = serializers.CharField(required=False)
    base_amount = serializers.CharField(required=False)
    changed_amount = serializers.CharField(required=False)
    delta_amount = serializers.CharField(required=False)
    base_beneficiaries = serializers.IntegerField(required=False)
    changed_beneficiaries = serializers.IntegerField(required=False)
    by_provision = serializers.ListField(child=serializers.DictField())
    by_region = serializers.ListField(child=serializers.DictField())
    by_form = serializers.ListField(child=serializers.DictField(), required=False)


class ParameterSerializer(serializers.Serializer):
    path = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    min = serializers.JSONField(allow_null=True)
    max = serializers.JSONField(allow_null=True)
    value_now = serializers.JSONField(allow_null=True)
    reference = serializers.CharField(required=False)


class MineYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    entitlement = serializers.CharField()
    ceiling = serializers.CharField()
    applies = ResultSerializer(many=True)
    near = ResultSerializer(many=True)


class MineOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MineSerializer(serializers.Serializer):
    organization = MineOrganizationSerializer()
    years = MineYearSerializer(many=True)


class CalculatorRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.CharField()
    region = serializers.CharField(help_text="区市或功能区编码")
    qualifications = serializers.ListField(child=serializers.CharField(), required=False)
    newly_certified = serializers.ListField(child=serializers.CharField(), required=False)
    sales_revenue = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    rd_expense = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    rd_expense_prev = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    sales_revenue_3y = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    employees = serializers.IntegerField(required=False)
    rd_staff = serializers.IntegerField(required=False)
    platform_type = serializers.CharField(required=False)
    platform_level = serializers.CharField(required=False)


class CalculatorSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = ResultSerializer(many=True)


class RunStateErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()

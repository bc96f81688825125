"""Request and response serializers of the expert review API (they also document the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from experts.disciplines import code_error


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    max = serializers.IntegerField(min_value=1)


class ItemInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    abstract = serializers.CharField(required=False, allow_blank=True, default="")
    keywords = serializers.CharField(required=False, allow_blank=True, default="", max_length=400)
    disciplines = serializers.ListField(child=serializers.CharField(max_length=7), required=False, default=list)
    chain = serializers.CharField(required=False, allow_blank=True, default="", help_text="产业链编码或名称")
    applicant = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="申报单位（主体编号）")
    applicant_name = serializers.CharField(required=False, allow_blank=True, default="")
    participants = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    team = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                 help_text="项目团队成员（人员编号）")

    def validate_disciplines(self, value: list[str]) -> list[str]:
        errors = [e for e in (code_error(c) for c in value) if e]
        if errors:
            raise serializers.ValidationError(errors)
        return value


class RoundInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    programme = serializers.CharField(required=False, allow_blank=True, default="")
    reviewers_per_item = serializers.IntegerField(min_value=1, default=5)
    min_load = serializers.IntegerField(min_value=0, default=0)
    max_load = serializers.IntegerField(min_value=0, default=10)
    conflict_years = serializers.IntegerField(min_value=0, default=3)
    require_industry = serializers.BooleanField(default=False)
    method = serializers.ChoiceField(choices=["optimal", "random"], default="optimal")
    randomness = serializers.FloatField(min_value=0, max_value=1, default=0)
    seed = serializers.IntegerField(required=False, allow_null=True, default=None)
    review_start = serializers.DateField(required=False)
    deadline = serializers.DateTimeField()
    criteria = CriterionSerializer(many=True, required=False, default=list)
    items = ItemInSerializer(many=True, required=False, default=list)

    def validate_deadline(self, value):
        if not 2000 <= value.year <= 2100:
            raise serializers.ValidationError("评审截止时间：请填写 2000 至 2100 年之间的日期时间。")
        return value

    def validate(self, data: dict) -> dict:
        if data["max_load"] < data["min_load"]:
            raise serializers.ValidationError({"max_load": "每位专家最多评审项数不能小于最少评审项数。"})
        return data


class RoundOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    stage = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    reviewers_per_item = serializers.IntegerField()
    min_load = serializers.IntegerField()
    max_load = serializers.IntegerField()
    method = serializers.CharField()
    seed = serializers.IntegerField(allow_null=True)
    deadline = serializers.DateTimeField()
    items = serializers.IntegerField()
    solve_state = serializers.CharField()
    solve_progress = serializers.IntegerField()
    solve_message = serializers.CharField()
    solve_stats = serializers.DictField()


class InfeasibleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    constraint = serializers.CharField()
    constraint_display = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())


class ItemScoreSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    title = serializers.CharField()
    content_type = serializers.CharField(allow_null=True)
    object_id = serializers.CharField()
    reviews = serializers.IntegerField()
    expected = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    trimmed_mean = serializers.FloatField(allow_null=True)
    normalized = serializers.FloatField(allow_null=True)
    outliers = serializers.IntegerField()


class AssignmentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.CharField()
    item_id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateTimeField()
    criteria = CriterionSerializer(many=True)


class ReviewInSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.CharField(), help_text="{指标名称: 得分}")
    comment = serializers.CharField(allow_blank=True)


class ReviewOutSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=7, decimal_places=2)


class ConflictInSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=200)


class ConflictOutSerializer(serializers.Serializer):
    withdrawn = serializers.IntegerField()
    replaced = serializers.BooleanField()


class MatchInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, allow_blank=True)
    chain = serializers.CharField(required=False, allow_blank=True, default="")
    k = serializers.IntegerField(min_value=1, max_value=100, default=10)


class MatchOutSerializer(serializers.Serializer):
    expert_id = serializers.IntegerField()
    name = serializers.CharField()
    organization = serializers.CharField()
    title = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.DictField()

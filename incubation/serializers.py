"""Request and response serializers of the incubation API (in the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from incubation.models import Carrier, ExitReason, RosterChange, Stay


class CarrierSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organization.name", read_only=True)
    organization_id = serializers.IntegerField(read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    level = serializers.CharField(source="organization.level", read_only=True)
    region = serializers.CharField(source="organization.region.name", read_only=True)

    class Meta:
        model = Carrier
        fields = ["id", "organization_id", "name", "stage", "stage_display", "level", "region", "specialty"]


class StaySerializer(serializers.ModelSerializer):
    incubatee = serializers.CharField(source="incubatee.name", read_only=True)
    organization_id = serializers.IntegerField(source="incubatee.organization_id", read_only=True, allow_null=True)
    uscc = serializers.CharField(source="incubatee.organization.uscc", read_only=True, default="")

    class Meta:
        model = Stay
        fields = ["id", "carrier", "incubatee", "organization_id", "uscc", "entered_on", "space", "space_m2", "services",
                  "exited_on", "exit_reason", "exit_note", "moved_from"]
        read_only_fields = fields


class StayCreateSerializer(serializers.Serializer):
    uscc = serializers.CharField(required=False, allow_blank=True, default="", help_text="已注册企业的统一社会信用代码")
    team_name = serializers.CharField(required=False, allow_blank=True, default="", help_text="未注册团队的名称")
    team_leader = serializers.CharField(required=False, allow_blank=True, default="")
    entered_on = serializers.DateField()
    space = serializers.CharField(required=False, allow_blank=True, default="")
    space_m2 = serializers.DecimalField(max_digits=8, decimal_places=1, required=False, allow_null=True, default=None)
    services = serializers.CharField(required=False, allow_blank=True, default="")
    moved_in = serializers.BooleanField(required=False, default=False, help_text="从其他载体迁入（原记录在入驻日结束）")


class StayExitSerializer(serializers.Serializer):
    exited_on = serializers.DateField()
    exit_reason = serializers.ChoiceField(choices=[(c.value, c.label) for c in ExitReason if c != ExitReason.MOVED])
    exit_note = serializers.CharField(required=False, allow_blank=True, default="")


class RosterImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="按模板（/incubation/carriers/<id>/import/?template=1）填写的 .xlsx")


class RosterImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="提交待原载体或市科技局处理的行数（迁入、超过补登期限）")
    errors = serializers.ListField(child=serializers.CharField(), help_text="每个错误行一条，含行号与原因；有错误时不导入任何行")


class RosterChangeSerializer(serializers.ModelSerializer):
    """A roster change filed for another party's word (202): nothing is on the roster until it is accepted."""

    incubatee = serializers.CharField(source="incubatee.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    awaiting_display = serializers.CharField(source="get_awaiting_display", read_only=True)

    class Meta:
        model = RosterChange
        fields = ["id", "kind", "carrier", "incubatee", "entered_on", "moved_in", "from_carrier", "awaiting",
                  "awaiting_display", "why", "status", "status_display"]
        read_only_fields = fields

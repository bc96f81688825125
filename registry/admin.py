from django.contrib import admin

from registry import models as m


class QualificationInline(admin.TabularInline):
    model = m.Qualification
    extra = 0


class RecognitionInline(admin.TabularInline):
    model = m.Recognition
    fk_name = "organization"
    extra = 0
    raw_id_fields = ["platform"]


class AnnualFactsInline(admin.TabularInline):
    model = m.AnnualFacts
    extra = 0
    raw_id_fields = ["entered_by"]


@admin.register(m.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "kind", "region", "industry_chain", "level"]
    list_filter = ["kind", "region", "level", "platform_type"]
    search_fields = ["name", "uscc"]
    inlines = [QualificationInline, RecognitionInline, AnnualFactsInline]
    show_full_result_count = False


@admin.register(m.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "division_code", "parent"]


@admin.register(m.IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "cluster"]


@admin.register(m.Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "level", "certification", "valid_from", "valid_to"]
    list_filter = ["kind", "level", "certification"]
    raw_id_fields = ["organization"]
    show_full_result_count = False


@admin.register(m.Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "subject", "level", "grade", "occurred_on", "amount"]
    list_filter = ["kind", "level"]
    raw_id_fields = ["organization", "platform"]
    show_full_result_count = False


@admin.register(m.CultivationPoolEntry)
class CultivationPoolEntryAdmin(admin.ModelAdmin):
    list_display = ["organization", "pool", "entered_on", "exited_on"]
    list_filter = ["pool"]
    raw_id_fields = ["organization"]


@admin.register(m.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "title", "field"]
    list_filter = ["kind"]
    raw_id_fields = ["organization", "account"]


@admin.register(m.PlatformMembership)
class PlatformMembershipAdmin(admin.ModelAdmin):
    list_display = ["platform", "organization", "role", "share_pct"]
    raw_id_fields = ["platform", "organization"]


@admin.register(m.ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "organization", "record_type", "field", "old_value", "new_value", "actor", "channel"]
    raw_id_fields = ["organization", "actor"]

    def has_change_permission(self, request, obj=None) -> bool:  # history is append-only
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

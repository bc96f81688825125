from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.audit import record
from registry import models as m
from registry.services import apply_changes


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

    # Admin edits go through the same service as the pages (field history + audit event), issue 12.
    def save_model(self, request, obj, form, change) -> None:
        fields = [n for n in form.changed_data if n in form.cleaned_data]
        target = m.Organization.objects.get(pk=obj.pk) if change else obj
        apply_changes(request.user, target, {n: form.cleaned_data[n] for n in fields}, "admin", created=not change)
        obj.pk = target.pk

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not m.AnnualFacts:
            return super().save_formset(request, form, formset, change)
        org = form.instance
        names = set(m.AnnualFacts.FIGURE_FIELDS) | {"year", "source"}
        for f in formset.forms:
            if not f.has_changed() or not hasattr(f, "cleaned_data"):
                continue
            if f in formset.deleted_forms:
                if f.instance.pk:
                    m.ChangeRecord.objects.create(organization=org, record_type="annualfacts",
                                                  record_key=str(f.instance.year), field="删除",
                                                  old_value=f"{f.instance.year} 年度数据", actor=request.user,
                                                  channel="admin")
                    record(request.user, "registry.delete", f.instance, f"{org.name} 删除 {f.instance.year} 年度数据",
                           channel="admin")
                    f.instance.delete()
                continue
            target = m.AnnualFacts.objects.get(pk=f.instance.pk) if f.instance.pk else m.AnnualFacts(organization=org)
            changes = {n: f.cleaned_data[n] for n in f.changed_data if n in names}
            try:
                apply_changes(request.user, target, changes, "admin", created=not f.instance.pk)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def has_delete_permission(self, request, obj=None) -> bool:  # organisations keep their history: never deleted
        return False


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

    def has_add_permission(self, request) -> bool:  # history is written by registry.services only
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # history is append-only
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

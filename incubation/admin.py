from django.contrib import admin

from core.audit import record
from incubation import services
from incubation.models import Carrier, Competition, Entry, Evaluation, Incubatee, Prize, RosterChange, Stay


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["organization", "stage", "specialty"]
    list_filter = ["stage"]
    raw_id_fields = ["organization"]


@admin.register(Incubatee)
class IncubateeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "team_leader", "incorporated_on"]
    raw_id_fields = ["organization"]


@admin.register(Stay)
class StayAdmin(admin.ModelAdmin):
    list_display = ["incubatee", "carrier", "entered_on", "exited_on", "exit_reason"]
    raw_id_fields = ["carrier", "incubatee", "moved_from"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(request.user, "incubation.stay_admin_changed" if change else "incubation.stay_added", obj,
               f"后台{'修改' if change else '登记'}在孵记录 {obj}", changed=list(form.changed_data))
        if obj.incubatee.organization_id:
            services.sync_upgrade_events([obj.incubatee.organization_id])

    def delete_model(self, request, obj):
        record(request.user, "incubation.stay_deleted", obj, f"后台删除在孵记录 {obj}")
        super().delete_model(request, obj)


@admin.register(RosterChange)
class RosterChangeAdmin(admin.ModelAdmin):
    """Read-only: a change is decided on the 名册变更申请 page, where accepting applies it through the services."""

    list_display = ["carrier", "incubatee", "kind", "entered_on", "awaiting", "status", "requested_at"]
    list_filter = ["status", "awaiting"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["carrier", "year", "grade", "evaluated_on"]
    readonly_fields = ["recognition"]

    def save_model(self, request, obj, form, change):
        """Through the service, so that the dated platform_evaluation event is written too."""
        saved = services.record_evaluation(request.user, obj.carrier, obj.year, obj.grade, obj.evaluated_on,
                                           obj.reference)
        obj.pk, obj.recognition = saved.pk, saved.recognition


class PrizeInline(admin.TabularInline):
    model = Prize
    extra = 1


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Saving an entry (and its prizes) rewrites the registry events the policy engine reads."""

    list_display = ["competition", "incubatee", "project", "stage_reached", "excellent_title"]
    raw_id_fields = ["incubatee"]
    inlines = [PrizeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.sync_competition_events([form.instance])


admin.site.register(Competition)

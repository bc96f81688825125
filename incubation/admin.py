from django.contrib import admin

from incubation import services
from incubation.models import Carrier, Competition, Entry, Evaluation, Incubatee, Prize, Stay


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
        if obj.incubatee.organization_id:
            services.sync_upgrade_events([obj.incubatee.organization_id])


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

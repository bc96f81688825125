from django.contrib import admin

from indicators.models import Indicator, Observation


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "document_key", "article", "jurisdiction", "baseline_value", "target_year",
                    "target_value", "computed"]
    list_filter = ["category", "document_key", "unit_kind"]
    search_fields = ["code", "name"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    """Read-only: observations are entered and corrected through the pages, API or import (append-only)."""

    list_display = ["indicator", "year", "region", "value", "version", "source", "entered_by", "entered_at"]
    list_filter = ["year", "indicator__category"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

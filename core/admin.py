from django.contrib import admin

from core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["summary", "object_id"]

    def has_add_permission(self, request) -> bool:  # entries are written by core.audit.record only
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # the log is append-only
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

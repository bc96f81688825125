from django.contrib import admin

from screening.models import Notice, ScreeningRun


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "year", "scope", "status", "processed", "total", "created_by", "created_at")
    list_filter = ("kind", "status", "year")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("id", "organization", "title", "created_at", "read_at")
    raw_id_fields = ("organization", "run")


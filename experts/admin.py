from django.contrib import admin

from experts import models


class EmploymentInline(admin.TabularInline):
    model = models.Employment
    extra = 0
    autocomplete_fields = ["organization"]


class RelationInline(admin.TabularInline):
    model = models.DeclaredRelation
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(models.Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["id", "person", "organization", "title", "status"]
    list_filter = ["status", "sector"]
    search_fields = ["person__name", "keywords"]
    raw_id_fields = ["person", "user", "organization"]
    inlines = [EmploymentInline, RelationInline]


@admin.register(models.ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "stage", "status", "deadline"]


@admin.register(models.ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ["id", "round", "title", "applicant"]
    raw_id_fields = ["applicant", "participants", "team", "chain"]

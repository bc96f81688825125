"""Admin: blacklist proposals are confirmed here; the ledger is read-only (the database refuses changes anyway)."""

from django.contrib import admin

from funding.models import BlacklistEntry, BudgetLine, Call, Challenge, Claim, LedgerEntry, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "legal_basis")


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ("programme", "name", "source", "amount", "confirmed_at")
    readonly_fields = ("confirmed_by", "confirmed_at")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "opens_at", "closes_at", "max_amount")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "lead_enterprise", "bounty", "deadline")
    raw_id_fields = ("lead_enterprise", "selected")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("id", "organization", "title", "state", "entitled_amount", "decided_amount")
    list_filter = ("state", "origin", "programme")
    search_fields = ("organization__name", "title")
    raw_id_fields = ("organization", "screening_result")
    readonly_fields = ("state", "decided_amount", "budget_line")


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(admin.ModelAdmin):
    list_display = ("organization", "reason", "decision", "starts_on", "ends_on", "confirmed")
    list_filter = ("confirmed", "reason")
    raw_id_fields = ("organization",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "budget_line", "organization", "amount", "document", "article", "created_at")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

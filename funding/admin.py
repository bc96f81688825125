"""Admin stays inside the money rules: what has entered the workflow is read-only here (claims after submission,
budget lines after confirmation, programmes with claims, the ledger and the bank returns). Staff change those through
the pages and services, which keep history and audit; every admin change is audited (core.audit.install_admin_audit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from funding.models import (
    BankReturn,
    BankReturnLine,
    BlacklistEntry,
    BudgetLine,
    Call,
    Challenge,
    Claim,
    LedgerEntry,
    Programme,
)


class MoneyAdmin(admin.ModelAdmin):
    """Read-only (view permission only) once ``locked(obj)``; always read-only when ``locked`` says so for None."""

    def locked(self, obj: Any) -> bool:
        return True

    def has_add_permission(self, request, *args) -> bool:
        return not self.locked(None) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return not (obj is not None and self.locked(obj)) and not self.locked(None) \
            and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj is not None and self.locked(obj)) and not self.locked(None) \
            and super().has_delete_permission(request, obj)


@admin.register(Programme)
class ProgrammeAdmin(MoneyAdmin):
    list_display = ("name", "year", "legal_basis")

    def locked(self, obj: Programme | None) -> bool:
        return obj is not None and obj.claims.exists()


@admin.register(BudgetLine)
class BudgetLineAdmin(MoneyAdmin):
    list_display = ("programme", "name", "source", "amount", "confirmed_at")
    readonly_fields = ("confirmed_by", "confirmed_at")

    def locked(self, obj: BudgetLine | None) -> bool:
        return obj is not None and obj.confirmed_at is not None


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "opens_at", "closes_at", "max_amount")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "lead_enterprise", "bounty", "deadline")
    raw_id_fields = ("lead_enterprise", "selected")


@admin.register(Claim)
class ClaimAdmin(MoneyAdmin):
    list_display = ("id", "organization", "title", "state", "entitled_amount", "decided_amount")
    list_filter = ("state", "origin", "programme")
    search_fields = ("organization__name", "title")
    raw_id_fields = ("organization", "screening_result")
    readonly_fields = ("state", "decided_amount", "budget_line")

    def locked(self, obj: Claim | None) -> bool:
        return obj is not None and obj.state != "draft"


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(admin.ModelAdmin):
    list_display = ("organization", "reason", "decision", "starts_on", "ends_on", "confirmed")
    list_filter = ("confirmed", "reason")
    raw_id_fields = ("organization",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(MoneyAdmin):
    """The ledger, payments included: read-only (the database refuses changes anyway)."""

    list_display = ("id", "kind", "budget_line", "organization", "amount", "document", "article", "created_at")
    list_filter = ("kind",)


@admin.register(BankReturn)
class BankReturnAdmin(MoneyAdmin):
    list_display = ("filename", "rows", "imported_by", "imported_at")


@admin.register(BankReturnLine)
class BankReturnLineAdmin(MoneyAdmin):
    list_display = ("batch", "reference", "result", "amount")

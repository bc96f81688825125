"""Django admin for what has no page of its own: blackouts, training authorisations, programme kinds."""

from django.contrib import admin

from vouchers.models import Blackout, Instrument, Provider, ProviderService, VoucherKind, VoucherProgramme


class BlackoutInline(admin.TabularInline):
    model = Blackout
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("name", "model_no", "kind", "provider", "region", "price", "price_basis", "active")
    list_filter = ("kind", "price_basis", "active", "networked")
    search_fields = ("name", "model_no", "provider__organization__name")
    autocomplete_fields = ("trained",)
    raw_id_fields = ("provider",)
    inlines = [BlackoutInline]


class ServiceInline(admin.TabularInline):
    model = ProviderService
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("organization", "status", "inside_city", "applied_at")
    list_filter = ("status", "inside_city")
    raw_id_fields = ("organization",)
    inlines = [ServiceInline]


class KindInline(admin.TabularInline):
    model = VoucherKind
    extra = 0


@admin.register(VoucherProgramme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "starts_on", "expires_on", "yearly_cap")
    inlines = [KindInline]

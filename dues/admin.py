"""The admin of dues: the rates by effective date (a change of rates is a new set of rows); declarations, reductions
and payments are read here and written through the portal's pages (their services keep the ledger's totals)."""

from django.contrib import admin

from .models import DuesDeclaration, DuesPayment, DuesRate, DuesReduction


@admin.register(DuesRate)
class DuesRateAdmin(admin.ModelAdmin):
    list_display = ("effective_from", "category", "up_to", "percent", "amount")
    list_filter = ("effective_from", "category")


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuesDeclaration)
class DuesDeclarationAdmin(_ReadOnlyAdmin):
    list_display = ("member", "declared_on", "category", "income", "amount")
    list_select_related = ("member",)
    search_fields = ("member__name",)


@admin.register(DuesReduction)
class DuesReductionAdmin(_ReadOnlyAdmin):
    list_display = ("member", "first_month", "last_month", "amount", "approved_on")
    list_select_related = ("member",)
    search_fields = ("member__name",)


@admin.register(DuesPayment)
class DuesPaymentAdmin(_ReadOnlyAdmin):
    list_display = ("member", "paid_on", "first_month", "last_month", "amount", "method")
    list_select_related = ("member",)
    search_fields = ("member__name",)

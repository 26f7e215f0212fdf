"""The audit log in the Django admin: read-only (no add, change or delete, for anyone)."""

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "username", "user", "address", "target")
    list_filter = ("action",)
    search_fields = ("username", "user__username", "target")
    date_hierarchy = "at"
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

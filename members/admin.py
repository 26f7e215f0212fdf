"""Django admin for member records (ID numbers only masked), the read-only ID number access log, and the roster
uploads waiting for confirmation (their content never shown)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import IdNumberAccess, ImportStage, Member


class MemberAdminForm(forms.ModelForm):
    """The record's fields and a new ID number (stored encrypted; blank keeps the current one)."""

    id_number = forms.CharField(label=_("身份证号"), max_length=24, required=False, help_text=_("修改时留空则不变。"))

    class Meta:
        model = Member
        fields = (*services.EDITABLE_FIELDS, "user")

    def clean(self):
        cleaned = super().clean()
        id_number = (cleaned.get("id_number") or "").strip() or None
        if self.instance.pk is None and id_number is None:
            self.add_error("id_number", _("请填写身份证号。"))
        data = {name: cleaned.get(name) for name in services.EDITABLE_FIELDS if name in cleaned}
        existing = self.instance if self.instance.pk else None
        problems = services.member_check(data=data, id_number=id_number, exclude_pk=self.instance.pk, member=existing)
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    form = MemberAdminForm
    list_display = ("name", "id_number_masked", "organisation", "status", "is_mobile", "is_deleted")
    list_filter = ("status", "is_mobile", "is_deleted", "education")
    search_fields = ("name",)
    list_select_related = ("organisation",)
    readonly_fields = ("id_number_masked", "version", "is_deleted", "deleted_at", "created_at", "updated_at")
    raw_id_fields = ("organisation", "party_group", "user")
    history_list_display = ("id_number_masked", "status")

    def get_queryset(self, request):
        # Deleted records stay reachable here so an admin can inspect them.
        return Member.all_objects.select_related("organisation")

    def save_model(self, request, obj, form, change):
        id_number = (form.cleaned_data.get("id_number") or "").strip()
        if id_number:
            services.id_number_store(obj, id_number)
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(IdNumberAccess)
class IdNumberAccessAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "member", "address", "purpose")
    list_filter = ("purpose",)
    search_fields = ("member__name", "user__username")
    list_select_related = ("user", "member")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportStage)
class ImportStageAdmin(admin.ModelAdmin):
    """Uploads between preview and confirmation: who and when, never the (encrypted) file; may be deleted."""

    list_display = ("file_name", "user", "created_at")
    fields = ("file_name", "user", "created_at")
    readonly_fields = fields
    list_select_related = ("user",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

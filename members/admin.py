"""Django admin for member records (ID numbers only masked), the read-only ID number access log, and the roster
uploads waiting for confirmation (their content never shown). Every save and delete of a record tells the apps above
through `services.member_changed`, as the services themselves do."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from branches.dates import DateRangesAdminMixin

from . import id_search, rules, services
from .models import IdNumberAccess, ImportStage, Member, Transfer


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


class IdNumberSearchFilter(admin.SimpleListFilter):
    """The member list's ID-number search: `idq` is a token of the session (members.id_search), never the number."""

    title = _("身份证号")
    parameter_name = id_search.TOKEN_PARAM

    def lookups(self, request, model_admin):
        token = request.GET.get(self.parameter_name)
        if not token:
            return []
        search = id_search.id_search_get(request.session, token)
        return [(token, search.masked if search else _("已失效，请重新查询"))]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        search = id_search.id_search_get(request.session, self.value())
        return queryset.filter(id_number_index=search.index) if search else queryset.none()


@admin.register(Member)
class MemberAdmin(DateRangesAdminMixin, SimpleHistoryAdmin):
    """Member records. The search box POSTs (templates/admin/members/member/change_list.html): a name stays a GET
    search, an ID number becomes a session token, so no number ever stands in an admin address."""

    date_ranges = rules.MEMBER_DATE_RANGES
    form = MemberAdminForm
    list_display = ("name", "id_number_masked", "organisation", "status", "is_mobile", "is_deleted")
    list_filter = (IdNumberSearchFilter, "status", "is_mobile", "is_deleted", "education")
    search_fields = ("name",)
    search_help_text = _("输入姓名，或完整的身份证号（号码不会出现在网址中）。")
    list_select_related = ("organisation",)
    readonly_fields = ("id_number_masked", "version", "is_deleted", "deleted_at", "created_at", "updated_at")
    raw_id_fields = ("organisation", "party_group", "user")
    history_list_display = ("id_number_masked", "status")

    def get_queryset(self, request):
        # Deleted records stay reachable here so an admin can inspect them.
        return Member.all_objects.select_related("organisation")

    def get_urls(self):
        search = path(
            "search/",
            self.admin_site.admin_view(require_POST(self.search_view)),
            name=f"{self.opts.app_label}_{self.opts.model_name}_search",
        )
        return [search, *super().get_urls()]

    def search_view(self, request):
        """The search box: back to the list with the search, an ID number replaced by a token of the session."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        # A new search starts at the first page.
        address = id_search.address_for(changelist, request.session, request.POST, leave_out=("p",))
        return HttpResponseRedirect(address)

    def changelist_view(self, request, extra_context=None):
        if id_search.id_number_in(request.GET):
            # An ID number typed into the address itself: take it out of the address and of every link on the page.
            return HttpResponseRedirect(id_search.address_for(request.path, request.session, request.GET))
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        id_number = (form.cleaned_data.get("id_number") or "").strip()
        if id_number:
            services.id_number_store(obj, id_number)
        before = set()
        if change:
            obj.version += 1
            row = Member.all_objects.filter(pk=obj.pk).values_list("organisation_id", "party_group_id").first()
            before = {pk for pk in row or () if pk}  # where the record was, for a transfer
        super().save_model(request, obj, form, change)
        services.member_changed(obj, before)

    def delete_model(self, request, obj):
        units = services.member_units(obj)
        super().delete_model(request, obj)
        services.member_changed(obj, units)

    def delete_queryset(self, request, queryset):
        members = list(queryset)
        super().delete_queryset(request, queryset)
        for member in members:
            services.member_changed(member, services.member_units(member))


@admin.register(IdNumberAccess)
class IdNumberAccessAdmin(DateRangesAdminMixin, admin.ModelAdmin):
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


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    """组织关系转接, read-only: they are started, accepted, returned and closed on the portal's pages (the
    services), which move the member and tell the apps above."""

    list_display = ("member", "from_organisation", "to_organisation", "destination", "status", "started_on",
                    "decided_on")  # fmt: skip
    list_filter = ("status", "kind")
    search_fields = ("member__name", "from_organisation__name", "to_organisation__name", "destination")
    list_select_related = ("member", "from_organisation", "to_organisation")
    date_hierarchy = "started_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Django admin for meetings: records with their attendance, guests, photos, attachments and amendments.

A meeting changes here only through the meeting services, as on its portal pages: adding one plans it
(`meeting_plan`), and saving one saves its plan, types and minutes as the portal's edit page does (`meeting_save`:
the same checks, the compliance figures recounted, the reminders moved with a new time). A record the services keep
closed (finalised, cancelled, deleted) opens read-only, saying why. Its attendance, guests, photos and attachments are
shown here and changed on its portal pages. Deleting removes the row for good and recounts the figures.
"""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.dates import DateRangesAdminMixin
from branches.errors import DomainError
from members.access import scope_for

from . import compliance, rules, services
from .models import (
    Amendment,
    Attendance,
    Guest,
    Meeting,
    MeetingAttachment,
    MeetingPhoto,
    MeetingType,
    MeetingTypeLink,
    MonthSummary,
    RequirementOverride,
    ThemeDaySetting,
)


class ShownOnlyInline(admin.TabularInline):
    """Rows of a meeting shown with it; they change on the meeting's portal pages, through the services."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MeetingTypeLinkInline(ShownOnlyInline):
    model = MeetingTypeLink


class AttendanceInline(ShownOnlyInline):
    model = Attendance


class GuestInline(ShownOnlyInline):
    model = Guest


class MeetingPhotoInline(ShownOnlyInline):
    model = MeetingPhoto


class MeetingAttachmentInline(ShownOnlyInline):
    model = MeetingAttachment


class AmendmentInline(ShownOnlyInline):
    model = Amendment


class MeetingAdminForm(forms.ModelForm):
    """What the services let an admin set: the organisation (when planning), the plan and its types, the minutes."""

    types = forms.MultipleChoiceField(
        label=_("会议类型"), choices=MeetingType.choices, widget=forms.CheckboxSelectMultiple
    )
    #: The version the form was loaded with: a save over someone else's later change is refused, as in the portal.
    loaded_version = forms.IntegerField(label=_("版本"), widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = ("organisation", "types", *services.EDITABLE_FIELDS, "minutes", "decisions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["types"].initial = self.instance.types
            self.fields["loaded_version"].initial = self.instance.version


@admin.register(Meeting)
class MeetingAdmin(DateRangesAdminMixin, SimpleHistoryAdmin):
    date_ranges = rules.MEETING_DATE_RANGES
    form = MeetingAdminForm
    list_display = ("topic", "organisation", "starts_at", "status", "is_backfilled", "is_deleted")
    list_filter = ("status", "is_backfilled", "is_deleted", "type_links__type")
    search_fields = ("topic", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "host", "recorder", "lecturer")
    #: Set by the services only (record, finalise, cancel, delete), or never changed once set.
    readonly_fields = (
        "status",
        "without_quorum_reason",
        "cancelled_reason",
        "recorded_at",
        "is_backfilled",
        "finalised_at",
        "finalised_by",
        "created_by",
        "version",
        "is_deleted",
        "deleted_at",
    )
    date_hierarchy = "starts_at"
    inlines = [
        MeetingTypeLinkInline,
        AttendanceInline,
        GuestInline,
        MeetingPhotoInline,
        MeetingAttachmentInline,
        AmendmentInline,
    ]

    def get_queryset(self, request):
        # Deleted records stay reachable here so an admin can inspect them.
        return Meeting.all_objects.select_related("organisation")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # planning: the minutes come once the meeting is held
            return (*self.readonly_fields, "minutes", "decisions")
        return ("organisation", *self.readonly_fields)  # a meeting stays with the organisation that held it

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only: the types show in their inline; the version the form was loaded with means nothing.
            return [name for name in fields if name not in ("types", "loaded_version")]
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or services.meeting_closed_reason(obj) is None)

    def revert_disabled(self, request, obj=None):
        # Writing back an old version would go past the services; the history is for reading.
        return True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal: DomainError | None = getattr(request, "meeting_refusal", None)
        if refusal is None:
            return form

        class RefusedForm(form):
            def clean(self):
                cleaned = super().clean()
                refusal.add_to(self)
                return cleaned

        return RefusedForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id is not None:
            meeting = self.get_object(request, object_id)
            reason = services.meeting_closed_reason(meeting) if meeting is not None else None
            if reason is not None:
                self.message_user(request, reason, messages.WARNING)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refusal:
            # The services refused the save, and the admin's transaction rolled back whatever was written: the
            # same form again, with their message where it belongs.
            request.meeting_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        plan = {name: data[name] for name in services.EDITABLE_FIELDS if name in data}
        if change:
            # The services apply the changes to the record as stored, like the portal's edit page.
            meeting = Meeting.all_objects.get(pk=obj.pk)
            loaded = data.get("loaded_version")
            services.meeting_save(
                meeting=meeting,
                version=meeting.version if loaded is None else loaded,
                data=plan,
                types=data["types"],
                minutes=data.get("minutes", ""),
                decisions=data.get("decisions", ""),
                by=scope_for(request.user),
            )
            return
        meeting = services.meeting_plan(
            organisation=data["organisation"], types=data["types"], by=scope_for(request.user), **plan
        )
        # The admin goes on with its own object (inlines, log entry, redirect): make it the planned meeting.
        obj.pk = meeting.pk
        obj._state.adding = False
        obj._state.db = meeting._state.db

    def delete_model(self, request, obj):
        organisation_id, starts_at = obj.organisation_id, obj.starts_at
        super().delete_model(request, obj)
        compliance.changed([organisation_id], months=[starts_at])

    def delete_queryset(self, request, queryset):
        months = defaultdict(set)
        for organisation_id, starts_at in queryset.values_list("organisation_id", "starts_at"):
            months[organisation_id].add(starts_at)
        super().delete_queryset(request, queryset)
        for organisation_id, moments in months.items():
            compliance.changed([organisation_id], months=moments)


@admin.register(MonthSummary)
class MonthSummaryAdmin(DateRangesAdminMixin, admin.ModelAdmin):
    """Read-only: the rows follow the meetings (rebuilt nightly); an admin can look, not edit."""

    list_display = ("organisation", "month", "held", "expected", "present", "last_activity")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name",)
    date_hierarchy = "month"
    raw_id_fields = ("organisation",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RequirementOverride)
class RequirementOverrideAdmin(SimpleHistoryAdmin):
    """A requirement applies to the whole subtree below its organisation: every change renews every page."""

    list_display = ("organisation", "meeting_type", "period", "count")
    list_filter = ("meeting_type", "period")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        compliance.everything_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        compliance.everything_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        compliance.everything_changed()


@admin.register(ThemeDaySetting)
class ThemeDaySettingAdmin(SimpleHistoryAdmin):
    """The fixed day of 主题党日 for a subtree: only the reminder reads it, no compliance figure."""

    list_display = ("organisation", "day_of_month")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)

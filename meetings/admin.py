"""Django admin for meetings: records with their attendance, guests, photos, attachments and amendments."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.dates import DateRangesAdminMixin

from . import page_cache, rules, summary
from .models import (
    Amendment,
    Attendance,
    Guest,
    Meeting,
    MeetingAttachment,
    MeetingPhoto,
    MeetingTypeLink,
    MonthSummary,
    RequirementOverride,
)


class MeetingTypeLinkInline(admin.TabularInline):
    model = MeetingTypeLink
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("member",)


class GuestInline(admin.TabularInline):
    model = Guest
    extra = 0


class MeetingPhotoInline(admin.TabularInline):
    model = MeetingPhoto
    extra = 0
    readonly_fields = ("uploaded_by", "uploaded_at")


class MeetingAttachmentInline(admin.TabularInline):
    model = MeetingAttachment
    extra = 0
    readonly_fields = ("original_name", "size", "content_type", "uploaded_by", "uploaded_at")


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0
    readonly_fields = ("author", "at", "reason", "field", "old_value", "new_value")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(DateRangesAdminMixin, SimpleHistoryAdmin):
    date_ranges = rules.MEETING_DATE_RANGES
    list_display = ("topic", "organisation", "starts_at", "status", "is_backfilled", "is_deleted")
    list_filter = ("status", "is_backfilled", "is_deleted", "type_links__type")
    search_fields = ("topic", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "host", "recorder", "lecturer", "finalised_by", "created_by")
    readonly_fields = ("recorded_at", "is_backfilled", "finalised_at", "version", "is_deleted", "deleted_at")
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

    # An edit here bypasses the meeting services, so the monthly summary is recounted here, once the inlines
    # (types, attendance) are saved, for the month the meeting is in and the one it was in before.
    def save_model(self, request, obj, form, change):
        obj._before = (
            Meeting.all_objects.filter(pk=obj.pk).values_list("organisation_id", "starts_at").first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form.instance, "_before", None)
        summary.refresh_meeting(form.instance, before=before)
        page_cache.touch_organisations(form.instance.organisation_id, before[0] if before else None)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        summary.refresh(obj.organisation_id, [summary.month_of(obj.starts_at)])
        page_cache.touch_organisations(obj.organisation_id)

    def delete_queryset(self, request, queryset):
        months = list(queryset.values_list("organisation_id", "starts_at"))
        super().delete_queryset(request, queryset)
        for organisation_id, starts_at in months:
            summary.refresh(organisation_id, [summary.month_of(starts_at)])
        page_cache.touch_organisations(*{organisation_id for organisation_id, _starts_at in months})


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
    list_display = ("organisation", "meeting_type", "period", "count")
    list_filter = ("meeting_type", "period")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)

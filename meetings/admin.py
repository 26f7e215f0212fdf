"""Django admin for meetings: records with their attendance, guests, photos, attachments and amendments."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Amendment,
    Attendance,
    Guest,
    Meeting,
    MeetingAttachment,
    MeetingPhoto,
    MeetingTypeLink,
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
class MeetingAdmin(SimpleHistoryAdmin):
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


@admin.register(RequirementOverride)
class RequirementOverrideAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "meeting_type", "period", "count")
    list_filter = ("meeting_type", "period")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)

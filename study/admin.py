from django.contrib import admin

from branches.dates import DateRangesAdminMixin

from . import rules
from .models import Assignment, StudyFile, StudyTask


@admin.register(StudyTask)
class StudyTaskAdmin(DateRangesAdminMixin, admin.ModelAdmin):
    """Tasks are assigned and edited in the portal (the target is resolved there); the admin reads them."""

    date_ranges = rules.STUDY_DATE_RANGES
    list_display = ("title", "organisation", "starts_on", "due_on", "completion", "hours")
    list_filter = ("completion",)
    search_fields = ("title",)
    readonly_fields = (
        "organisation",
        "content",
        "meeting",
        "completion",
        "min_length",
        "target_kind",
        "target_statuses",
        "created_by",
    )
    exclude = ("target_members",)
    raw_id_fields = ()

    def has_add_permission(self, request):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("task", "member", "state", "completed_at")
    list_filter = ("state",)
    raw_id_fields = ("task", "member", "returned_by")
    readonly_fields = ("task", "member", "state", "reflection", "completed_via", "completed_at", "returned_at")
    search_fields = ("member__name", "task__title")

    def has_add_permission(self, request):
        return False


@admin.register(StudyFile)
class StudyFileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "task", "size", "uploaded_at")
    readonly_fields = ("task", "file", "original_name", "size", "content_type")

    def has_add_permission(self, request):
        return False

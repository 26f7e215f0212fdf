from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from branches.dates import DateRangesAdminMixin
from branches.errors import DomainError
from members.access import scope_for

from . import rules, services
from .models import Delivery, Notice, NoticeStatus, ReminderSetting


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ("channel", "detail", "delivered_at")


@admin.register(Notice)
class NoticeAdmin(DateRangesAdminMixin, admin.ModelAdmin):
    date_ranges = rules.NOTICE_DATE_RANGES
    list_display = ("title", "kind", "member", "user", "due_at", "status", "attempts", "note")
    list_filter = ("status", "kind")
    search_fields = ("title", "key", "member__name", "user__username")
    date_hierarchy = "due_at"
    raw_id_fields = ("user", "member", "organisation", "meeting")
    readonly_fields = ("key", "attempts", "last_error", "sent_at", "shown_at", "read_at", "created_at")
    inlines = [DeliveryInline]
    actions = ["retry_failed"]

    @admin.action(description=_("重新发送所选的失败通知"))
    def retry_failed(self, request, queryset):
        done = 0
        by = scope_for(request.user)
        for notice in queryset.filter(status=NoticeStatus.FAILED).select_related("organisation"):
            try:
                services.notice_retry(notice=notice, by=by)
                done += 1
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(request, _("已重新安排 %(count)s 条通知。") % {"count": done})


class ReminderSettingForm(admin.ModelAdmin.form):
    def clean_offsets(self):
        try:
            offsets = rules.parse_offsets(self.cleaned_data["offsets"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        return ",".join(str(o) for o in offsets)


@admin.register(ReminderSetting)
class ReminderSettingAdmin(admin.ModelAdmin):
    form = ReminderSettingForm
    list_display = ("organisation", "offsets")
    raw_id_fields = ("organisation",)

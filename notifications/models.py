"""Notices (one row per cause, person, kind and period), their deliveries, and reminder offsets per organisation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    MEETING_REMINDER = "meeting_reminder", _("会议提醒")
    MEETING_CANCELLED = "meeting_cancelled", _("会议取消通知")
    MEETING_NOBODY = "meeting_nobody", _("会议无应到人员")
    DUE_SOON = "due_soon", _("即将到期提醒")
    OVERDUE = "overdue", _("逾期提醒")
    TERM_ENDING = "term_ending", _("换届提醒")
    SILENT_BRANCH = "silent_branch", _("静默支部提醒")
    STUDY_TASK_REMINDER = "study_task_reminder", _("学习任务提醒")
    DUES_ARREARS = "dues_arrears", _("党费欠交提醒")
    DUES_ESCALATION = "dues_escalation", _("党费欠交上报")
    THEME_DAY_SLIPPED = "theme_day_slipped", _("主题党日固定日提醒")
    APPRAISAL_SELF_ASSESSMENT = "appraisal_self", _("民主评议自评提醒")
    APPRAISAL_BALLOT = "appraisal_ballot", _("民主测评投票提醒")
    APPRAISAL_FEEDBACK = "appraisal_feedback", _("民主评议结果反馈")
    DEVELOPMENT_DUE = "development_due", _("发展党员步骤提醒")
    TRANSFER_INCOMING = "transfer_incoming", _("组织关系转入待接收")
    TRANSFER_WAITING = "transfer_waiting", _("组织关系转接待接收提醒")
    TRANSFER_ACCEPTED = "transfer_accepted", _("组织关系转接已接收")
    TRANSFER_RETURNED = "transfer_returned", _("组织关系转接被退回")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    QUEUED = "queued", _("排队中")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    UNREACHABLE = "unreachable", _("无法送达")
    CANCELLED = "cancelled", _("已撤销")


class Notice(models.Model):
    """One notice to one person; `key` (cause, person, kind, period) makes it exist at most once."""

    key = models.CharField(_("唯一键"), max_length=200, unique=True)
    kind = models.CharField(_("类别"), max_length=24, choices=NoticeKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("接收账号"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("接收党员"),
    )
    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("党组织"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("会议"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("发送时间"))
    status = models.CharField(_("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    claim = models.CharField(_("领取标记"), max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(_("租约到期"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("最近错误"), blank=True)
    note = models.CharField(_("送达说明"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("发送完成时间"), null=True, blank=True)
    shown_at = models.DateTimeField(_("站内送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-due_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["status", "lease_until"]),
            models.Index(fields=["claim"]),
            models.Index(fields=["user", "shown_at", "read_at"]),
            models.Index(fields=["meeting", "kind", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Delivery(models.Model):
    """One delivery of a notice through one channel (no unique constraint: a duplicate would show here)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("通知"))
    channel = models.CharField(_("渠道"), max_length=24)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        indexes = [models.Index(fields=["notice", "channel"])]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.channel}"


class ReminderSetting(models.Model):
    """How long before a meeting its attendees are reminded, for an organisation and everything under it."""

    organisation = models.OneToOneField(
        "branches.Organisation", on_delete=models.CASCADE, related_name="reminder_setting", verbose_name=_("党组织")
    )
    offsets = models.CharField(
        _("提前提醒（分钟）"),
        max_length=100,
        help_text=_("用英文逗号分隔的分钟数，如 1440,60 表示提前 24 小时和 1 小时提醒；下级组织沿用最近上级的设置。"),
    )

    class Meta:
        verbose_name = _("会议提醒设置")
        verbose_name_plural = _("会议提醒设置")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.offsets}"

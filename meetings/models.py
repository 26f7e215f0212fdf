"""三会一课 and the rest of organisational life: meetings, attendance, records and requirement overrides."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class MeetingType(models.TextChoices):
    GENERAL_MEETING = "general_meeting", _("支部党员大会")
    # The same words name the body (a branch committee): the context keeps the meeting type its own translation.
    COMMITTEE_MEETING = "committee_meeting", pgettext_lazy("meeting type", "支部委员会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    ORGANISATIONAL_LIFE_MEETING = "organisational_life_meeting", _("组织生活会")
    MEMBER_APPRAISAL = "member_appraisal", _("民主评议党员")
    HEART_TO_HEART_TALK = "heart_to_heart_talk", _("谈心谈话")
    OTHER = "other", _("其他")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    HELD = "held", _("已召开（记录草稿）")
    FINALISED = "finalised", _("已归档")
    CANCELLED = "cancelled", _("已取消")


class AttendanceState(models.TextChoices):
    EXPECTED = "expected", _("应到")
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class GuestKind(models.TextChoices):
    ACTIVIST = "activist", _("入党积极分子")
    SUPERIOR = "superior", _("上级列席")
    OTHER = "other", _("其他")


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class ActiveMeetingManager(models.Manager):
    """Meetings not deleted; deleted ones stay in `Meeting.all_objects` and can be restored."""

    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class Meeting(models.Model):
    """One meeting of a branch or party group; it counts for every type in `type_links`."""

    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("党组织")
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    agenda = models.TextField(_("议程"), blank=True)
    host = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("主持人"),
    )
    recorder = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_meetings",
        verbose_name=_("记录人"),
    )
    lecturer = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lectures",
        verbose_name=_("授课人"),
    )
    lecturer_name = models.CharField(_("授课人（非本支部）"), max_length=60, blank=True)
    lecture_title = models.CharField(_("党课题目"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    is_election = models.BooleanField(_("含选举事项"), default=False)
    minutes = models.TextField(_("会议内容"), blank=True)
    decisions = models.TextField(_("决定事项"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True, editable=False)
    is_backfilled = models.BooleanField(_("补录"), default=False, editable=False)
    without_quorum_reason = models.TextField(_("未达法定人数说明"), blank=True)
    #: Stored when the record is finalised, so its quorum never changes afterwards: per type with a quorum, the ids
    #: of those who had a vote on the day, and the figures (expected, present, needed, met, election).
    quorum_roll = models.JSONField(_("归档时的表决权名单与法定人数"), null=True, blank=True, editable=False)
    finalised_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("归档人"),
    )
    cancelled_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    is_deleted = models.BooleanField(_("已删除"), default=False, editable=False)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ActiveMeetingManager()
    all_objects = models.Manager()  # noqa: DJ012 - simple_history's descriptor is not a field

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-pk"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["organisation", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            # The meeting list's order: a page of the newest is read from the index, not sorted from every row.
            models.Index(fields=["-starts_at", "-id"], name="meeting_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def types(self) -> list[str]:
        """The meeting's types in the order of `MeetingType` (uses prefetched `type_links`)."""
        mine = {link.type for link in self.type_links.all()}
        return [value for value in MeetingType.values if value in mine]

    @property
    def type_labels(self) -> list[str]:
        return [str(MeetingType(value).label) for value in self.types]

    @property
    def is_finalised(self) -> bool:
        return self.status == MeetingStatus.FINALISED


class MeetingTypeLink(models.Model):
    """One type a meeting counts for (a 主题党日 that includes a 党课 has two rows)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="type_links", verbose_name=_("会议"))
    type = models.CharField(_("会议类型"), max_length=32, choices=MeetingType.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议类型")
        verbose_name_plural = _("会议类型")
        constraints = [models.UniqueConstraint(fields=["meeting", "type"], name="one_link_per_meeting_type")]
        indexes = [models.Index(fields=["type", "meeting"])]

    def __str__(self) -> str:
        return self.get_type_display()


class Attendance(models.Model):
    """One expected attendee of a meeting and what became of them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("会议"))
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="attendances", verbose_name=_("党员")
    )
    state = models.CharField(
        _("出席情况"), max_length=16, choices=AttendanceState.choices, default=AttendanceState.EXPECTED
    )
    leave_reason = models.CharField(_("请假原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        ordering = ["meeting_id", "member__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")]

    def __str__(self) -> str:
        return f"{self.member} {self.get_state_display()}"


class Guest(models.Model):
    """Someone attending who is not an expected member: an 积极分子 or an observer from above."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests", verbose_name=_("会议"))
    name = models.CharField(_("姓名"), max_length=60)
    kind = models.CharField(_("类别"), max_length=16, choices=GuestKind.choices, default=GuestKind.OTHER)
    note = models.CharField(_("单位/职务"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("列席人员")
        verbose_name_plural = _("列席人员")
        ordering = ["meeting_id", "pk"]

    def __str__(self) -> str:
        return self.name


class MeetingPhoto(models.Model):
    """A photo of a meeting, re-encoded without metadata and stored under a random name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos", verbose_name=_("会议"))
    image = models.ImageField(_("照片"), upload_to="meetings/photos/")
    caption = models.CharField(_("说明"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")
        ordering = ["meeting_id", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class MeetingAttachment(models.Model):
    """A PDF or Office document attached to a meeting, stored under a random name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("会议"))
    file = models.FileField(_("文件"), upload_to="meetings/attachments/")
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["meeting_id", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Amendment(models.Model):
    """A correction to a finalised record: the original value stays here, visible."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("会议"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("更正人")
    )
    at = models.DateTimeField(_("更正时间"), auto_now_add=True)
    reason = models.TextField(_("更正原因"))
    field = models.CharField(_("更正项目"), max_length=40)
    old_value = models.TextField(_("原内容"), blank=True)
    new_value = models.TextField(_("更正后内容"), blank=True)

    class Meta:
        verbose_name = _("更正记录")
        verbose_name_plural = _("更正记录")
        ordering = ["meeting_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting} {self.field} {self.at:%Y-%m-%d}"

    @property
    def field_label(self) -> str:
        """The Chinese name of the amended field."""
        try:
            return str(Meeting._meta.get_field(self.field).verbose_name)
        except FieldDoesNotExist:  # a field removed since the amendment keeps its raw name
            return self.field


class RequirementOverride(models.Model):
    """An organisation's own requirement for a meeting type in its subtree; the nearest ancestor's wins."""

    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.CASCADE,
        related_name="meeting_requirements",
        verbose_name=_("党组织"),
    )
    meeting_type = models.CharField(_("会议类型"), max_length=32, choices=MeetingType.choices)
    period = models.CharField(_("周期"), max_length=8, choices=Period.choices)
    count = models.PositiveSmallIntegerField(_("次数"), help_text=_("0 表示不作要求"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议要求设置")
        verbose_name_plural = _("会议要求设置")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "meeting_type"], name="one_override_per_org_type")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_meeting_type_display()} {self.count}/{self.get_period_display()}"


class MonthSummary(models.Model):
    """One organisation's meetings in one local calendar month, as the compliance engine counts them: finalised
    meetings per type, the attendance of those meetings, and the start of the latest held or finalised meeting.

    The engine reads these rows instead of every meeting and attendance row of the year (bench figure 2). They are
    written by `meetings.compliance.month_summary` in the same transaction as each change to a meeting, and rebuilt
    nightly.
    """

    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("党组织")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    held = models.JSONField(_("已归档会议数（按类型）"), default=dict)
    expected = models.PositiveIntegerField(_("应到人次"), default=0)
    present = models.PositiveIntegerField(_("实到人次"), default=0)
    last_activity = models.DateTimeField(_("最近召开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月度会议汇总")
        verbose_name_plural = _("月度会议汇总")
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="one_summary_per_org_month")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"


class ThemeDaySetting(models.Model):
    """The fixed day of the month of an organisation's 主题党日 (固定主题党日), for it and everything under it: the
    nearest organisation on the way up that sets one wins. A theme day held on another day, or the day passing
    without one, sends the secretary a reminder (never a red mark)."""

    organisation = models.OneToOneField(
        "branches.Organisation",
        on_delete=models.CASCADE,
        related_name="theme_day_setting",
        verbose_name=_("党组织"),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("每月固定日"),
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("1 至 31；当月没有该日时为当月最后一天。下级组织沿用最近上级的设置。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("主题党日固定日")
        verbose_name_plural = _("主题党日固定日")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1, day_of_month__lte=31), name="theme_day_in_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.day_of_month}"

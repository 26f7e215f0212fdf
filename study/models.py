"""Study tasks (学习任务), their files, and one assignment row per person with its completion and reflection."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Completion(models.TextChoices):
    """How a task is completed."""

    READ = "read", _("阅读并确认")
    REFLECTION = "reflection", _("提交心得体会")
    MEETING = "meeting", _("参加关联会议")


class TargetKind(models.TextChoices):
    """Who a task is for: the members of an organisation (a subtree, a branch or a 党小组), or chosen members."""

    ORGANISATION = "organisation", _("组织内党员")
    MEMBERS = "members", _("指定党员")


class AssignmentState(models.TextChoices):
    TODO = "todo", _("待完成")
    DRAFT = "draft", _("草稿")
    RETURNED = "returned", _("已退回")
    DONE = "done", _("已完成")


class StudyTask(models.Model):
    """A study task assigned by an organisation to the members of its target, resolved into assignments."""

    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="study_tasks", verbose_name=_("布置组织")
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("学习内容"), blank=True, help_text=_("只保留安全的格式和链接。"))
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="study_tasks",
        verbose_name=_("关联会议"),
    )
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("截止日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=0)
    completion = models.CharField(_("完成方式"), max_length=16, choices=Completion.choices, default=Completion.READ)
    min_length = models.PositiveIntegerField(_("心得体会最少字数"), default=0, help_text=_("0 表示不限字数。"))
    target_kind = models.CharField(
        _("学习对象"), max_length=16, choices=TargetKind.choices, default=TargetKind.ORGANISATION
    )
    #: Member statuses the organisation target covers (e.g. ["activist"]); empty: 预备党员 and 正式党员.
    target_statuses = models.JSONField(_("政治面貌"), default=list, blank=True)
    target_members = models.ManyToManyField("members.Member", blank=True, related_name="+", verbose_name=_("指定党员"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学习任务")
        verbose_name_plural = _("学习任务")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "due_on"]), models.Index(fields=["due_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("starts_on")), name="task_due_after_start"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="task_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("study:detail", args=[self.pk])


class StudyFile(models.Model):
    """A file of a task's content (PDF or Office), checked by content and size."""

    task = models.ForeignKey(StudyTask, on_delete=models.CASCADE, related_name="files", verbose_name=_("学习任务"))
    file = models.FileField(_("文件"), upload_to="study/files/")
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=120)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学习材料")
        verbose_name_plural = _("学习材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Assignment(models.Model):
    """One person's copy of a task: its state, their reflection, and how and when it was completed."""

    task = models.ForeignKey(
        StudyTask, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("学习任务")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="study_assignments", verbose_name=_("党员")
    )
    state = models.CharField(_("状态"), max_length=16, choices=AssignmentState.choices, default=AssignmentState.TODO)
    reflection = models.TextField(_("心得体会"), blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    completed_via = models.CharField(_("完成方式"), max_length=16, choices=Completion.choices, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学习任务完成情况")
        verbose_name_plural = _("学习任务完成情况")
        ordering = ["task_id", "member_id"]
        indexes = [models.Index(fields=["member", "state"]), models.Index(fields=["task", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["task", "member"], name="one_assignment_per_task_member"),
            models.CheckConstraint(
                condition=~models.Q(state="done") | models.Q(completed_at__isnull=False),
                name="assignment_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.member}"

    def get_absolute_url(self) -> str:
        return reverse("study:assignment", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.state == AssignmentState.DONE

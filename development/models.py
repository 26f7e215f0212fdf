"""The development of members (发展党员): each step of a person's path, and the path's next step kept with it.

The person is their member record (`members.Member`, from 入党申请人 on): nothing is typed twice, and at admission
the same record becomes a 预备党员, keeping the whole history.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import rules


class StepKind(models.TextChoices):
    TALK = rules.TALK, _("党组织派人谈话")
    ACTIVIST = rules.ACTIVIST, _("确定为入党积极分子")
    ACTIVIST_REVIEW = rules.ACTIVIST_REVIEW, _("入党积极分子考察")
    CANDIDATE = rules.CANDIDATE, _("确定为发展对象")
    POLITICAL_REVIEW = rules.POLITICAL_REVIEW, _("政治审查")
    TRAINING = rules.TRAINING, _("集中培训")
    PRE_REVIEW = rules.PRE_REVIEW, _("上级党委预审")
    PUBLIC_NOTICE = rules.PUBLIC_NOTICE, _("公示")
    ADMISSION_VOTE = rules.ADMISSION_VOTE, _("支部党员大会讨论接收预备党员")
    ADMISSION_APPROVAL = rules.ADMISSION_APPROVAL, _("上级党委审批")
    PROBATION_REVIEW = rules.PROBATION_REVIEW, _("预备党员考察")
    EXTENSION = rules.EXTENSION, _("延长预备期")
    CONFIRMATION_VOTE = rules.CONFIRMATION_VOTE, _("支部党员大会讨论转正")
    CONFIRMATION_APPROVAL = rules.CONFIRMATION_APPROVAL, _("上级党委审批转正")


class Step(models.Model):
    """One step of a person's path: its date, who did it, its documents; a vote with its figures and meeting."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="development_steps", verbose_name=_("党员")
    )
    kind = models.CharField(_("步骤"), max_length=24, choices=StepKind.choices)
    done_on = models.DateField(_("日期"))
    actor = models.CharField(_("经办人"), max_length=60, blank=True)
    documents = models.CharField(_("材料"), max_length=300, blank=True, help_text=_("如：入党申请书、谈话记录"))
    note = models.TextField(_("说明"), blank=True)
    people = models.ManyToManyField(
        "members.Member", blank=True, related_name="+", verbose_name=_("培养联系人/入党介绍人")
    )
    deadline = models.DateField(_("期限"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期完成"), default=False)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="development_votes",
        verbose_name=_("支部党员大会"),
    )
    voting_entitled = models.PositiveSmallIntegerField(_("应到有表决权党员"), null=True, blank=True)
    voting_present = models.PositiveSmallIntegerField(_("实到有表决权党员"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("赞成票"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("反对票"), null=True, blank=True)
    votes_abstaining = models.PositiveSmallIntegerField(_("弃权票"), null=True, blank=True)
    passed = models.BooleanField(_("表决通过"), null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(_("延长月数"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发展步骤")
        verbose_name_plural = _("发展步骤")
        ordering = ["member_id", "done_on", "pk"]
        indexes = [models.Index(fields=["member", "kind"]), models.Index(fields=["kind", "done_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"], condition=~Q(kind__in=rules.REPEATABLE), name="development_step_once"
            ),
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True)
                | Q(voting_present__gte=F("votes_for") + F("votes_against") + F("votes_abstaining")),
                name="development_votes_within_voters",
            ),
            models.CheckConstraint(
                condition=Q(voting_present__isnull=True) | Q(voting_entitled__gte=F("voting_present")),
                name="development_present_within_entitled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()} {self.done_on}"

    @property
    def votes_cast(self) -> int | None:
        if self.votes_for is None:
            return None
        return self.votes_for + (self.votes_against or 0) + (self.votes_abstaining or 0)


class Path(models.Model):
    """A person's next step, its earliest date and its deadline (`rules.next_step`), kept in step with their steps
    and record by the services so that the pipeline board, the funnel and the reminders read it in one query."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="development_path", verbose_name=_("党员")
    )
    next_step = models.CharField(_("下一步骤"), max_length=24, choices=StepKind.choices, blank=True)
    next_earliest = models.DateField(_("最早日期"), null=True, blank=True)
    next_deadline = models.DateField(_("期限"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("发展进程")
        verbose_name_plural = _("发展进程")
        indexes = [models.Index(fields=["next_deadline"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_next_step_display()}"

    def get_absolute_url(self) -> str:
        return reverse("development:path", args=[self.member_id])

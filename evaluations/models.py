"""民主评议党员 (member appraisal) and 支部考核 (branch assessment).

Ballots are anonymous: `BallotVoter` records who has voted, `BallotMark` what was voted, and nothing ties one to
the other (no voter column, no timestamp, a random primary key, no history; the marks of a ballot are written in a
shuffled order in the transaction that writes its voter row).
"""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASICALLY_QUALIFIED = "basically_qualified", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class Step(models.TextChoices):
    STUDY = "study", _("学习")
    SELF_ASSESSMENT = "self_assessment", _("自评")
    MUTUAL_ASSESSMENT = "mutual_assessment", _("互评")
    BALLOT = "ballot", _("民主测评")
    PROPOSAL = "proposal", _("组织评定（支委会提出意见）")
    CONFIRMATION = "confirmation", _("支部党员大会确认")
    FEEDBACK = "feedback", _("反馈结果")
    FINISHED = "finished", _("已完成")


class Appraisal(models.Model):
    """One branch's 民主评议党员 of one year, moving through its steps (`step_dates`: the day each began)."""

    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="appraisals", verbose_name=_("党支部")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    step = models.CharField(_("当前步骤"), max_length=24, choices=Step.choices, default=Step.STUDY)
    step_dates = models.JSONField(_("各步骤开始日期"), default=dict, blank=True)
    ballot_closed = models.BooleanField(_("测评已结束"), default=False)
    #: The members with a vote when the ballot opened: the base of its quorum.
    voters_expected = models.PositiveIntegerField(_("有表决权党员数"), default=0)
    confirmation_meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认评议结果的支部党员大会"),
    )
    opened_on = models.DateField(_("启动日期"))

    class Meta:
        verbose_name = _("民主评议党员")
        verbose_name_plural = _("民主评议党员")
        ordering = ["-year", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_appraisal_per_branch_year")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", args=[self.pk])

    @property
    def ballot_open(self) -> bool:
        return self.step == Step.BALLOT and not self.ballot_closed

    @property
    def tally_visible(self) -> bool:
        """The tally per member is shown once the ballot has closed (before: turnout only)."""
        return self.ballot_closed


class SelfAssessment(models.Model):
    """A member's own written assessment (自评) for one appraisal."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="self_assessments", verbose_name=_("民主评议")
    )
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("党员"))
    text = models.TextField(_("自我评价"), max_length=4000)

    class Meta:
        verbose_name = _("自评")
        verbose_name_plural = _("自评")
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="one_self_assessment")]

    def __str__(self) -> str:
        return f"{self.appraisal} {self.member}"


class BallotVoter(models.Model):
    """Who has voted in an appraisal's ballot (never what)."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="voters", verbose_name=_("民主评议")
    )
    voter = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("投票人"))

    class Meta:
        verbose_name = _("已投票党员")
        verbose_name_plural = _("已投票党员")
        constraints = [models.UniqueConstraint(fields=["appraisal", "voter"], name="one_ballot_per_voter")]

    def __str__(self) -> str:
        return f"{self.appraisal} {self.voter}"


class BallotMark(models.Model):
    """One grade given to one member on one anonymous ballot: no voter, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="marks", verbose_name=_("民主评议"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("被评党员"))
    grade = models.CharField(_("等次"), max_length=24, choices=Grade.choices)

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")
        indexes = [models.Index(fields=["appraisal", "member", "grade"])]

    def __str__(self) -> str:
        return f"{self.appraisal} {self.member} {self.get_grade_display()}"


class MassesOpinion(models.Model):
    """Opinions of the masses collected offline, as counts per member and grade."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="masses_opinions", verbose_name=_("民主评议")
    )
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("被评党员"))
    grade = models.CharField(_("等次"), max_length=24, choices=Grade.choices)
    count = models.PositiveIntegerField(_("票数"))

    class Meta:
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见")
        constraints = [models.UniqueConstraint(fields=["appraisal", "member", "grade"], name="one_masses_count")]

    def __str__(self) -> str:
        return f"{self.appraisal} {self.member} {self.get_grade_display()} {self.count}"


class AppraisalResult(models.Model):
    """A member's grade: proposed by the committee, confirmed by the 支部党员大会, then fed back."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="results", verbose_name=_("民主评议")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="appraisal_results", verbose_name=_("党员")
    )
    grade = models.CharField(_("评定等次"), max_length=24, choices=Grade.choices)
    reason = models.TextField(_("评定为不合格的理由"), blank=True, max_length=2000)
    feedback = models.TextField(_("反馈意见"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("评议结果")
        verbose_name_plural = _("评议结果")
        ordering = ["appraisal_id", "member__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "member"], name="one_result_per_member"),
            models.CheckConstraint(
                condition=~models.Q(grade="unqualified") | ~models.Q(reason=""), name="unqualified_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_grade_display()}"


class FollowUp(models.Model):
    """What the branch does about a 不合格 grade: education, a deadline to correct, and the outcome."""

    result = models.OneToOneField(
        AppraisalResult, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("评议结果")
    )
    education = models.TextField(_("教育帮助措施"), max_length=2000)
    deadline = models.DateField(_("限期改正日期"))
    outcome = models.TextField(_("处理结果"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("不合格党员处置")
        verbose_name_plural = _("不合格党员处置")

    def __str__(self) -> str:
        return f"{self.result}"


class AppraisalSetting(models.Model):
    """An organisation's share of 优秀 for its subtree (default one third); the nearest ancestor's wins."""

    organisation = models.OneToOneField(
        "branches.Organisation", on_delete=models.CASCADE, related_name="appraisal_setting", verbose_name=_("党组织")
    )
    excellent_numerator = models.PositiveSmallIntegerField(_("优秀比例（分子）"), default=1)
    excellent_denominator = models.PositiveSmallIntegerField(_("优秀比例（分母）"), default=3)

    class Meta:
        verbose_name = _("民主评议设置")
        verbose_name_plural = _("民主评议设置")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.excellent_numerator}/{self.excellent_denominator}"


# --- 支部考核 -------------------------------------------------------------------------------------------------------


class IndicatorKind(models.TextChoices):
    COMPLIANCE = "compliance", _("三会一课等组织生活落实情况")
    ATTENDANCE = "attendance", _("党员参加组织生活出勤率")
    STUDY = "study", _("学习任务完成情况")
    DUES = "dues", _("按时交纳党费情况")
    DEVELOPMENT = "development", _("发展党员按期推进情况")
    APPRAISAL = "appraisal", _("民主评议党员结果")
    STRUCTURE = "structure", _("组织设置健全情况")
    ACTIVITY = "activity", _("组织生活经常性（静默天数）")
    RESULTS = "results", _("工作成效（人工评定）")
    SATISFACTION = "satisfaction", _("群众满意度（人工评定）")


#: Indicators a committee scores by hand, with a short justification.
MANUAL_KINDS = (IndicatorKind.RESULTS, IndicatorKind.SATISFACTION)


class Scheme(models.Model):
    """A committee's scoring scheme for its subtree and year; a version published with scores is never edited (a
    revision is a new version, the old scores keep theirs)."""

    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="schemes", verbose_name=_("制定党组织")
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=120)
    #: [[lowest score, label], …] from the highest band down, e.g. [[90, "五星"], [80, "四星"], …].
    bands = models.JSONField(_("等级划分"), default=list)
    is_current = models.BooleanField(_("现行版本"), default=True)
    published_on = models.DateField(_("得分发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "organisation_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "version"], name="one_scheme_version"),
            models.UniqueConstraint(
                fields=["organisation", "year"], condition=models.Q(is_current=True), name="one_current_scheme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}，v{self.version}）"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:scheme", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_on is not None


class Indicator(models.Model):
    """One indicator of a scheme and its weight (the weights of a scheme add up to 100)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("考核方案"))
    kind = models.CharField(_("指标"), max_length=24, choices=IndicatorKind.choices)
    weight = models.PositiveSmallIntegerField(_("权重（分）"))

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "kind"], name="one_indicator_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.weight}"

    @property
    def is_manual(self) -> bool:
        return self.kind in MANUAL_KINDS


class ManualScore(models.Model):
    """A committee's score (0–100) of a manual indicator for one branch, with its justification."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="manual_scores", verbose_name=_("考核指标")
    )
    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("党支部")
    )
    value = models.PositiveSmallIntegerField(_("得分（0–100）"))
    justification = models.CharField(_("评分依据"), max_length=300)

    class Meta:
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        constraints = [models.UniqueConstraint(fields=["indicator", "organisation"], name="one_manual_score")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.organisation} {self.value}"


class BranchScore(models.Model):
    """A branch's score under one scheme version, stored with the inputs used (`inputs`: per indicator kind, the
    value 0–100, its weight, the points, the figures behind it and the link to the records)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="scores", verbose_name=_("考核方案"))
    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.CASCADE, related_name="branch_scores", verbose_name=_("党支部")
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    band = models.CharField(_("等级"), max_length=40, blank=True)
    inputs = models.JSONField(_("计分依据"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("支部考核得分")
        verbose_name_plural = _("支部考核得分")
        ordering = ["scheme_id", "-total", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "organisation"], name="one_score_per_scheme")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.total}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:score", args=[self.pk])

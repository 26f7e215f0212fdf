"""The organisation tree, committees and their terms (who holds a post is known in `members`), and reviewers."""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from . import rules


class Level(models.TextChoices):
    SUPERIOR_COMMITTEE = "superior_committee", _("上级党委")
    PRIMARY_COMMITTEE = "primary_committee", _("基层党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    PARTY_GROUP = "party_group", _("党小组")


class Domain(models.TextChoices):
    RURAL = "rural", _("农村")
    COMMUNITY = "community", _("社区")
    GOVERNMENT = "government", _("机关")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    UNIVERSITY = "university", _("高校")
    RESEARCH = "research", _("科研院所")
    PRIVATE_ENTERPRISE = "private_enterprise", _("非公有制企业")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")


class Form(models.TextChoices):
    SINGLE = "single", _("单独组建")
    JOINT = "joint", _("联合组建")
    FUNCTIONAL = "functional", _("功能型")
    TEMPORARY = "temporary", _("临时")


class Organisation(MP_Node):
    """One node of the tree: a committee, general branch, branch or party group."""

    name = models.CharField(_("名称"), max_length=120)
    code = models.CharField(_("组织代码"), max_length=40, unique=True)
    level = models.CharField(_("层级"), max_length=24, choices=Level.choices)
    domain = models.CharField(_("领域类型"), max_length=24, choices=Domain.choices)
    form = models.CharField(_("组建形式"), max_length=16, choices=Form.choices, default=Form.SINGLE)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    #: Bumped by every edit through the services: an edit based on an older version is refused (no lost update). The
    #: database default serves bulk loads that write rows without it (demo's COPY).
    version = models.PositiveIntegerField(_("版本"), default=1, db_default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [models.Index(fields=["level", "path"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("branches:detail", args=[self.pk])

    @property
    def is_branch(self) -> bool:
        return self.level == Level.BRANCH

    @property
    def is_party_group(self) -> bool:
        return self.level == Level.PARTY_GROUP


class CommitteeTerm(models.Model):
    """One elected term of a committee (支部委员会, 党总支 or 党委委员会); the newest is the current one."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="committee_terms", verbose_name=_("党组织")
    )
    elected_on = models.DateField(_("选举日期"))
    term_ends_on = models.DateField(_("任期届满日期"))
    extended_until = models.DateField(
        _("延期至"),
        null=True,
        blank=True,
        help_text=_("经上级党组织批准延期换届的，填写延期后的届满日期（至多一年）。"),
    )
    extension_approved_on = models.DateField(_("延期批准日期"), null=True, blank=True)
    is_current = models.BooleanField(_("现任"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("支部委员会届次")
        verbose_name_plural = _("支部委员会届次")
        ordering = ["-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_current=True), name="one_current_term_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(term_ends_on__gt=models.F("elected_on")), name="term_ends_after_election"
            ),
            models.CheckConstraint(
                condition=models.Q(extended_until__isnull=True, extension_approved_on__isnull=True)
                | models.Q(
                    extended_until__gt=models.F("term_ends_on"),
                    extension_approved_on__isnull=False,
                ),
                name="term_extension_approved_and_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.elected_on:%Y}"

    @property
    def ends_on(self) -> date:
        """The day the term actually ends: an approved extension's end, else 任期届满日期 (`rules.term_end`)."""
        return rules.term_end(self.term_ends_on, self.extended_until)


class ReviewerAppointmentQuerySet(models.QuerySet):
    def in_force(self, day: date) -> "ReviewerAppointmentQuerySet":
        """Appointments in force on a day: appointed on or before it, and not yet ended (the end day included)."""
        return self.filter(appointed_on__lte=day).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day))


class ReviewerAppointment(models.Model):
    """A user appointed to read an organisation's whole subtree (上级党委 staff)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_appointments", verbose_name=_("用户")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reviewers", verbose_name=_("党组织")
    )
    appointed_on = models.DateField(_("任命日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)

    objects = ReviewerAppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("审阅人任命")
        verbose_name_plural = _("审阅人任命")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_appointment_per_user_org")]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"

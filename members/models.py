"""Party members, their posts in branch committees, the log of who read an ID number, and roster uploads waiting
for confirmation."""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import rules


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")


class Status(models.TextChoices):
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    LEFT = "left", _("出党")
    SUSPENDED = "suspended", _("停止党籍")
    TRANSFERRED_OUT = "transferred_out", _("已转出")


#: Statuses of people who are Party members (they attend branch meetings).
MEMBER_STATUSES = (Status.PROBATIONARY, Status.FULL)
#: Statuses of people with a vote (预备党员 have none).
VOTING_STATUSES = (Status.FULL,)


class ActiveMemberManager(models.Manager):
    """Members not deleted; deleted ones stay in `Member.all_objects` and can be restored."""

    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class Member(models.Model):
    """One person's record: from 入党申请人 to 正式党员."""

    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_number_encrypted = models.TextField(_("身份证号（加密）"), editable=False)
    id_number_index = models.CharField(_("身份证号索引"), max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="members", verbose_name=_("所在党支部")
    )
    party_group = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_members",
        verbose_name=_("党小组"),
    )
    status = models.CharField(_("政治面貌"), max_length=16, choices=Status.choices, default=Status.APPLICANT)
    applied_on = models.DateField(_("递交入党申请日期"), null=True, blank=True)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    confirmed_on = models.DateField(_("转正日期"), null=True, blank=True)
    probation_starts_on = models.DateField(_("留党察看开始日期"), null=True, blank=True)
    probation_ends_on = models.DateField(
        _("留党察看截止日期"), null=True, blank=True, help_text=_("察看期最后一天；期满次日恢复党员权利。")
    )
    is_mobile = models.BooleanField(_("流动党员"), default=False)
    away_place = models.CharField(
        _("外出地点"),
        max_length=120,
        blank=True,
        default="",
        db_default="",
        help_text=_("流动党员外出所在地，如省、市、县。"),
    )
    away_unit = models.CharField(_("外出工作单位"), max_length=120, blank=True, default="", db_default="")
    away_party_org = models.CharField(_("流入地党组织"), max_length=120, blank=True, default="", db_default="")
    away_contact = models.CharField(_("外出期间联系方式"), max_length=60, blank=True, default="", db_default="")
    away_since = models.DateField(_("外出日期"), null=True, blank=True)
    photo = models.ImageField(_("照片"), upload_to="members/photos/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("登录账号"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    is_deleted = models.BooleanField(_("已删除"), default=False, editable=False)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["id_number_index", "updated_at"])

    objects = ActiveMemberManager()
    all_objects = models.Manager()  # noqa: DJ012 - simple_history's descriptor is not a field

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["organisation_id", "name", "pk"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["name"]),
            models.Index(fields=["phone"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probation_starts_on__isnull=True, probation_ends_on__isnull=True)
                | models.Q(probation_ends_on__gt=models.F("probation_starts_on")),
                name="probation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    def on_probation_on(self, day: date) -> bool:
        """Whether the member is under 留党察看 on `day` (`rules.under_probation`)."""
        return rules.under_probation(self.probation_starts_on, self.probation_ends_on, day)

    @property
    def on_probation(self) -> bool:
        """Under 留党察看 today (local date): the roster's and the record's badge."""
        return self.on_probation_on(timezone.localdate())

    def full_member_on(self, day: date) -> bool:
        """A 正式党员 on `day`, by the record's status dates (`rules.full_member_on`)."""
        return rules.full_member_on(self.status, self.joined_on, self.confirmed_on, day)

    def has_vote_on(self, day: date) -> bool:
        """表决权, 选举权 and 被选举权 on `day` (`rules.has_vote_on`)."""
        return rules.has_vote_on(
            status=self.status,
            joined_on=self.joined_on,
            confirmed_on=self.confirmed_on,
            probation_starts_on=self.probation_starts_on,
            probation_ends_on=self.probation_ends_on,
            day=day,
        )


class Post(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    ORGANISATION_OFFICER = "organisation_officer", _("组织委员")
    PUBLICITY_OFFICER = "publicity_officer", _("宣传委员")
    DISCIPLINE_OFFICER = "discipline_officer", _("纪检委员")
    YOUTH_OFFICER = "youth_officer", _("青年委员")
    UNITED_FRONT_OFFICER = "united_front_officer", _("统战委员")
    COMMITTEE_MEMBER = "committee_member", _("委员")


class CommitteePostQuerySet(models.QuerySet):
    def current(self) -> "CommitteePostQuerySet":
        """Posts held now: in an organisation's current committee term, by a member whose record is not deleted."""
        return self.filter(term__is_current=True, member__is_deleted=False)


class CommitteePost(models.Model):
    """A member holding a post in a committee term; holders of the current term manage the branch.

    Kept in the tables the branches app created (the model moved here, where people are known).
    """

    term = models.ForeignKey(
        "branches.CommitteeTerm", on_delete=models.CASCADE, related_name="posts", verbose_name=_("届次")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="committee_posts", verbose_name=_("党员"))
    post = models.CharField(_("职务"), max_length=24, choices=Post.choices)
    history = HistoricalRecords(table_name="branches_historicalcommitteepost")

    objects = CommitteePostQuerySet.as_manager()

    class Meta:
        db_table = "branches_committeepost"
        verbose_name = _("支委职务")
        verbose_name_plural = _("支委职务")
        constraints = [models.UniqueConstraint(fields=["term", "member"], name="one_post_per_member_per_term")]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.member}"


class IdNumberAccess(models.Model):
    """One use of the "show ID number" action: who, whose, when, from where."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="id_accesses", verbose_name=_("党员"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("查看人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    purpose = models.CharField(_("用途"), max_length=40, default="show")

    class Meta:
        verbose_name = _("身份证号查看记录")
        verbose_name_plural = _("身份证号查看记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.member} {self.at:%Y-%m-%d %H:%M}"


class ImportStage(models.Model):
    """A roster upload between its preview and its confirmation: the file Fernet-encrypted, kept an hour at most.

    Written and removed only by the import services (members.imports); a beat task purges the abandoned ones.
    """

    token = models.CharField(_("令牌"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("上传人")
    )
    file_name = models.CharField(_("文件名"), max_length=120, blank=True)
    content_encrypted = models.BinaryField(_("文件内容（加密）"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("待确认的导入")
        verbose_name_plural = _("待确认的导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.user})"


class TransferKind(models.TextChoices):
    INTERNAL = "internal", _("系统内转接")
    OUTGOING = "outgoing", _("转出本系统")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已撤回")
    LEFT = "left", _("已转出")


class Transfer(models.Model):
    """A member's 组织关系转接: started by the sending branch; inside the portal accepted or returned by the
    receiving branch, out of it carried by a 介绍信 and closed when the member has left. Until a transfer is
    accepted the member stays on the sending branch's roster; the row keeps both branches and every date."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("党员"))
    kind = models.CharField(_("转接方式"), max_length=12, choices=TransferKind.choices, default=TransferKind.INTERNAL)
    status = models.CharField(_("状态"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    from_organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("转出党支部")
    )
    to_organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_in",
        verbose_name=_("转入党支部"),
    )
    destination = models.CharField(
        _("接收党组织"), max_length=120, blank=True, help_text=_("转出本系统时，接收党组织的全称。")
    )
    member_status = models.CharField(_("转接时政治面貌"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("转接原因"), max_length=200)
    dues_paid_until = models.DateField(
        _("党费缴纳至"), null=True, blank=True, help_text=_("填写所缴党费的最后一个月。")
    )
    valid_days = models.PositiveSmallIntegerField(_("介绍信有效期（天）"), default=30)
    started_on = models.DateField(_("转出日期"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办结人"),
    )
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-started_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "from_organisation"]),
            models.Index(fields=["status", "to_organisation"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status="pending"), name="one_pending_transfer_per_member"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="internal") & models.Q(to_organisation__isnull=False))
                | (models.Q(kind="outgoing") & models.Q(to_organisation__isnull=True) & ~models.Q(destination="")),
                name="transfer_has_a_destination",
            ),
            models.CheckConstraint(
                condition=~models.Q(to_organisation=models.F("from_organisation")),
                name="transfer_to_another_branch",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True) | models.Q(decided_on__gte=models.F("started_on")),
                name="transfer_decided_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.from_organisation} → {self.destination_name}"

    def get_absolute_url(self) -> str:
        return reverse("members:transfer_detail", args=[self.pk])

    @property
    def destination_name(self) -> str:
        """Where the member goes: the receiving branch, or the organisation outside the portal."""
        return self.to_organisation.name if self.to_organisation_id else self.destination

    @property
    def letter_number(self) -> str:
        """The 介绍信's number: year of issue and the transfer's id (the return slip carries the same)."""
        return f"{self.started_on:%Y}-{self.pk:06d}"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING

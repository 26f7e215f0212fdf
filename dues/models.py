"""Dues (党费): the rates by effective date, each member's declared base, approved reductions, payments and the
months they cover, and the ledger's monthly totals per organisation (a summary the ledger keeps itself)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import rules


class Category(models.TextChoices):
    EMPLOYED = rules.EMPLOYED, _("在职党员")
    RETIRED = rules.RETIRED, _("离退休党员")
    LOW_INCOME = rules.LOW_INCOME, _("学生、失业或低收入党员")
    FARMER = rules.FARMER, _("农民党员")


class Method(models.TextChoices):
    CASH = "cash", _("现金")
    TRANSFER = "transfer", _("银行转账")
    ONLINE = "online", _("线上支付")
    PAYROLL = "payroll", _("工资代扣")


def _money(label, **kwargs) -> models.DecimalField:
    return models.DecimalField(label, max_digits=10, decimal_places=2, **kwargs)


class DuesRate(models.Model):
    """One bracket of the rates in force from `effective_from` (中组发〔2008〕3号; seeded with the 2008 rates): incomes
    up to `up_to` (empty: no upper bound) pay `percent` of the whole income, or the fixed `amount`."""

    effective_from = models.DateField(_("执行日期"))
    category = models.CharField(_("党员类别"), max_length=16, choices=Category.choices)
    up_to = _money(_("月收入上限（含）"), null=True, blank=True)
    percent = models.DecimalField(_("比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount = _money(_("固定金额（元）"), null=True, blank=True)

    class Meta:
        verbose_name = _("党费标准")
        verbose_name_plural = _("党费标准")
        ordering = ["effective_from", "category", "up_to"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from", "category", "up_to"], name="one_dues_rate_per_bracket"),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=False, amount__isnull=True)
                | models.Q(percent__isnull=True, amount__isnull=False),
                name="dues_rate_percent_or_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from} {self.get_category_display()} ≤{self.up_to or '∞'}"


class DuesDeclaration(models.Model):
    """A member's declared base (月收入) from `declared_on`, and the monthly amount the rates in force then give."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="dues_declarations", verbose_name=_("党员")
    )
    category = models.CharField(_("党员类别"), max_length=16, choices=Category.choices)
    income = _money(_("月收入（元）"), default=0)
    declared_on = models.DateField(_("申报日期"))
    amount = _money(_("每月应交（元）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费基数申报")
        verbose_name_plural = _("党费基数申报")
        ordering = ["-declared_on", "-pk"]
        indexes = [models.Index(fields=["member", "declared_on"])]
        constraints = [
            models.UniqueConstraint(fields=["member", "declared_on"], name="one_dues_declaration_per_day"),
            models.CheckConstraint(condition=models.Q(income__gte=0, amount__gte=0), name="dues_declaration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.declared_on} {self.amount}"


class DuesReduction(models.Model):
    """An approved reduction (少交或免交): the branch decided, the higher committee approved; the member owes
    `amount` a month from `first_month` to `last_month`."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="dues_reductions", verbose_name=_("党员")
    )
    first_month = models.DateField(_("开始月份"))
    last_month = models.DateField(_("结束月份"))
    amount = _money(_("减免后每月应交（元）"))
    decided_on = models.DateField(_("支部决定日期"))
    approved_on = models.DateField(_("上级党委批准日期"))
    reason = models.CharField(_("原因"), max_length=200)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费减免")
        verbose_name_plural = _("党费减免")
        ordering = ["-first_month", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_month__gte=models.F("first_month"), amount__gte=0),
                name="dues_reduction_months_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.first_month:%Y-%m}–{self.last_month:%Y-%m} {self.amount}"


class DuesPayment(models.Model):
    """One payment recorded by the secretary: the months it covers (`first_month` to `last_month`), the amount and
    how it was paid; `approved` when the branch agreed to a quarterly or advance payment."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="dues_payments", verbose_name=_("党员")
    )
    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("收缴党支部")
    )
    paid_on = models.DateField(_("缴纳日期"))
    first_month = models.DateField(_("开始月份"))
    last_month = models.DateField(_("结束月份"))
    amount = _money(_("金额（元）"))
    method = models.CharField(_("缴纳方式"), max_length=16, choices=Method.choices)
    approved = models.BooleanField(_("已经支部同意"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费缴纳记录")
        verbose_name_plural = _("党费缴纳记录")
        ordering = ["-paid_on", "-pk"]
        indexes = [models.Index(fields=["member", "-paid_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_month__gte=models.F("first_month"), amount__gt=0),
                name="dues_payment_months_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.paid_on} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("dues:member", args=[self.member_id])


class DuesPaymentMonth(models.Model):
    """One month a payment covers, and its share: a month is paid at most once."""

    payment = models.ForeignKey(DuesPayment, on_delete=models.CASCADE, related_name="months")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    amount = _money(_("金额（元）"))

    class Meta:
        verbose_name = _("党费所属月份")
        verbose_name_plural = _("党费所属月份")
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_month_paid_once")]
        indexes = [models.Index(fields=["month", "member"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"


class DuesMonthTotal(models.Model):
    """The ledger's totals of one organisation's members for one month, computed when first read and deleted by
    every write that changes them (dues.ledger); `computed_in` is the month it was computed in (a total computed
    during its own month is renewed once the month has ended)."""

    organisation = models.ForeignKey("branches.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    members = models.PositiveIntegerField(default=0)
    undeclared = models.PositiveIntegerField(default=0)
    expected = _money("expected", default=0)
    paid = _money("paid", default=0)
    unpaid_members = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    escalations = models.PositiveIntegerField(default=0)
    computed_in = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="one_dues_total_per_month")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"

"""Forms of the dues pages: a declared base, a payment, an approved reduction (their rules are the services')."""

import re
from datetime import date

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.dates import limit_dates

from . import rules
from .models import Category, Method

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


def _month_field(label) -> forms.DateField:
    return forms.DateField(label=label, input_formats=MONTH_FORMATS, widget=MonthInput, help_text=_("格式：2026-05"))


class MoneyField(forms.DecimalField):
    """An amount in 元 as people write it (97.50): no exponent ("1e3"), no infinity."""

    def to_python(self, value):
        if isinstance(value, str) and not re.fullmatch(r"\s*[-+]?[0-9０-９]*[.．]?[0-9０-９]*\s*", value):
            raise forms.ValidationError(_("请输入金额，如 97.50。"), code="invalid")
        return super().to_python(value)


def _money_field(label, **kwargs) -> forms.DecimalField:
    return MoneyField(label=label, max_digits=10, decimal_places=2, **kwargs)


class _DuesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self, {k: v for k, v in rules.DUES_DATE_RANGES.items() if k in self.fields})
        today = timezone.localdate()
        for name, field in self.fields.items():
            if isinstance(field.widget, MonthInput):
                earliest, latest = rules.DUES_DATE_RANGES[name].bounds(today)
                field.widget.attrs.update(min=f"{earliest:%Y-%m}", max=f"{latest:%Y-%m}")
        self.helper = FormHelper()
        self.helper.form_tag = False


class DeclarationForm(_DuesForm):
    category = forms.ChoiceField(label=_("党员类别"), choices=Category.choices)
    income = _money_field(
        _("月收入（元）"),
        required=False,
        min_value=0,
        max_value=rules.INCOME_MAX,
        help_text=_("在职党员填税后月工资收入，离退休党员填月离退休费；学生、低收入和农民党员可不填。"),
    )
    declared_on = forms.DateField(label=_("申报日期"), widget=DateInput)


class PaymentForm(_DuesForm):
    first_month = _month_field(_("开始月份"))
    last_month = _month_field(_("结束月份"))
    amount = _money_field(_("金额（元）"), min_value=0, max_value=rules.PAYMENT_MAX)
    paid_on = forms.DateField(label=_("缴纳日期"), widget=DateInput)
    method = forms.ChoiceField(label=_("缴纳方式"), choices=Method.choices)
    approved = forms.BooleanField(
        label=_("已经支部同意"), required=False, help_text=_("按季度交纳或预交党费须经党支部同意。")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ReductionForm(_DuesForm):
    first_month = _month_field(_("开始月份"))
    last_month = _month_field(_("结束月份"))
    amount = _money_field(
        _("减免后每月应交（元）"), min_value=0, max_value=rules.PAYMENT_MAX, help_text=_("免交填 0。")
    )
    decided_on = forms.DateField(label=_("支部决定日期"), widget=DateInput)
    approved_on = forms.DateField(label=_("上级党委批准日期"), widget=DateInput)
    reason = forms.CharField(label=_("原因"), max_length=200)


def parse_month(value: str | None, today: date) -> date:
    """The month a ledger's `month` parameter names (2026-05), within the months the ledger offers; this month when
    it names none."""
    this_month = rules.month_of(today)
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        chosen = date(year, month, 1)
    except (ValueError, TypeError, OverflowError):
        return this_month
    earliest = rules.month_of(rules.MONTH_RANGE.bounds(today)[0])
    return chosen if earliest <= chosen <= this_month else this_month

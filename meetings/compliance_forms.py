"""Forms of the compliance pages: the period and status filter, and one meeting type's requirement."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import MeetingType, Period

STATUS_CHOICES = (
    ("", _("全部状态")),
    (rules.RED, _("逾期")),
    (rules.YELLOW, _("即将到期")),
    (rules.GREEN, _("已完成")),
    (rules.NEUTRAL, _("未到期或不适用")),
)


class ComplianceFilterForm(forms.Form):
    """Which period (a month, quarter or year code) and which overall status to show."""

    period = forms.CharField(label=_("期间"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)

    def clean_period(self) -> rules.PeriodRange | None:
        text = self.cleaned_data["period"]
        if not text:
            return None
        try:
            period = rules.parse_period(text)
        except ValueError:
            raise forms.ValidationError(
                _("期间格式不正确，请选择月份（如 2026-11）、季度（如 2026-Q3）或年度（如 2026）。")
            ) from None
        today = timezone.localdate()
        if not rules.period_allowed(period, today):
            earliest, latest = rules.PERIOD_RANGE.bounds(today)
            raise forms.ValidationError(
                _("期间应在%(first)d年至%(last)d年之间。") % {"first": earliest.year, "last": latest.year}
            )
        return period


class RequirementForm(forms.Form):
    """An organisation's own requirement for one meeting type: a count per period, or 不作要求."""

    meeting_type = forms.ChoiceField(
        label=_("会议类型"), choices=[(t, MeetingType(t).label) for t in rules.COMPLIANCE_TYPES]
    )
    period = forms.ChoiceField(label=_("周期"), choices=Period.choices)
    count = forms.IntegerField(
        label=_("次数"),
        min_value=0,
        max_value=31,
        required=False,
        error_messages={
            "invalid": _("次数应为整数。"),
            "min_value": _("次数不能为负数。"),
            "max_value": _("次数不能超过 31。"),
        },
    )
    not_required = forms.BooleanField(label=_("不作要求"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("not_required"):
            cleaned["count"] = 0
        elif cleaned.get("count") is None and "count" not in self.errors:
            self.add_error("count", _("请填写次数，或勾选“不作要求”。"))
        return cleaned

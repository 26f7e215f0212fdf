"""Forms of the transfer pages: starting a transfer (to a branch of the portal or out of it) and returning one."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.dates import limit_dates
from branches.models import Level, Organisation

from . import rules
from .forms import DateInput
from .models import Member
from .services import transfers as transfer_services


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class TransferStartForm(forms.Form):
    """A transfer as on the paper form: where to, why, from which day, dues paid until and the letter's validity."""

    to_organisation = forms.ModelChoiceField(
        label=_("转入党支部"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("（转出本系统，填写下方接收党组织）"),
    )
    destination = forms.CharField(
        label=_("系统外接收党组织"),
        max_length=120,
        required=False,
        help_text=_("转往本系统以外的党组织时填写其全称，并打印介绍信。"),
    )
    reason = forms.CharField(label=_("转接原因"), max_length=200, help_text=_("如：工作调动、升学、退休回原籍。"))
    started_on = forms.DateField(label=_("转出日期"), widget=DateInput)
    dues_paid_until = forms.DateField(
        label=_("党费缴纳至"),
        required=False,
        widget=MonthInput,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("所缴党费的最后一个月，写入介绍信。"),
    )
    valid_days = forms.IntegerField(
        label=_("介绍信有效期（天）"), min_value=1, max_value=rules.LETTER_VALID_DAYS_MAX, initial=30
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        branches = Organisation.objects.filter(level=Level.BRANCH).exclude(pk=member.organisation_id)
        self.fields["to_organisation"].queryset = branches.order_by("path")
        self.initial.setdefault("started_on", timezone.localdate())
        self.initial.setdefault("valid_days", rules.LETTER_VALID_DAYS_DEFAULT)
        limit_dates(self, rules.TRANSFER_DATE_RANGES)
        month = self.fields["dues_paid_until"].widget.attrs  # a month picker takes its bounds as YYYY-MM
        month.update(min=month["min"][:7], max=month["max"][:7])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset(
                _("转往何处"),
                Row(Column("to_organisation", css_class="col-md-6"), Column("destination", css_class="col-md-6")),
            ),
            Fieldset(
                _("介绍信"),
                Row(Column("reason", css_class="col-12")),
                Row(
                    Column("started_on", css_class="col-md-4"),
                    Column("dues_paid_until", css_class="col-md-4"),
                    Column("valid_days", css_class="col-md-4"),
                ),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = transfer_services.transfer_check(
            member=self.member,
            to_organisation=cleaned.get("to_organisation"),
            destination=cleaned.get("destination", ""),
            started_on=cleaned.get("started_on"),
            dues_paid_until=cleaned.get("dues_paid_until"),
            valid_days=cleaned.get("valid_days") or rules.LETTER_VALID_DAYS_DEFAULT,
        )
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class TransferReturnForm(forms.Form):
    """Returning a transfer: the reason the sending branch will read."""

    return_reason = forms.CharField(
        label=_("退回原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("转出党支部会看到此原因。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.attrs = {"novalidate": ""}

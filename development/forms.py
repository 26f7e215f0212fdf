"""The form of a step of a person's path, and the pipeline board's filters."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from branches.dates import limit_dates
from meetings.models import Meeting
from members.models import Member

from . import rules
from .models import StepKind
from .selectors import PIPELINE_STATUSES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.starts_at:%Y-%m-%d} {obj.topic}"


class StepForm(forms.Form):
    """One step: which, when, who did it and with which documents; for 积极分子 and 发展对象 the 培养联系人 or
    入党介绍人; for a vote the finalised 支部党员大会 record and the votes; for an extension its length."""

    kind = forms.ChoiceField(label=_("步骤"), choices=StepKind.choices)
    done_on = forms.DateField(
        label=_("日期"), widget=DateInput, required=False, help_text=_("表决步骤的日期取自所选支部党员大会。")
    )
    actor = forms.CharField(label=_("经办人"), max_length=60, required=False, help_text=_("如谈话人、审批机关。"))
    documents = forms.CharField(
        label=_("材料"), max_length=300, required=False, help_text=_("材料名称，如：入党申请书、谈话记录。")
    )
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    people = forms.ModelMultipleChoiceField(
        label=_("培养联系人/入党介绍人"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("确定为入党积极分子时指定1至2名培养联系人；确定为发展对象时指定2名入党介绍人。"),
    )
    meeting = MeetingChoiceField(
        label=_("支部党员大会会议记录"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("表决须在已归档的支部党员大会上进行；有表决权的应到、实到人数取自会议记录。"),
    )
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0, max_value=9999, required=False)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0, max_value=9999, required=False)
    votes_abstaining = forms.IntegerField(label=_("弃权票"), min_value=0, max_value=9999, required=False)
    extension_months = forms.IntegerField(
        label=_("延长月数"),
        min_value=rules.EXTENSION_MIN_MONTHS,
        max_value=rules.EXTENSION_MAX_MONTHS,
        required=False,
        help_text=_("延长预备期为6至12个月，只能延长一次。"),
    )

    def __init__(self, *args, people, meetings, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["meeting"].queryset = meetings
        limit_dates(self, {"done_on": rules.STEP_DATE_RANGE})
        cancel = format_html('<a class="btn btn-link" href="{}">{}</a>', cancel_url, _("取消"))
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-6"), Column("done_on", css_class="col-md-6")),
            Row(Column("actor", css_class="col-md-6"), Column("documents", css_class="col-md-6")),
            "note",
            Fieldset(_("培养联系人/入党介绍人"), "people"),
            Fieldset(
                _("支部党员大会表决"),
                "meeting",
                Row(
                    Column("votes_for", css_class="col-4"),
                    Column("votes_against", css_class="col-4"),
                    Column("votes_abstaining", css_class="col-4"),
                ),
            ),
            Fieldset(_("延长预备期"), "extension_months"),
            Div(Submit("save", _("保存")), HTML(cancel), css_class="d-flex flex-wrap align-items-center gap-2"),
        )


STAGE_CHOICES = [("", _("全部阶段"))] + [(s.value, s.label) for s in PIPELINE_STATUSES]
STATE_CHOICES = [("", _("全部")), ("overdue", _("已逾期")), ("due_soon", _("30天内到期"))]


class BoardFilterForm(forms.Form):
    """The pipeline board's filters: a stage and whether the next step is overdue or due soon."""

    stage = forms.ChoiceField(label=_("阶段"), choices=STAGE_CHOICES, required=False)
    state = forms.ChoiceField(label=_("期限"), choices=STATE_CHOICES, required=False)

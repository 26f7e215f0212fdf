"""The shapes of a study task, a reflection and a returned reflection; forms call no services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from branches.dates import limit_dates
from members.models import Status

from . import rules
from .models import Completion, TargetKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TaskForm(forms.Form):
    """A study task as a secretary writes it: what to study, when, for whom, and how it is completed."""

    organisation = forms.ModelChoiceField(label=_("布置组织"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(
        label=_("学习内容"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("可使用加粗、列表和链接（http、https、mailto）等格式，其余标记会被去除。"),
    )
    file = forms.FileField(
        label=_("学习材料"), required=False, help_text=_("PDF或Office文档，单个不超过20MB；每个任务最多5个。")
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    due_on = forms.DateField(label=_("截止日期"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("学时"), min_value=0, max_value=rules.MAX_HOURS, max_digits=4, decimal_places=1, initial=1
    )
    target_kind = forms.ChoiceField(
        label=_("学习对象"), choices=TargetKind.choices, widget=forms.RadioSelect, initial=TargetKind.ORGANISATION
    )
    target_statuses = forms.MultipleChoiceField(
        label=_("按政治面貌"),
        required=False,
        choices=[(s.value, s.label) for s in (Status.ACTIVIST, Status.CANDIDATE, Status.PROBATIONARY, Status.FULL)],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选：该组织的预备党员和正式党员。"),
    )
    target_members = forms.ModelMultipleChoiceField(
        label=_("指定党员"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    completion = forms.ChoiceField(
        label=_("完成方式"), choices=Completion.choices, widget=forms.RadioSelect, initial=Completion.READ
    )
    min_length = forms.IntegerField(
        label=_("心得体会最少字数"),
        min_value=0,
        max_value=rules.MAX_MIN_LENGTH,
        initial=0,
        help_text=_("0 表示不限字数（心得体会可不写）。"),
    )
    meeting = forms.ModelChoiceField(
        label=_("关联会议或党课"), queryset=None, required=False, help_text=_("完成方式为“参加关联会议”时必选。")
    )

    def __init__(self, *args, organisations, members, meetings, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["target_members"].queryset = members
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.starts_at:%Y-%m-%d} {m.topic}"
        if editing:
            self.fields["organisation"].disabled = True
        limit_dates(self, rules.STUDY_DATE_RANGES)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.form_tag = True
        self.helper.layout = Layout(
            Fieldset(_("学习内容"), "organisation", "title", "content", "file", "starts_on", "due_on", "hours"),
            Fieldset(_("学习对象"), "target_kind", "target_statuses", "target_members"),
            Fieldset(_("完成方式"), "completion", "min_length", "meeting"),
            Submit("save", _("保存") if editing else _("发布任务")),
        )

    def clean(self):
        data = super().clean()
        problem = rules.dates_problem(data.get("starts_on"), data.get("due_on"))
        if problem:
            self.add_error("due_on", problem)
        if data.get("target_kind") == TargetKind.MEMBERS and not data.get("target_members"):
            self.add_error("target_members", _("请至少选择一名党员。"))
        return data


class ReflectionForm(forms.Form):
    reflection = forms.CharField(
        label=_("心得体会"),
        required=False,
        max_length=rules.MAX_REFLECTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("退回意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CompletionFilterForm(forms.Form):
    """Filters of the completion-by-member page: a branch and a state."""

    organisation = forms.TypedChoiceField(label=_("党支部"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("behind", _("未完成")), ("done", _("已完成")), ("returned", _("已退回"))],
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("全部")), *[(b.organisation_id, b.name) for b in branches]]

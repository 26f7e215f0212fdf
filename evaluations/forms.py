"""Forms of 民主评议党员 and 支部考核: the shape of the input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.dates import limit_dates

from . import rules
from .models import MANUAL_KINDS, Grade, IndicatorKind

GRADE_CHOICES = Grade.choices
_YEAR_ERRORS = {"invalid": _("请填写年度，如 2026。")}


def _year_field() -> forms.IntegerField:
    this_year = timezone.localdate().year
    return forms.IntegerField(
        label=_("年度"),
        min_value=rules.EARLIEST_YEAR,
        max_value=this_year + 1,
        initial=this_year,
        error_messages={
            **_YEAR_ERRORS,
            "min_value": _("年度不能早于%(limit_value)s年。"),
            "max_value": _("年度不能晚于%(limit_value)s年。"),
        },
    )


class AppraisalOpenForm(forms.Form):
    year = _year_field()


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("自我评价"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("对照党员标准，从理想信念、政治纪律、履职尽责、作风表现等方面简要总结，不必面面俱到。"),
    )


class BallotForm(forms.Form):
    """One grade for every other member of the branch (`members`: those to rate)."""

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=GRADE_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=Grade.QUALIFIED,
            )

    def marks(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data[f"m{member.pk}"] for member in self.members}


class MassesForm(forms.Form):
    """The masses' opinions of one member, as counts per grade."""

    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for grade, label in GRADE_CHOICES:
            self.fields[grade] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=10_000,
                required=False,
                initial=0,
                error_messages={
                    "invalid": _("票数应为整数。"),
                    "min_value": _("票数不能为负数。"),
                    "max_value": _("票数不能超过10000。"),
                },
            )

    def counts(self) -> dict[str, int]:
        return {grade: self.cleaned_data.get(grade) or 0 for grade, _label in GRADE_CHOICES}


class GradesForm(forms.Form):
    """A grade (and, for 不合格, a reason) for every member."""

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"g{member.pk}"] = forms.ChoiceField(label=member.name, choices=GRADE_CHOICES)
            self.fields[f"r{member.pk}"] = forms.CharField(
                label=_("不合格理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        return [(member, self[f"g{member.pk}"], self[f"r{member.pk}"]) for member in self.members]

    def grades(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {m.pk: (data[f"g{m.pk}"], data.get(f"r{m.pk}", "")) for m in self.members}


class ConfirmForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("支部党员大会记录"), queryset=None, empty_label=_("请选择"))

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class FeedbackForm(forms.Form):
    result = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    feedback = forms.CharField(
        label=_("反馈意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FollowUpForm(forms.Form):
    result = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    education = forms.CharField(label=_("教育帮助措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("限期改正日期"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.CharField(
        label=_("处理结果"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self, {"deadline": rules.FOLLOW_UP_RANGE})


class DistributionForm(forms.Form):
    year = _year_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].required = False


class SchemeForm(forms.Form):
    """A scheme: its name, the weight of each indicator (0: not used) and the grade bands, one per line."""

    name = forms.CharField(label=_("方案名称"), max_length=120)
    bands = forms.CharField(
        label=_("等级划分"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=1000,
        initial="90 五星\n80 四星\n70 三星\n60 二星\n0 一星",
        help_text=_("每行一级：最低分数 名称，由高到低，最后一级从0分起。如“90 五星”。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in IndicatorKind.choices:
            self.fields[f"w_{kind}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=100,
                required=False,
                initial=0,
                error_messages={
                    "invalid": _("权重应为整数。"),
                    "min_value": _("权重不能为负数。"),
                    "max_value": _("权重不能超过100。"),
                },
            )

    def weight_fields(self):
        return [(kind in MANUAL_KINDS, self[f"w_{kind}"]) for kind in IndicatorKind.values]

    def clean_bands(self) -> list[tuple[int, str]]:
        bands = []
        for line in self.cleaned_data["bands"].splitlines():
            if not line.strip():
                continue
            low, _sep, label = line.strip().partition(" ")
            if not low.isascii() or not low.isdigit() or not label.strip() or len(label.strip()) > 20:
                raise forms.ValidationError(_("每行应为“最低分数 名称”，如“90 五星”。"))
            bands.append((int(low), label.strip()))
        if not rules.bands_valid(bands):
            raise forms.ValidationError(_("等级划分至少两级，分数线由高到低依次递减，最低一级从0分起。"))
        return bands

    def parts(self) -> list[tuple[str, int]]:
        return [
            (k, self.cleaned_data.get(f"w_{k}") or 0) for k in IndicatorKind.values if self.cleaned_data.get(f"w_{k}")
        ]

    def clean(self):
        data = super().clean()
        if not self.errors and not rules.weights_valid([w for _k, w in self.parts()]):
            total = sum(w for _k, w in self.parts())
            raise forms.ValidationError(_("各项指标的权重合计须为100分（现为%(total)d分）。") % {"total": total})
        return data

    @staticmethod
    def initial_for(scheme) -> dict:
        initial = {"name": scheme.name, "bands": "\n".join(f"{low} {label}" for low, label in scheme.bands)}
        for indicator in scheme.indicators.all():
            initial[f"w_{indicator.kind}"] = indicator.weight
        return initial


class SchemeCreateForm(SchemeForm):
    year = _year_field()


class ManualScoreForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    organisation = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    value = forms.IntegerField(
        label=_("得分"),
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": _("得分应为整数。"),
            "min_value": _("得分不能为负数。"),
            "max_value": _("得分不能超过100。"),
        },
    )
    justification = forms.CharField(label=_("评分依据"), max_length=300)

"""Forms of the meeting pages: plan and edit, attendance, guests, finalise, amend, cancel; the list's filters."""

from datetime import datetime, time, timedelta

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.dates import limit_dates
from branches.models import Level, Organisation

from . import rules, selectors, services
from .models import AttendanceState, GuestKind, Meeting, MeetingType
from .talk_forms import TALK_FIELDS, add_talk_fields, clean_talk

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
YES_NO = [("yes", _("是")), ("no", _("否"))]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def _member_field(label: str, queryset) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(queryset=queryset, required=False, label=label, empty_label=_("请选择"))
    field.error_messages["invalid_choice"] = _("所选人员不是本支部党员。")
    return field


def _no_browser_validation(helper: FormHelper) -> None:
    # The server's Chinese messages at each field, rather than the browser's own bubbles.
    helper.attrs = {"novalidate": ""}


# --- Plan and edit -------------------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    """A meeting as on the paper 会议记录: types, organisation, time and place, people, agenda (and, when editing,
    the minutes and decisions). The people to choose from are the party members of the meeting's branch."""

    types = forms.MultipleChoiceField(
        label=_("会议类型"),
        choices=MeetingType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("一次会议可同时计入多个类型，如主题党日中讲党课。"),
        error_messages={"required": _("请选择会议类型。"), "invalid_choice": _("会议类型无效。")},
    )
    organisation = forms.ModelChoiceField(
        label=_("召开组织"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("只能为您管理的党支部或党小组安排会议。")},
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=DateTimeInput, error_messages={"required": _("请填写开始时间。")}
    )
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput, required=False)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    topic = forms.CharField(label=_("主题"), max_length=200, error_messages={"required": _("请填写会议主题。")})
    agenda = forms.CharField(label=_("议程"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lecturer_name = forms.CharField(
        label=_("授课人（非本支部）"), max_length=60, required=False, help_text=_("授课人不是本支部党员时填写。")
    )
    lecture_title = forms.CharField(label=_("党课题目"), max_length=200, required=False)
    is_election = forms.BooleanField(
        label=_("含选举事项"),
        required=False,
        help_text=_("支部党员大会进行选举时，须有五分之四以上有表决权的党员到会。"),
    )
    minutes = forms.CharField(
        label=_("会议内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("会后填写；填写后会议记为已召开（记录草稿），归档前仍可修改。"),
    )
    decisions = forms.CharField(label=_("决定事项"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, branch: Organisation, organisations, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        people = selectors.members_who_may_attend(branch)
        self.fields["host"] = _member_field(_("主持人"), people)
        self.fields["recorder"] = _member_field(_("记录人"), people)
        self.fields["lecturer"] = _member_field(_("授课人"), people)
        if meeting is None:
            add_talk_fields(self, people)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: o.name
        self.fields["topic"].widget.attrs["placeholder"] = _("如：学习贯彻党的二十届四中全会精神")
        limit_dates(self, rules.MEETING_DATE_RANGES)
        if meeting is None:
            del self.fields["minutes"], self.fields["decisions"], self.fields["version"]
        else:
            del self.fields["organisation"]
            self.initial.setdefault("version", meeting.version)
        self.helper = FormHelper()
        _no_browser_validation(self.helper)
        record = [Fieldset(_("会议记录"), "minutes", "decisions")] if meeting is not None else []
        self.helper.layout = Layout(
            Fieldset(
                _("会议安排"),
                InlineCheckboxes("types"),
                Row(
                    *([Column("organisation", css_class="col-md-4")] if meeting is None else []),
                    Column("starts_at", css_class="col-md-4"),
                    Column("ends_at", css_class="col-md-4"),
                ),
                Row(Column("place", css_class="col-md-4"), Column("topic", css_class="col-md-8")),
                "agenda",
                Row(Column("host", css_class="col-md-4"), Column("recorder", css_class="col-md-4")),
                Div("is_election", css_id="election-fields"),
            ),
            Div(
                Fieldset(
                    _("党课"),
                    Row(
                        Column("lecturer", css_class="col-md-4"),
                        Column("lecturer_name", css_class="col-md-4"),
                        Column("lecture_title", css_class="col-md-4"),
                    ),
                ),
                css_id="lecture-fields",
            ),
            *(
                [
                    Div(
                        Fieldset(_("谈心谈话"), Row(*(Column(n, css_class="col-md-4") for n in TALK_FIELDS))),
                        css_id="talk-fields",
                    )
                ]
                if meeting is None
                else []
            ),
            *record,
            *(["version"] if meeting is not None else []),
            Div(
                Submit("save", _("保存")),
                HTML('<a class="btn btn-link" href="{{ cancel_url }}">' + str(_("取消")) + "</a>"),
                css_class="d-flex flex-wrap gap-2 mt-2",
            ),
        )

    def clean_topic(self) -> str:
        return self.cleaned_data["topic"].strip()

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and not rules.ends_after_start(starts_at, ends_at):
            self.add_error("ends_at", _("结束时间不能早于开始时间。"))
        if self.meeting is None:
            clean_talk(self, cleaned)
        if self.meeting is not None and cleaned.get("version") is None:
            cleaned["version"] = -1  # a form without its version cannot prove it saw the latest record
        return cleaned

    def plan_data(self) -> dict:
        """The fields `meeting_plan` / `meeting_update` take."""
        return {name: self.cleaned_data.get(name) for name in services.EDITABLE_FIELDS}


def initial_times(today=None) -> tuple[datetime, datetime]:
    """The plan form's default time: today, 14:30 to 16:00 (the usual afternoon slot)."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = datetime.combine(today, time(14, 30), tzinfo=tz)
    return start, start + timedelta(minutes=90)


class OrganisationChoiceForm(forms.Form):
    """Step one of planning for users who manage several branches: which branch (or 党小组) holds the meeting."""

    organisation = forms.ModelChoiceField(label=_("召开组织"), queryset=Organisation.objects.none())

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = _("请选择党支部或党小组")
        names: dict[str, str] = {}

        def label(organisation: Organisation) -> str:
            # Many branches have a 第一党小组: name a party group with its branch.
            if organisation.level != Level.PARTY_GROUP:
                return organisation.name
            if not names:
                names.update(organisations.filter(level=Level.BRANCH).values_list("path", "name"))
            branch = names.get(organisation.path[: -Organisation.steplen])
            return f"{branch} · {organisation.name}" if branch else organisation.name

        self.fields["organisation"].label_from_instance = label


# --- Attendance ----------------------------------------------------------------------------------------------------

STATE_CHOICES = [
    (AttendanceState.PRESENT, _("出席")),
    (AttendanceState.LEAVE, _("请假")),
    (AttendanceState.ABSENT, _("缺席")),
]


class AttendanceForm(forms.Form):
    """One line per expected person: present / on leave (with a reason) / absent; no choice leaves them 未登记."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendances = list(attendances)
        self.rows = []
        for attendance in self.attendances:
            key = attendance.member_id
            state = forms.ChoiceField(
                label=attendance.member.name,
                choices=STATE_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=attendance.state if attendance.state != AttendanceState.EXPECTED else None,
            )
            reason = forms.CharField(
                label=_("请假原因"),
                max_length=200,
                required=False,
                initial=attendance.leave_reason,
                widget=forms.TextInput(attrs={"placeholder": _("请假原因")}),
            )
            self.fields[f"state_{key}"] = state
            self.fields[f"reason_{key}"] = reason

    def lines(self):
        """(attendance, state field, reason field) for the template, in the list's order."""
        for attendance in self.attendances:
            key = attendance.member_id
            yield attendance, self[f"state_{key}"], self[f"reason_{key}"]

    def clean(self):
        cleaned = super().clean()
        for attendance in self.attendances:
            key = attendance.member_id
            if cleaned.get(f"state_{key}") == AttendanceState.LEAVE and not cleaned.get(f"reason_{key}", "").strip():
                self.add_error(f"reason_{key}", _("请填写请假原因。"))
        return cleaned

    def entries(self) -> list[services.AttendanceEntry]:
        return [
            services.AttendanceEntry(
                member=attendance.member,
                state=self.cleaned_data.get(f"state_{attendance.member_id}") or AttendanceState.EXPECTED,
                leave_reason=self.cleaned_data.get(f"reason_{attendance.member_id}", ""),
            )
            for attendance in self.attendances
        ]


#: The largest id a row can have (a 64-bit signed integer on PostgreSQL and SQLite).
LARGEST_ID = 2**63 - 1


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """People chosen by id; an id beyond the database's integer range is an invalid choice like any unknown id
    (SQLite cannot even compare with such a number: Django's own lookup raised OverflowError)."""

    def _check_values(self, value):
        for pk in value:
            try:
                beyond = abs(int(str(pk))) > LARGEST_ID
            except ValueError:
                continue  # not a number: Django's own check refuses it
            if beyond:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class AttendeesForm(forms.Form):
    """Who is expected: any party member of the meeting's branch."""

    members = PeopleChoiceField(
        label=_("应到人员"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选人员不是本支部党员，不能列入参会人员。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = queryset
        self.fields["members"].label_from_instance = lambda m: m.name


class GuestForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60, error_messages={"required": _("请填写列席人员姓名。")})
    kind = forms.ChoiceField(label=_("类别"), choices=GuestKind.choices, initial=GuestKind.ACTIVIST)
    note = forms.CharField(label=_("单位/职务"), max_length=120, required=False)


# --- Finalise, amend, cancel ---------------------------------------------------------------------------------------


class FinaliseForm(forms.Form):
    """Confirm the record; without a quorum the secretary must say so explicitly and give a reason."""

    confirm_without_quorum = forms.BooleanField(label=_("确认在未达到法定人数的情况下归档"), required=False)
    without_quorum_reason = forms.CharField(
        label=_("未达法定人数说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, quorum_short: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.quorum_short = quorum_short
        if not quorum_short:
            del self.fields["confirm_without_quorum"], self.fields["without_quorum_reason"]

    def clean(self):
        cleaned = super().clean()
        # The reason itself is the rule's (meetings.services.meeting_finalise): its refusal shows on this form.
        if self.quorum_short and not cleaned.get("confirm_without_quorum"):
            self.add_error("confirm_without_quorum", _("未达到法定人数，请勾选确认后再归档。"))
        return cleaned


def amendable_choices() -> list[tuple[str, str]]:
    return [(name, str(Meeting._meta.get_field(name).verbose_name)) for name in services.AMENDABLE_FIELDS]


class AmendForm(forms.Form):
    """A correction to a finalised record: which item, its new content and why."""

    field = forms.ChoiceField(label=_("更正项目"), choices=amendable_choices)
    new_value = forms.CharField(
        label=_("更正后内容"), widget=forms.Textarea(attrs={"rows": 6}), required=False, strip=False
    )
    reason = forms.CharField(
        label=_("更正原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写更正原因。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        _no_browser_validation(self.helper)
        self.helper.layout = Layout(
            "field",
            "new_value",
            "reason",
            Div(
                Submit("save", _("提交更正")),
                HTML('<a class="btn btn-link" href="{{ cancel_url }}">' + str(_("取消")) + "</a>"),
                css_class="d-flex flex-wrap gap-2 mt-2",
            ),
        )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

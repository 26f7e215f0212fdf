"""Forms of the member pages: the record (create and edit), and the photo upload."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from branches.dates import limit_dates
from branches.models import Level, Organisation

from . import rules, services
from .models import Member

DATE_FIELDS = (
    "birth_date",
    "applied_on",
    "joined_on",
    "confirmed_on",
    "probation_starts_on",
    "probation_ends_on",
    "away_since",
)
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


def save_and_cancel() -> Div:
    """保存 with a 取消 link beside it; the template names where 取消 goes with `{% url … as cancel_url %}`."""
    cancel = format_html('<a class="btn btn-link" href="{{{{ cancel_url }}}}">{}</a>', _("取消"))
    return Div(Submit("save", _("保存")), HTML(cancel), css_class="d-flex flex-wrap align-items-center gap-2")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MemberForm(forms.ModelForm):
    """A member's record as on the paper form; every rule problem is shown at its field in Chinese."""

    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=24,
        help_text=_("18位，最后一位可为X。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = services.EDITABLE_FIELDS
        widgets = dict.fromkeys(DATE_FIELDS, DateInput)

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs):
        """`organisations`: those the user manages (the view gives them), whose branches and 党小组 are offered."""
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        managed = organisations.order_by("path")
        self.fields["organisation"].queryset = managed.filter(level=Level.BRANCH)
        self.fields["organisation"].empty_label = _("请选择党支部")
        groups = managed.filter(level=Level.PARTY_GROUP)
        self.fields["party_group"].queryset = groups
        self.fields["party_group"].empty_label = _("不编入党小组")
        self.fields["party_group"].label_from_instance = self._group_label(managed)
        limit_dates(self, rules.MEMBER_DATE_RANGES)
        if editing:
            self.fields["id_number"].required = False
            self.fields["id_number"].label = _("新身份证号")
            # A help text is shown as markup: the stored number goes into it escaped.
            self.fields["id_number"].help_text = _("不修改请留空；当前号码：%(masked)s") % {
                "masked": escape(self.instance.id_number_masked)
            }
            self.initial["version"] = self.instance.version
        self.helper = FormHelper()
        # The server's Chinese messages at each field, rather than the browser's own bubbles.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset(
                _("基本信息"),
                Row(
                    Column("name", css_class="col-md-4"),
                    Column("gender", css_class="col-md-4"),
                    Column("ethnicity", css_class="col-md-4"),
                ),
                Row(Column("birth_date", css_class="col-md-4"), Column("id_number", css_class="col-md-8")),
                Row(
                    Column("phone", css_class="col-md-4"),
                    Column("email", css_class="col-md-4"),
                    Column("education", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("工作单位"),
                Row(Column("work_unit", css_class="col-md-8"), Column("position", css_class="col-md-4")),
            ),
            Fieldset(
                _("组织关系"),
                Row(Column("organisation", css_class="col-md-6"), Column("party_group", css_class="col-md-6")),
                Row(Column("status", css_class="col-md-4"), Column("is_mobile", css_class="col-md-4 pt-md-4")),
                Row(
                    Column("applied_on", css_class="col-md-4"),
                    Column("joined_on", css_class="col-md-4"),
                    Column("confirmed_on", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("流动党员外出情况"),
                HTML(format_html('<p class="small text-muted">{}</p>', _("勾选“流动党员”后填写，便于支部联系。"))),
                Row(
                    Column("away_place", css_class="col-md-4"),
                    Column("away_since", css_class="col-md-4"),
                    Column("away_contact", css_class="col-md-4"),
                ),
                Row(Column("away_unit", css_class="col-md-6"), Column("away_party_org", css_class="col-md-6")),
            ),
            Fieldset(
                _("留党察看"),
                HTML(
                    format_html(
                        '<p class="small text-muted">{}</p>',
                        _("受留党察看处分的党员仍在党员名册中，察看期内没有表决权、选举权和被选举权。无此处分请留空。"),
                    )
                ),
                Row(
                    Column("probation_starts_on", css_class="col-md-4"),
                    Column("probation_ends_on", css_class="col-md-4"),
                ),
            ),
            "version",
            save_and_cancel(),
        )

    @staticmethod
    def _group_label(managed):
        """Label a party group with its branch's name: many branches have a 第一党小组."""
        names: dict[str, str] = {}

        def label(group: Organisation) -> str:
            if not names:
                names.update(managed.filter(level=Level.BRANCH).values_list("path", "name"))
            branch = names.get(group.path[: -Organisation.steplen])
            return f"{branch} · {group.name}" if branch else group.name

        return label

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("请输入有效的电话号码（数字，可含空格或短横线）。"))
        return phone

    def clean_id_number(self) -> str:
        return (self.cleaned_data.get("id_number") or "").strip().replace(" ", "").upper()

    def clean(self):
        cleaned = super().clean()
        data = self.member_data()
        id_number = cleaned.get("id_number") or None
        if "id_number" in self.errors:
            id_number = None
        problems = services.member_check(
            data=data,
            id_number=id_number,
            exclude_pk=self.instance.pk,
            member=self.instance if self.instance.pk else None,
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def member_data(self) -> dict:
        """The record's fields as the services take them."""
        return {name: self.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in self.cleaned_data}


class PhotoForm(forms.Form):
    """One photo file; the photo rules (format, size, re-encoding) are the service's."""

    photo = forms.FileField(
        label=_("照片"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _("JPG、PNG或WebP格式，不超过%(size)sMB；保存时会去除拍摄地点等信息。") % {
            "size": settings.PHOTO_MAX_BYTES // (1024 * 1024)
        }
        self.helper = FormHelper()
        self.helper.form_tag = False

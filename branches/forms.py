"""Forms of the organisation pages: an organisation (create and edit) and a committee election."""

from collections import Counter

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.models import Member, Post

from . import rules, services
from .dates import limit_dates
from .models import CommitteeTerm, Level, Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def save_and_cancel() -> Div:
    """保存 with a 取消 link beside it; the template names where 取消 goes with `{% url … as cancel_url %}`."""
    cancel = format_html('<a class="btn btn-link" href="{{{{ cancel_url }}}}">{}</a>', _("取消"))
    return Div(Submit("save", _("保存")), HTML(cancel), css_class="d-flex flex-wrap align-items-center gap-2")


class OrganisationForm(forms.ModelForm):
    """An organisation's name, code, level, domain, form and founding date; problems shown at the field in Chinese.

    `parent` is where the organisation sits (None for a root); with `lock_level` the level is shown but cannot be
    changed.
    """

    #: The version the page showed (an edit based on an older one is refused by the service).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organisation
        fields = services.ORGANISATION_FIELDS
        widgets = {"founded_on": DateInput}

    def __init__(self, *args, parent: Organisation | None, lock_level=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        allowed = services.child_levels(parent.level if parent is not None else None)
        if self.instance.pk and self.instance.level not in allowed:
            allowed = [self.instance.level, *allowed]
        self.fields["level"].choices = [(value, label) for value, label in Level.choices if value in allowed]
        if lock_level:
            self.fields["level"].disabled = True
            self.fields["level"].help_text = _("层级由上级党委管理员调整。")
        if not self.instance.pk and parent is not None:
            self.initial.setdefault("domain", parent.domain)
            if len(allowed) == 1:
                self.initial.setdefault("level", allowed[0])
        limit_dates(self, rules.ORGANISATION_DATE_RANGES)
        self.fields["code"].help_text = _("全平台唯一，例如上级党委编定的组织代码。")
        self.fields["domain"].help_text = _("党支部的任期按领域类型确定：农村、社区为5年，其他为3年。")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("基本信息"),
                Row(Column("name", css_class="col-md-8"), Column("code", css_class="col-md-4")),
                Row(
                    Column("level", css_class="col-md-4"),
                    Column("domain", css_class="col-md-4"),
                    Column("form", css_class="col-md-4"),
                ),
                Row(Column("founded_on", css_class="col-md-4")),
            ),
            "version",
            save_and_cancel(),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写名称。"))
        return name

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code:
            raise forms.ValidationError(_("请填写组织代码。"))
        return code

    def clean(self):
        cleaned = super().clean()
        problems = services.organisation_check(
            data=cleaned, parent=self.parent, organisation=self.instance if self.instance.pk else None
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def organisation_data(self) -> dict:
        """The organisation's fields as the services take them."""
        return {name: self.cleaned_data[name] for name in services.ORGANISATION_FIELDS if name in self.cleaned_data}


#: One select per post, in the order of the regulation; further holders are plain 委员.
SINGLE_POSTS = [post for post in Post if post != Post.COMMITTEE_MEMBER]


class CommitteeTermForm(forms.Form):
    """A committee election: the date and who holds each post, chosen from the 正式党员 with 被选举权 (of the branch,
    or for a 党总支 or 党委 of the branches below it; `eligible`, from the view).

    The eligible members are read once; every select uses the same list.
    """

    elected_on = forms.DateField(label=_("选举日期"), widget=DateInput)

    def __init__(
        self,
        *args,
        organisation: Organisation,
        eligible: QuerySet[Member],
        current: CommitteeTerm | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        today = timezone.localdate()
        self.eligible = {member.pk: member for member in eligible}
        names = Counter(member.name for member in self.eligible.values())

        def label(m) -> str:
            if not organisation.is_branch:  # a 党总支's or 党委's members come from several branches
                return f"{m.name}（{m.organisation.name}）"
            return f"{m.name}（{m.id_number_masked[-4:]}）" if names[m.name] > 1 else m.name

        choices = [(pk, label(m)) for pk, m in self.eligible.items()]
        limit_dates(self, {"elected_on": rules.ELECTED_ON_RANGE})
        if organisation.is_branch:
            help_text = _("任期届满日期按领域类型自动计算（%(years)s年）。")
        else:
            help_text = _("任期届满日期按组织层级和领域类型自动计算（%(years)s年）。")
        self.fields["elected_on"].help_text = help_text % {
            "years": rules.term_years(organisation.domain, organisation.level)
        }
        self.initial.setdefault("elected_on", today)
        for post in SINGLE_POSTS:
            self.fields[post.value] = forms.TypedChoiceField(
                label=post.label,
                choices=[("", _("（空缺）")), *choices],
                coerce=int,
                required=post == Post.SECRETARY,
                empty_value=None,
            )
        self.fields["committee_members"] = forms.TypedMultipleChoiceField(
            label=_("其他委员"), choices=choices, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
        )
        if current is not None:
            self._initial_from(current)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("选举"), Row(Column("elected_on", css_class="col-md-4"))),
            Fieldset(
                _("职务"),
                Row(*[Column(post.value, css_class="col-md-6 col-lg-4") for post in SINGLE_POSTS]),
                InlineCheckboxes("committee_members"),
            ),
            save_and_cancel(),
        )

    def _initial_from(self, term: CommitteeTerm) -> None:
        """Prefill the holders of the current term: most committees change only in part."""
        others = []
        for held in term.posts.all():
            if held.member_id not in self.eligible:
                continue
            if held.post in self.fields and held.post not in self.initial:
                self.initial[held.post] = held.member_id
            else:
                others.append(held.member_id)
        self.initial.setdefault("committee_members", others)

    def clean(self):
        cleaned = super().clean()
        seen: dict[int, str] = {}
        for post in SINGLE_POSTS:
            pk = cleaned.get(post.value)
            if pk is None:
                continue
            if pk in seen:
                self.add_error(post.value, _("该党员已担任%(post)s。") % {"post": seen[pk]})
            else:
                seen[pk] = str(post.label)
        for pk in cleaned.get("committee_members") or []:
            if pk in seen:
                self.add_error("committee_members", _("该党员已担任%(post)s。") % {"post": seen[pk]})
                break
        if not self.errors and self.organisation.is_branch and len(self.posts()) > rules.COMMITTEE_MAX:
            self.add_error(None, _("支部委员会一般不超过7人。"))
        return cleaned

    def posts(self) -> list[tuple[object, str]]:
        """The chosen (member, post) pairs, as `members.services.committee_term_start` takes them."""
        pairs = []
        for post in SINGLE_POSTS:
            pk = self.cleaned_data.get(post.value)
            if pk is not None:
                pairs.append((self.eligible[pk], post.value))
        for pk in self.cleaned_data.get("committee_members") or []:
            pairs.append((self.eligible[pk], Post.COMMITTEE_MEMBER.value))
        return pairs


class CommitteeExtensionForm(forms.Form):
    """An approved extension of the current term (延期换届): the new end and the date the superior approved it."""

    extended_until = forms.DateField(label=_("延期至"), widget=DateInput)
    extension_approved_on = forms.DateField(label=_("上级党组织批准日期"), widget=DateInput)

    def __init__(self, *args, term: CommitteeTerm, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        limit_dates(
            self,
            {"extended_until": rules.EXTENDED_UNTIL_RANGE, "extension_approved_on": rules.EXTENSION_APPROVED_ON_RANGE},
        )
        self.fields["extended_until"].help_text = _("原任期届满日期为%(end)s，延期最长不超过一年。") % {
            "end": term.term_ends_on.isoformat()
        }
        if term.extended_until is not None:
            self.initial.setdefault("extended_until", term.extended_until)
            self.initial.setdefault("extension_approved_on", term.extension_approved_on)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Row(Column("extended_until", css_class="col-md-6"), Column("extension_approved_on", css_class="col-md-6")),
            save_and_cancel(),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = services.extension_check(
            term=self.term,
            extended_until=cleaned.get("extended_until"),
            approved_on=cleaned.get("extension_approved_on"),
        )
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned

"""The roster's search box, filters and sorting (django-filter), shared by the roster page and its export.

The form is sent by POST and the roster redirects to its GET address (members.id_search), so that an ID number
typed into the search box is replaced by a token and never appears in an address.
"""

from collections.abc import Sequence

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row, Submit
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation

from . import id_search, rules, selectors
from .models import Education, Member, Status

AGE_BAND_CHOICES = [
    ("under35", _("35岁以下")),
    ("35to45", _("35–45岁")),
    ("46to55", _("46–55岁")),
    ("over55", _("55岁以上")),
]
assert {key for key, _label in AGE_BAND_CHOICES} == set(rules.AGE_BANDS)

YES_NO = [("yes", _("是")), ("no", _("否"))]

#: The roster's default order: by place in the tree, then by name.
DEFAULT_ORDER = ("organisation__path", "name", "pk")


def _indented(top_depth: int):
    """Label organisations with their names indented below the top of the user's scope, so choices read as a tree."""
    return lambda organisation: "\u3000" * max(organisation.depth - top_depth, 0) + organisation.name


class MemberFilter(django_filters.FilterSet):
    """Search (name, exact ID number, phone), filters and sorting of the roster; values outside the choices
    are reported at the field and ignored. An ID-number search arrives as `idq`, a token of the session's
    (members.id_search), never as the number."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", max_length=40)
    idq = django_filters.CharFilter(method="filter_idq", max_length=40, widget=forms.HiddenInput)
    status = django_filters.ChoiceFilter(label=_("政治面貌"), choices=Status.choices, empty_label=_("全部"))
    organisation = django_filters.ModelChoiceFilter(
        label=_("所在组织"), queryset=None, method="filter_organisation", empty_label=_("全部")
    )
    education = django_filters.ChoiceFilter(label=_("学历"), choices=Education.choices, empty_label=_("全部"))
    age = django_filters.ChoiceFilter(
        label=_("年龄段"), choices=AGE_BAND_CHOICES, method="filter_age", empty_label=_("全部")
    )
    mobile = django_filters.ChoiceFilter(
        label=_("流动党员"), choices=YES_NO, method="filter_mobile", empty_label=_("全部")
    )
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        empty_label=_("默认（按组织）"),
        fields=(
            ("name", "name"),
            ("status", "status"),
            ("organisation__path", "organisation"),
            ("joined_on", "joined_on"),
        ),
        field_labels={
            "name": _("姓名"),
            "status": _("政治面貌"),
            "organisation__path": _("所在党支部"),
            "joined_on": _("入党日期"),
            # Spelled out: django-filter would format "%s (descending)" once, at import, in the default language.
            "-name": _("姓名（降序）"),
            "-status": _("政治面貌（降序）"),
            "-organisation": _("所在党支部（降序）"),
            "-joined_on": _("入党日期（降序）"),
        },
    )

    class Meta:
        model = Member
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        organisations: QuerySet[Organisation],
        tops: Sequence[str] | None,
        session=None,
        **kwargs,
    ):
        """`organisations`: those the user reads, offered by the organisation filter; `tops`: the paths at the top
        of the user's part of the tree (None: the roots), under which the choices are indented."""
        super().__init__(data, queryset=queryset, **kwargs)
        self.session = session if session is not None else {}
        self.filters["organisation"].queryset = organisations
        helper = FormHelper()
        helper.form_method = "post"
        helper.form_action = reverse("members:list")
        helper.form_class = "roster-filters"
        more = ("status", "organisation", "education", "age", "mobile", "ordering")
        # On phones only the search box shows; the other filters fold away unless one of them is in use.
        expanded = any(self.data.get(name) for name in more) if self.data else False
        more_label = _("更多筛选")  # outside the f-string below, where makemessages cannot see it
        helper.layout = Layout(
            Field("idq"),
            Row(
                Column("q", css_class="col-12 col-md-8 col-lg-6"),
                Column(
                    Submit("", _("查询"), css_class="w-100"),
                    css_class="col-6 col-md-4 col-lg-2 align-self-end mb-3",
                ),
                Column(
                    HTML(
                        '<button type="button" class="btn btn-outline-secondary w-100" data-bs-toggle="collapse" '
                        'data-bs-target="#roster-more-filters" aria-controls="roster-more-filters" '
                        f'aria-expanded="{str(expanded).lower()}">{more_label}</button>'
                    ),
                    css_class="col-6 d-md-none align-self-end mb-3",
                ),
            ),
            Div(
                Row(*(Column(name, css_class="col-6 col-md-4 col-lg-2") for name in more)),
                css_class="collapse d-md-block" + (" show" if expanded else ""),
                css_id="roster-more-filters",
            ),
        )
        self.form.helper = helper
        top_depth = min((len(p) // Organisation.steplen for p in tops), default=1) if tops is not None else 1
        self.form.fields["organisation"].label_from_instance = _indented(top_depth)
        self.form.fields["q"].widget.attrs.update(
            {"placeholder": _("姓名、身份证号或手机号"), "type": "search", "autocomplete": "off"}
        )

    def filter_queryset(self, queryset):
        # Equal names or statuses must not shuffle between pages: end every order with the default one.
        queryset = super().filter_queryset(queryset)
        order = list(queryset.query.order_by)
        return queryset.order_by(*order, *[f for f in DEFAULT_ORDER if f not in order])

    def filter_q(self, queryset, name, value):
        return queryset.filter(selectors.member_search_q(value))

    def filter_idq(self, queryset, name, value):
        search = id_search.id_search_get(self.session, value)
        return queryset.filter(id_number_index=search.index) if search else queryset.none()

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(selectors.organisation_in_q(value))

    def filter_age(self, queryset, name, value):
        return queryset.filter(selectors.age_band_q(value))

    def filter_mobile(self, queryset, name, value):
        return queryset.filter(is_mobile=value == "yes")

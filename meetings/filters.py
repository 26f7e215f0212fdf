"""The meeting list's search, filters and sorting (django-filter)."""

from collections.abc import Sequence
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation

from . import rules
from .forms import YES_NO
from .models import Meeting, MeetingStatus, MeetingType, MeetingTypeLink


class MeetingFilter(django_filters.FilterSet):
    """Search by topic, filters (type, status, month, organisation, 补录) and sorting by date."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", max_length=60)
    type = django_filters.ChoiceFilter(
        label=_("会议类型"), choices=MeetingType.choices, method="filter_type", empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MeetingStatus.choices, empty_label=_("全部"))
    month = django_filters.CharFilter(label=_("月份"), method="filter_month")
    #: A month, quarter or year code ("2026-11", "2026-Q3", "2026"), as the compliance figures link with.
    period = django_filters.CharFilter(label=_("统计期间"), method="filter_period", widget=forms.HiddenInput)
    organisation = django_filters.ModelChoiceFilter(
        label=_("党组织"), queryset=None, method="filter_organisation", empty_label=_("全部")
    )
    #: Set by the compliance links: the organisation's own meetings only, as a unit's figure counts them (without
    #: its 党小组's meetings, which the organisation filter otherwise includes).
    unit_only = django_filters.BooleanFilter(label=_("仅本组织"), method="filter_unit_only", widget=forms.HiddenInput)
    backfilled = django_filters.ChoiceFilter(
        label=_("补录"), choices=YES_NO, method="filter_backfilled", empty_label=_("全部")
    )
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        empty_label=_("默认（最新在前）"),
        fields=(("starts_at", "starts_at"),),
        # Both directions named here: django-filter's own "(descending)" suffix is not translated into Chinese.
        field_labels={"starts_at": _("会议时间（最早在前）"), "-starts_at": _("会议时间（最新在前）")},
    )

    #: The filters behind "更多筛选" on a phone (always shown from md up).
    MORE = ("type", "status", "month", "organisation", "backfilled", "ordering")

    class Meta:
        model = Meeting
        fields: list[str] = []

    def __init__(
        self, data=None, queryset=None, *, organisations: QuerySet[Organisation], tops: Sequence[str] | None, **kwargs
    ):
        """`organisations`: those whose meetings the user reads; `tops`: the tops of that part of the tree (None:
        the roots). Both come from the view (the user's scope)."""
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["organisation"].queryset = organisations.filter(self._drill_down(tops)).order_by("path")
        self.form.fields["organisation"].label_from_instance = lambda o: o.name
        self.form.fields["month"].help_text = ""
        # Rendered as plain markup by meetings/meeting_list.html (crispy-forms cost more than the list's rows).
        self.more_fields = [self.form[name] for name in self.MORE]
        self.more_expanded = any(self.data.get(name) for name in self.MORE) if self.data else False

    def _drill_down(self, tops: Sequence[str] | None) -> Q:
        """The organisation choices: the tops of the user's part of the tree and their children, and, once one is
        chosen, its ancestors and children. A committee over thousands of branches gets a short list to drill
        down, not every organisation (bench: the root's list page grew with the tree)."""
        levels = [Q(depth=1), Q(depth=2)] if tops is None else []
        levels += [
            Q(path=top) | Q(path__startswith=top, depth=len(top) // Organisation.steplen + 1) for top in tops or ()
        ]
        chosen = self.data.get("organisation") if self.data else None
        if chosen and str(chosen).isdecimal():
            picked = Organisation.objects.filter(pk=chosen).values_list("path", flat=True).first()
            if picked:
                step = Organisation.steplen
                ancestors = [picked[:i] for i in range(step, len(picked) + 1, step)]
                levels += [Q(path__in=ancestors), Q(path__startswith=picked, depth=len(picked) // step + 1)]
        return reduce(or_, levels, Q(pk__in=[]))

    def filter_queryset(self, queryset):
        # Meetings at the same time must not shuffle between pages: end every order with the primary key.
        queryset = super().filter_queryset(queryset)
        order = list(queryset.query.order_by) or ["-starts_at"]
        tie = "pk" if order[0] == "starts_at" else "-pk"
        return queryset.order_by(*order, tie)

    def filter_q(self, queryset, name, value):
        return queryset.filter(topic__icontains=value.strip())

    def filter_type(self, queryset, name, value):
        return queryset.filter(pk__in=MeetingTypeLink.objects.filter(type=value).values("meeting_id"))

    def filter_month(self, queryset, name, value):
        return self._in_period(queryset, value, kinds=("month",))

    def filter_period(self, queryset, name, value):
        return self._in_period(queryset, value, kinds=("month", "quarter", "year"))

    @staticmethod
    def _in_period(queryset, value: str, kinds: tuple[str, ...]):
        """Meetings starting in the period (local dates); a code that is no period matches nothing."""
        try:
            period = rules.parse_period(value.strip())
        except ValueError:
            return queryset.none()
        if period.kind not in kinds:
            return queryset.none()
        start, end = rules.period_datetimes(period, timezone.get_default_timezone())
        return queryset.filter(starts_at__gte=start, starts_at__lt=end)

    def filter_organisation(self, queryset, name, value):
        if self.form.cleaned_data.get("unit_only"):
            return queryset.filter(organisation=value)
        return queryset.filter(organisation__path__startswith=value.path)

    def filter_unit_only(self, queryset, name, value):
        return queryset  # narrows the organisation filter (filter_organisation); alone it changes nothing

    def filter_backfilled(self, queryset, name, value):
        return queryset.filter(is_backfilled=value == "yes")

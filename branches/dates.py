"""Dates at the portal's edges: each date a form, service, import or the admin accepts is checked against its
`rules.DateRange` here, with the same Chinese message everywhere.

The ranges are rules of the app that owns each field (`branches.rules.ORGANISATION_DATE_RANGES`,
`members.rules.MEMBER_DATE_RANGES`, `meetings.rules.MEETING_DATE_RANGES` …), as {field name: range}; one mapping
serves the forms (`limit_dates`), the services and imports (`date_range_problems`) and the admin
(`DateRangesAdminMixin`).
"""

from datetime import date, datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DateField, Max, Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rules import DateRange
from .unreadable_dates import INVALID_TEXT, is_unreadable, readable

FORM_UNREADABLE_HELP = gettext_lazy("原日期无效，请重新填写。")


def local_day(value: date | datetime) -> date:
    """The calendar day of a date, or of a moment in local time (its own day when it cannot be converted)."""
    if not isinstance(value, datetime):
        return value
    if timezone.is_naive(value):
        return value.date()
    try:
        return timezone.localdate(value)
    except (OverflowError, ValueError):  # a moment in year 1 or 9999, too near the edge to shift
        return value.date()


def date_range_problem(value: date | datetime | None, date_range: DateRange, *, today: date | None = None) -> str:
    """The Chinese message for a date (or moment, by its local day) outside its range; empty when it is inside."""
    if value is None:
        return ""
    if is_unreadable(value):
        return _("日期无效，请重新填写。")
    today = today or timezone.localdate()
    earliest, latest = date_range.bounds(today)
    day = local_day(value)
    if day < earliest:
        return _("日期不能早于%(date)s。") % {"date": date_format(earliest, "DATE_FORMAT")}
    if day > latest:
        if latest == today:
            return _("日期不能晚于今天。")
        return _("日期不能晚于%(date)s。") % {"date": date_format(latest, "DATE_FORMAT")}
    return ""


def date_range_problems(data: dict, ranges: dict[str, DateRange], *, today: date | None = None) -> dict[str, str]:
    """{field: Chinese message} for each value of `data` outside the range `ranges` gives its field."""
    today = today or timezone.localdate()
    problems = {}
    for name, date_range in ranges.items():
        message = date_range_problem(data.get(name), date_range, today=today)
        if message:
            problems[name] = message
    return problems


class DateRangeValidator:
    """A form field validator: the value lies in its range on the day it is checked."""

    def __init__(self, date_range: DateRange):
        self.date_range = date_range

    def __call__(self, value) -> None:
        message = date_range_problem(value, self.date_range)
        if message:
            raise ValidationError(message, code="date_range")

    def __eq__(self, other) -> bool:
        return isinstance(other, DateRangeValidator) and other.date_range == self.date_range

    __hash__ = None


def limit_dates(form: forms.BaseForm, ranges: dict[str, DateRange]) -> None:
    """Check the form's fields named in `ranges` against their ranges, and let their pickers offer only those days.

    A stored date that cannot be read is not offered again as the initial value: the field is empty and says so.
    """
    today = timezone.localdate()
    for name, date_range in ranges.items():
        field = form.fields.get(name)
        if field is None:
            continue
        if not any(isinstance(v, DateRangeValidator) for v in field.validators):
            field.validators.append(DateRangeValidator(date_range))
        earliest, latest = date_range.bounds(today)
        if isinstance(field, forms.DateTimeField):
            field.widget.attrs.update(min=f"{earliest.isoformat()}T00:00", max=f"{latest.isoformat()}T23:59")
        elif isinstance(field, forms.DateField):
            field.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())
        initial = form.initial.get(name)
        if is_unreadable(initial):
            form.initial[name] = None
            field.help_text = FORM_UNREADABLE_HELP


# --- The admin ------------------------------------------------------------------------------------------------------


def _date_column(name: str, label: str):
    def column(obj):
        value = getattr(obj, name)
        return str(INVALID_TEXT) if is_unreadable(value) else value

    return admin.display(description=label, ordering=name)(column)


class DateRangesAdminMixin:
    """For a ModelAdmin: its form checks `date_ranges` ({field: range}) like the portal's forms, and a stored date
    that cannot be read shows as 日期无效 in the list (which then goes without the date drill-down) instead of
    failing."""

    date_ranges: dict[str, DateRange] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        date_range = self.date_ranges.get(db_field.name)
        if field is not None and date_range is not None:
            field.validators.append(DateRangeValidator(date_range))
        return field

    def get_list_display(self, request):
        columns = []
        for name in super().get_list_display(request):
            field = self._date_field(name)
            columns.append(_date_column(name, field.verbose_name) if field is not None else name)
        return columns

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        name = changelist.date_hierarchy
        if name:
            # The drill-down starts from the first and the last date (the same query it makes) and groups the rows
            # by year: a date that cannot be read, always first or last, would break it.
            ends = changelist.queryset.aggregate(first=Min(name), last=Max(name))
            if not all(readable(value) for value in ends.values()):
                changelist.date_hierarchy = None
        return changelist

    def _date_field(self, name):
        if not isinstance(name, str):
            return None
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:  # a method or an admin attribute, not a model field
            return None
        return field if isinstance(field, DateField) else None

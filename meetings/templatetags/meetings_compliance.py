"""Compliance on pages the meetings app does not own (the branch page): `{% load meetings_compliance %}`.

The branches app sits below meetings and must not import it, so its templates use these tags instead:
`{% due_this_month organisation can_plan %}`, `{% compliance_calendar organisation %}`,
`{% compliance_links organisation %}`. What the user may do comes from the page's view (`can_plan`), never from here.
Each renders nothing for an organisation the checks do not cover, and costs a fixed number of queries; the
calendar and "本月待办" on one page share one read of the year (`selectors.unit_year`).
"""

from itertools import groupby

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Level

from .. import rules, selectors
from ..models import Period

register = template.Library()

_CHECKED_LEVELS = (Level.BRANCH, Level.PARTY_GROUP)


def _checked(organisation) -> bool:
    return organisation is not None and organisation.level in _CHECKED_LEVELS


def _unit_year(context, organisation, year: int, today) -> selectors.UnitYear:
    """The unit's figures for the year, read once per page for both the calendar and "本月待办" (kept for the
    rendering of this page only, in the template's render context)."""
    key = ("meetings_compliance.unit_year", organisation.pk, year, today)
    if key not in context.render_context:
        context.render_context[key] = selectors.unit_year(organisation, year, today)
    return context.render_context[key]


def _window_label(window: rules.PeriodRange) -> str:
    if window.kind == Period.MONTH:
        return _("%(n)d月") % {"n": window.n}
    if window.kind == Period.QUARTER:
        return _("第%(n)d季度") % {"n": window.n}
    return _("全年")


@register.inclusion_tag("meetings/includes/compliance_calendar.html", takes_context=True)
def compliance_calendar(context, organisation, year: int | None = None):
    """The year's compliance calendar of a branch or party group: a row per required meeting type, a cell per
    window (monthly types a cell a month, quarterly ones a quarter, yearly ones the year), each a status badge."""
    if not _checked(organisation):
        return {"show": False}
    today = timezone.localdate()
    year = year or today.year
    months = _unit_year(context, organisation, year, today).calendar()
    rows = []
    for meeting_type in rules.COMPLIANCE_TYPES:
        items = [compliance.for_type(meeting_type) for _month, compliance in months]
        if not any(item.required for item in items):
            continue
        # Months judged over one window (a quarter, the year) share one cell spanning them.
        cells = []
        for _window, group in groupby(items, key=lambda item: item.window.code):
            same = list(group)
            cells.append((len(same), same[0], _window_label(same[0].window)))
        rows.append((items[0].label, cells))
    return {
        "show": True,
        "organisation": organisation,
        "year": year,
        "months": [month for month, _compliance in months],
        "current_month": today.month if today.year == year else None,
        "rows": rows,
    }


@register.inclusion_tag("meetings/includes/due_this_month.html", takes_context=True)
def due_this_month(context, organisation, can_plan: bool = False):
    """ "本月待办": the required meetings a branch or party group still owes whose time runs out this month
    (or that are already due soon or overdue), with a link to plan each when the page's view says the user may
    (`can_plan`, from `Scope.may_plan_meeting`)."""
    if not _checked(organisation):
        return {"show": False}
    today = timezone.localdate()
    try:
        create_url = reverse("meetings:create")
    except NoReverseMatch:
        create_url = ""
    year = _unit_year(context, organisation, today.year, today)
    due = year.due_this_month()
    planned = year.planned_for(t.meeting_type for t in due)
    return {
        "show": True,
        "organisation": organisation,
        "today": today,
        "items": [(item, planned.get(item.meeting_type)) for item in due],
        "create_url": create_url if can_plan else "",
    }


@register.inclusion_tag("meetings/includes/compliance_links.html")
def compliance_links(organisation):
    """Buttons to the organisation's compliance page and requirement settings."""
    return {"organisation": organisation}

"""What the branch page shows of a unit's 三会一课: its "本月待办" and its year's compliance calendar, both evaluated
from one read of the year (`unit_year`). The page itself is composed by the web layer (branches' overview view);
what the user may do there (plan a meeting) is the view's decision, from the scope."""

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.utils.translation import gettext as _

from branches.models import Level, Organisation

from .. import rules
from ..models import Period
from .engine import TypeCompliance
from .unit_year import ArrangedMeeting, unit_year

#: The units whose requirements the compliance checks cover.
CHECKED_LEVELS = (Level.BRANCH, Level.PARTY_GROUP)


@dataclass(frozen=True)
class CalendarRow:
    """One required meeting type's year: a cell per window (a month, a quarter or the year, spanning its months)."""

    label: str
    cells: list[tuple[int, TypeCompliance, str]]  # (months spanned, the window's figures, the window's label)


@dataclass(frozen=True)
class UnitPage:
    year: int
    today: date
    months: list[rules.PeriodRange]
    current_month: int | None
    rows: list[CalendarRow]
    due: list[tuple[TypeCompliance, ArrangedMeeting | None]]  # what is owed this month, and its arranged meeting


def _window_label(window: rules.PeriodRange) -> str:
    if window.kind == Period.MONTH:
        return _("%(n)d月") % {"n": window.n}
    if window.kind == Period.QUARTER:
        return _("第%(n)d季度") % {"n": window.n}
    return _("全年")


def unit_page(organisation: Organisation, today: date) -> UnitPage | None:
    """The unit's calendar of this year and what it still owes this month; None for an organisation the checks
    do not cover (a 党总支 or a 党委). A fixed number of queries."""
    if organisation.level not in CHECKED_LEVELS:
        return None
    year = unit_year(organisation, today.year, today)
    months = year.calendar()
    rows = []
    for meeting_type in rules.COMPLIANCE_TYPES:
        items = [compliance.for_type(meeting_type) for _month, compliance in months]
        if not any(item.required for item in items):
            continue
        cells = []
        for _window, group in groupby(items, key=lambda item: item.window.code):
            same = list(group)
            cells.append((len(same), same[0], _window_label(same[0].window)))
        rows.append(CalendarRow(str(items[0].label), cells))
    due = year.due_this_month()
    planned = year.planned_for(item.meeting_type for item in due)
    return UnitPage(
        year=today.year,
        today=today,
        months=[month for month, _compliance in months],
        current_month=today.month,
        rows=rows,
        due=[(item, planned.get(item.meeting_type)) for item in due],
    )

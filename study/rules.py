"""Study tasks' rules as pure functions: dates, due states, reflections, edits after completion, study hours."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from branches.rules import DateRange

#: A task is "due soon" (即将到期) in its last week.
DUE_SOON_DAYS = 7
#: A task's dates, as the forms, services and admin accept them: five years back (history) to two years ahead.
STUDY_DATE_RANGE = DateRange(years_back=5, years_ahead=2)
STUDY_DATE_RANGES = {"starts_on": STUDY_DATE_RANGE, "due_on": STUDY_DATE_RANGE}
#: Study hours (学时) a task may be worth, and the longest minimum a reflection may be asked for.
MAX_HOURS = Decimal("99.9")
MAX_MIN_LENGTH = 5000
#: The longest reflection kept.
MAX_REFLECTION_LENGTH = 20000


class DueState:
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    TODO = "todo"
    NOT_STARTED = "not_started"


def due_state(*, done: bool, starts_on: date, due_on: date, today: date) -> str:
    """Where a person's task stands (我的学习任务: 待完成, 即将到期, 已逾期, 已完成).

    Done wins; after the due day (the due day itself still counts) it is overdue; in the last DUE_SOON_DAYS days
    (the due day included) due soon; before the start day, not started; otherwise to do.
    """
    if done:
        return DueState.DONE
    if today > due_on:
        return DueState.OVERDUE
    if due_on - today < timedelta(days=DUE_SOON_DAYS):
        return DueState.DUE_SOON
    if today < starts_on:
        return DueState.NOT_STARTED
    return DueState.TODO


def dates_problem(starts_on: date | None, due_on: date | None) -> str:
    """A task's 截止日期 is on or after its 开始日期."""
    if starts_on and due_on and due_on < starts_on:
        return _("截止日期不能早于开始日期。")
    return ""


def reflection_length(text: str) -> int:
    """The length of a reflection (心得体会) as the minimum counts it: its characters, whitespace not counted."""
    return sum(1 for ch in text or "" if not ch.isspace())


def reflection_problem(text: str, min_length: int) -> str:
    """A submitted reflection reaches the task's minimum length (0: optional, any length, even empty), and no more
    than MAX_REFLECTION_LENGTH characters are kept."""
    if len(text or "") > MAX_REFLECTION_LENGTH:
        return _("心得体会不能超过%(n)d字。") % {"n": MAX_REFLECTION_LENGTH}
    length = reflection_length(text)
    if length < min_length:
        return _("心得体会至少%(n)d字（现有%(have)d字）。") % {"n": min_length, "have": length}
    return ""


def completion_change_problem(*, completed: int, before: tuple, after: tuple) -> str:
    """Once members completed a task, what completion means (how it is completed, a reflection's minimum length,
    the linked meeting) no longer changes: `before` and `after` are (completion, min_length, meeting id)."""
    if completed and tuple(before) != tuple(after):
        return _("已有%(n)d人完成该任务，不能再修改完成方式、字数要求或关联会议。") % {"n": completed}
    return ""


def hours_by_year(rows: Iterable[tuple[date, Decimal]]) -> dict[int, Decimal]:
    """Study hours (学时) per year: each completed task's hours counted in the year it was completed."""
    totals: dict[int, Decimal] = {}
    for day, hours in rows:
        totals[day.year] = totals.get(day.year, Decimal(0)) + (hours or Decimal(0))
    return totals


def completion_rate(done: int, total: int) -> int:
    """Completion as a whole percentage, rounded down (100 only when everyone is done); 0 with nobody targeted."""
    if total <= 0:
        return 0
    return done * 100 // total

"""Study-task rules at their edges (study/rules.py)."""

from datetime import date
from decimal import Decimal

import pytest

from study import rules
from study.rules import DueState

D = date(2026, 5, 20)


@pytest.mark.parametrize(
    ("done", "starts_on", "due_on", "today", "expected"),
    [
        # Done wins, even overdue.
        (True, date(2026, 5, 1), date(2026, 5, 10), D, DueState.DONE),
        # Overdue from the day after the due day; the due day itself is due soon.
        (False, date(2026, 5, 1), date(2026, 5, 19), D, DueState.OVERDUE),
        (False, date(2026, 5, 1), date(2026, 5, 20), D, DueState.DUE_SOON),
        # Due soon: the last DUE_SOON_DAYS (7) days, the due day included.
        (False, date(2026, 5, 1), date(2026, 5, 26), D, DueState.DUE_SOON),
        (False, date(2026, 5, 1), date(2026, 5, 27), D, DueState.TODO),
        # Not started before the start day; the start day itself is to do.
        (False, date(2026, 5, 21), date(2026, 6, 30), D, DueState.NOT_STARTED),
        (False, date(2026, 5, 20), date(2026, 6, 30), D, DueState.TODO),
    ],
)
def test_due_state(done, starts_on, due_on, today, expected):
    """我的学习任务: done, overdue after the due day, due soon in the last week, not started before the start."""
    assert rules.due_state(done=done, starts_on=starts_on, due_on=due_on, today=today) == expected


@pytest.mark.parametrize(
    ("starts_on", "due_on", "ok"),
    [(D, date(2026, 5, 19), False), (D, D, True), (D, date(2026, 5, 21), True), (None, D, True)],
)
def test_due_date_not_before_start(starts_on, due_on, ok):
    """截止日期 on or after 开始日期: the day before is refused, the same day accepted."""
    assert (rules.dates_problem(starts_on, due_on) == "") is ok


@pytest.mark.parametrize(
    ("text", "min_length", "ok"),
    [
        ("", 0, True),  # default 0: optional
        ("一二三四", 5, False),  # one under
        ("一二三四五", 5, True),  # exactly the minimum
        ("一二 三四\n五", 5, True),  # whitespace does not count, and is not needed
        ("  一二三四  ", 5, False),
        ("字" * (rules.MAX_REFLECTION_LENGTH + 1), 0, False),
    ],
)
def test_reflection_minimum_length(text, min_length, ok):
    """A reflection reaches the task's minimum length, whitespace not counted; 0 means optional."""
    assert (rules.reflection_problem(text, min_length) == "") is ok


@pytest.mark.parametrize(
    ("completed", "before", "after", "ok"),
    [
        (0, ("read", 0, None), ("reflection", 100, None), True),
        (1, ("read", 0, None), ("read", 0, None), True),
        (1, ("read", 0, None), ("reflection", 0, None), False),
        (1, ("reflection", 100, None), ("reflection", 200, None), False),
        (3, ("meeting", 0, 7), ("meeting", 0, 8), False),
    ],
)
def test_completion_does_not_change_after_someone_completed(completed, before, after, ok):
    """Once someone completed a task, its completion, minimum length and linked meeting stay."""
    assert (rules.completion_change_problem(completed=completed, before=before, after=after) == "") is ok


def test_hours_by_year():
    """学时 add up per year of completion: 31 December and 1 January fall in different years."""
    rows = [(date(2025, 12, 31), Decimal("2")), (date(2026, 1, 1), Decimal("1.5")), (date(2026, 6, 1), Decimal("3"))]
    assert rules.hours_by_year(rows) == {2025: Decimal("2"), 2026: Decimal("4.5")}


@pytest.mark.parametrize(("done", "total", "rate"), [(0, 0, 0), (0, 3, 0), (2, 3, 66), (99, 100, 99), (3, 3, 100)])
def test_completion_rate(done, total, rate):
    """Completion as a whole percentage rounded down: 100 only when everyone is done."""
    assert rules.completion_rate(done, total) == rate

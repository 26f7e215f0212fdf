"""What a unit owes over time (meetings.rules.duties), table-driven at the edges: the day before, of and after."""

from datetime import date

import pytest

from meetings import rules
from meetings.models import MeetingType, Period
from meetings.rules import GREEN, NEUTRAL, RED, YELLOW, Requirement, TalkCoverage

T = MeetingType
MONTHLY = Requirement(T.THEME_DAY, Period.MONTH, 1)


@pytest.mark.parametrize(
    ("period", "founded_on", "due"),
    [
        ("2026-07", date(2026, 7, 30), True),  # the day before the month's end
        ("2026-07", date(2026, 7, 31), False),  # founded on the month's last day: the month does not end after it
        ("2026-07", date(2026, 8, 1), False),  # the day after
        ("2026-07", date(2026, 8, 15), False),  # a branch founded mid-August owes no July
        ("2026-08", date(2026, 8, 15), True),  # ... but owes August
        ("2026-Q3", date(2026, 9, 29), True),
        ("2026-Q3", date(2026, 9, 30), False),
        ("2026", date(2026, 12, 31), False),
        ("2026", None, True),
    ],
)
def test_period_due_after_founding(period, founded_on, due):
    """Quorum and compliance: a requirement applies from the founding day; only periods ending after it are due."""
    assert rules.period_due(rules.parse_period(period), founded_on) is due


@pytest.mark.parametrize(
    ("meeting_type", "founded_on", "committee_since", "elected_on", "starts_on"),
    [
        (T.THEME_DAY, date(2026, 8, 15), date(2026, 9, 1), date(2026, 10, 1), date(2026, 8, 15)),
        (T.COMMITTEE_MEETING, date(2026, 8, 15), date(2026, 9, 1), date(2026, 10, 1), date(2026, 10, 1)),
        (T.COMMITTEE_MEETING, date(2026, 8, 15), date(2026, 9, 1), None, date(2026, 9, 1)),
        (T.COMMITTEE_MEETING, None, None, None, None),
    ],
)
def test_requirement_starts_on(meeting_type, founded_on, committee_since, elected_on, starts_on):
    """Founding for every requirement; the 支委会 also from the committee (7 正式党员) and its first election."""
    found = rules.requirement_starts_on(
        meeting_type, founded_on=founded_on, committee_since=committee_since, first_elected_on=elected_on
    )
    assert found == starts_on


@pytest.mark.parametrize(
    ("requirement", "period", "windows"),
    [
        (MONTHLY, "2026-Q2", ["2026-04", "2026-05", "2026-06"]),
        (MONTHLY, "2026-05", ["2026-05"]),
        (Requirement(T.GENERAL_MEETING, Period.QUARTER, 1), "2026", ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]),
        (Requirement(T.GENERAL_MEETING, Period.QUARTER, 1), "2026-05", ["2026-Q2"]),
        (Requirement(T.MEMBER_APPRAISAL, Period.YEAR, 1), "2026-Q2", ["2026"]),
    ],
)
def test_requirement_windows(requirement, period, windows):
    """A requirement is judged in its own periods within a longer view, or over the period enclosing a shorter one."""
    assert [w.code for w in rules.requirement_windows(requirement, rules.parse_period(period))] == windows


def _windows(period, held):
    return list(zip(rules.requirement_windows(MONTHLY, rules.parse_period(period)), held, strict=True))


@pytest.mark.parametrize(
    ("period", "held", "founded_on", "today", "expected"),
    [
        # Monthly means monthly: a missed month stays missed; a later month's extra meetings do not make up for it.
        ("2026-Q2", [1, 1, 1], None, date(2026, 7, 1), (3, 3, GREEN)),
        ("2026-Q2", [0, 2, 1], None, date(2026, 7, 1), (3, 2, RED)),
        ("2026-Q2", [0, 0, 3], None, date(2026, 7, 1), (3, 1, RED)),
        # A missed month is red at once, the quarter still running.
        ("2026-Q2", [0, 0, 0], None, date(2026, 5, 1), (3, 0, RED)),
        ("2026-Q2", [1, 0, 0], None, date(2026, 5, 1), (3, 1, NEUTRAL)),
        ("2026-Q2", [1, 0, 0], None, date(2026, 5, 25), (3, 1, YELLOW)),  # May's last week
        # Founded mid-year: the year counts the months from the founding month on.
        ("2026", [0] * 7 + [1] * 5, date(2026, 8, 15), date(2027, 1, 1), (5, 5, GREEN)),
        ("2026", [0] * 7 + [1] * 5, date(2026, 7, 31), date(2027, 1, 1), (5, 5, GREEN)),
        ("2026", [0] * 7 + [1] * 5, date(2026, 7, 30), date(2027, 1, 1), (6, 5, RED)),
        ("2026-Q3", [1, 0, 0], date(2026, 9, 30), date(2026, 10, 1), (0, 0, NEUTRAL)),
        # One window: the plain status, its meetings all shown.
        ("2026-05", [2], None, date(2026, 6, 1), (1, 2, GREEN)),
        ("2026-05", [0], date(2026, 5, 31), date(2026, 6, 1), (0, 0, NEUTRAL)),
    ],
)
def test_compliance_over_windows(period, held, founded_on, today, expected):
    """Quorum and compliance: a monthly requirement is met month by month, from the founding month on."""
    assert rules.compliance_over_windows(1, _windows(period, held), founded_on, today) == expected


YEAR = rules.parse_period("2026")


@pytest.mark.parametrize(
    ("joined_on", "owed"),
    [(date(2026, 12, 30), True), (date(2026, 12, 31), True), (date(2027, 1, 1), False), (None, True)],
)
def test_talk_owed_from_the_joining_month(joined_on, owed):
    """谈心谈话: each member at least once a year, from the month they joined (December's still owe one)."""
    assert rules.talk_owed(joined_on, YEAR) is owed


@pytest.mark.parametrize(
    ("coverage", "founded_on", "today", "status"),
    [
        (TalkCoverage(10, 10), None, date(2027, 1, 1), GREEN),
        (TalkCoverage(10, 9), None, date(2026, 12, 31), YELLOW),
        (TalkCoverage(10, 9), None, date(2027, 1, 1), RED),  # the day after the year: one member without a talk
        (TalkCoverage(10, 10, committee=5, committee_talked=4), None, date(2027, 1, 1), RED),
        (TalkCoverage(10, 10, committee=5, committee_talked=5), None, date(2027, 1, 1), GREEN),
        (TalkCoverage(10, 3), None, date(2026, 6, 1), NEUTRAL),
        (TalkCoverage(0, 0), None, date(2027, 1, 1), NEUTRAL),
        (TalkCoverage(10, 0), date(2026, 12, 31), date(2027, 1, 1), NEUTRAL),  # founded on the year's last day
    ],
)
def test_talk_status(coverage, founded_on, today, status):
    """谈心谈话: green only when every member has had a talk and each committee member one with another."""
    assert rules.talk_status(coverage, YEAR, founded_on, today) == status


@pytest.mark.parametrize(
    ("day", "month", "fixed_on"),
    [(15, "2026-02", date(2026, 2, 15)), (31, "2026-02", date(2026, 2, 28)), (31, "2026-03", date(2026, 3, 31))],
)
def test_fixed_theme_day(day, month, fixed_on):
    """主题党日 on a fixed day; a day the month lacks falls on its last day."""
    assert rules.fixed_theme_day(day, rules.parse_period(month)) == fixed_on


FIXED = date(2026, 5, 15)


@pytest.mark.parametrize(
    ("held_on", "today", "slipped"),
    [
        ([], date(2026, 5, 14), False),  # the day before
        ([], date(2026, 5, 15), False),  # the fixed day itself
        ([], date(2026, 5, 16), True),  # the day after, without one
        ([date(2026, 5, 15)], date(2026, 5, 16), False),
        ([date(2026, 5, 10)], date(2026, 5, 11), True),  # held on another day
        ([date(2026, 5, 10), date(2026, 5, 15)], date(2026, 5, 20), False),
    ],
)
def test_theme_day_slipped(held_on, today, slipped):
    """主题党日 "once a month, on a fixed day": a slip is a reminder (not a red mark)."""
    assert rules.theme_day_slipped(FIXED, held_on, today) is slipped

"""The one meeting schedule of the generated data sets, derived from the default requirements (meetings.rules)."""

from collections import Counter
from datetime import date

import pytest

from demo import meeting_history, scale_branch
from demo.schedule import SLOTS, days_held, month_schedule
from meetings import rules
from meetings.models import MeetingType, Period

COMMITTEE, THEME, LECTURE = MeetingType.COMMITTEE_MEETING, MeetingType.THEME_DAY, MeetingType.PARTY_LECTURE
GENERAL, LIFE = MeetingType.GENERAL_MEETING, MeetingType.ORGANISATIONAL_LIFE_MEETING
APPRAISAL = MeetingType.MEMBER_APPRAISAL
TALK, GROUP = MeetingType.HEART_TO_HEART_TALK, MeetingType.GROUP_MEETING
DEMO, SCALE = meeting_history.TALKS, scale_branch.TALKS


def _month(month: int, talks=None, *, has_committee: bool = True, is_party_group: bool = False):
    return month_schedule(
        date(2026, month, 1),
        is_party_group=is_party_group,
        has_committee=has_committee,
        theme_day=14,
        requirements=talks or {},
    )


@pytest.mark.parametrize(
    ("month", "talks", "expected"),
    [
        (1, DEMO, [([COMMITTEE], 5, 15), ([THEME, LECTURE], 14, 9), ([LIFE], 8, 14), ([APPRAISAL], 9, 14)]),
        (2, DEMO, [([COMMITTEE], 5, 15), ([THEME], 14, 9), ([GENERAL], 25, 14)]),
        (3, DEMO, [([COMMITTEE], 5, 15), ([THEME], 14, 9), ([TALK], 12, 10)]),
        (4, DEMO, [([COMMITTEE], 5, 15), ([THEME, LECTURE], 14, 9)]),
        (9, DEMO, [([COMMITTEE], 5, 15), ([THEME], 14, 9), ([TALK], 12, 10)]),
        (12, DEMO, [([COMMITTEE], 5, 15), ([THEME], 14, 9)]),
        (
            1,
            SCALE,
            [([COMMITTEE], 5, 15), ([THEME, LECTURE], 14, 9), ([LIFE], 8, 14), ([APPRAISAL], 9, 14), ([TALK], 12, 10)],
        ),
        (3, SCALE, [([COMMITTEE], 5, 15), ([THEME], 14, 9), ([TALK], 12, 10), ([TALK], 26, 10)]),
        (11, SCALE, [([COMMITTEE], 5, 15), ([THEME], 14, 9), ([GENERAL], 25, 14), ([TALK], 12, 10)]),
        (12, SCALE, [([COMMITTEE], 5, 15), ([THEME], 14, 9), ([TALK], 12, 10), ([TALK], 26, 10)]),
    ],
)
def test_demo_and_scale_months_are_those_the_two_seeders_held_before(month, talks, expected):
    """The demo (two 谈心谈话 a year, in March and September) and the scale set (one every month, a second at a
    quarter's end) get the same meetings, days and hours as their former separate calendars."""
    assert _month(month, talks) == expected


def test_without_a_committee_a_branch_holds_no_committee_meeting():
    """支部委员会 is owed only by a branch that has a committee."""
    assert _month(6, DEMO, has_committee=False) == [([THEME], 14, 9)]


@pytest.mark.parametrize("month", range(1, 13))
def test_a_party_group_holds_its_group_meeting_only(month):
    """Party groups hold 党小组会 every month (22nd, 16:00) and owe nothing else."""
    assert _month(month, SCALE, is_party_group=True) == [([GROUP], 22, 16)]


@pytest.mark.parametrize("is_party_group", [False, True])
def test_a_year_of_the_default_schedule_meets_every_default_requirement(is_party_group):
    """ "Organisational life": a unit that follows the schedule holds, in every period of a year, exactly the
    default count of each type it owes, and nothing it does not owe."""
    held: dict[str, Counter] = {}
    for month in range(1, 13):
        for types, _day, _hour in _month(month, is_party_group=is_party_group):
            for meeting_type in types:
                period = rules.default_requirement(meeting_type).period
                held.setdefault(meeting_type, Counter())[rules.period_containing(period, date(2026, month, 1))] += 1
    owed = {
        t
        for t in rules.COMPLIANCE_TYPES
        if rules.requirement_applies(t, is_party_group=is_party_group, has_committee=True)
    }
    assert set(held) == owed
    for meeting_type in owed:
        requirement = rules.default_requirement(meeting_type)
        periods = {rules.period_containing(requirement.period, date(2026, m, 1)) for m in range(1, 13)}
        assert held[meeting_type] == dict.fromkeys(periods, requirement.count), meeting_type


def test_every_type_the_compliance_engine_checks_has_a_slot():
    """No required type is left out of the schedule."""
    assert set(rules.COMPLIANCE_TYPES) <= set(SLOTS)


def test_more_meetings_than_the_slot_has_days_for_are_refused():
    """A count the slot's days cannot hold (two a month at most for 谈心谈话) raises instead of being dropped."""
    with pytest.raises(ValueError):
        days_held(rules.Requirement(TALK, Period.YEAR, 25), SLOTS[TALK], date(2026, 1, 1))

"""The organisational life rules (domain-rules.md, "Organisational life"), table by table."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from meetings import rules
from meetings.models import MeetingType, Period
from meetings.rules import GREEN, NEUTRAL, RED, YELLOW, Requirement

SHANGHAI = ZoneInfo("Asia/Shanghai")
T = MeetingType


@pytest.mark.parametrize(
    ("meeting_type", "period", "count", "rule"),
    [
        (T.GENERAL_MEETING, Period.QUARTER, 1, "支部党员大会: 一般每季度召开1次 (national)"),
        (T.COMMITTEE_MEETING, Period.MONTH, 1, "支部委员会: once a month (national)"),
        (T.GROUP_MEETING, Period.MONTH, 1, "党小组会: once a month (national)"),
        (T.PARTY_LECTURE, Period.QUARTER, 1, "党课: once a quarter (default, local practice)"),
        (T.THEME_DAY, Period.MONTH, 1, "主题党日: once a month (national)"),
        (T.ORGANISATIONAL_LIFE_MEETING, Period.YEAR, 1, "组织生活会: at least once a year (national)"),
        (T.MEMBER_APPRAISAL, Period.YEAR, 1, "民主评议党员: once a year (national)"),
        (T.HEART_TO_HEART_TALK, Period.YEAR, 1, "谈心谈话: each at least once a year (national)"),
        (T.OTHER, Period.YEAR, 0, "其他: never required"),
    ],
)
def test_default_requirements(meeting_type, period, count, rule):
    """Each meeting type's default frequency is the one in the "Organisational life" table."""
    assert rules.default_requirement(meeting_type) == Requirement(meeting_type, period, count), rule


@pytest.mark.parametrize(
    ("meeting_type", "is_party_group", "has_committee", "applies"),
    [
        # 党小组会 is held by party groups, which owe nothing else.
        (T.GROUP_MEETING, True, False, True),
        (T.GROUP_MEETING, False, True, False),
        (T.GENERAL_MEETING, True, False, False),
        (T.THEME_DAY, True, False, False),
        # 支部委员会 only where there is a committee.
        (T.COMMITTEE_MEETING, False, True, True),
        (T.COMMITTEE_MEETING, False, False, False),
        # Every other type: every branch.
        (T.GENERAL_MEETING, False, False, True),
        (T.PARTY_LECTURE, False, False, True),
        (T.THEME_DAY, False, False, True),
        (T.ORGANISATIONAL_LIFE_MEETING, False, False, True),
        (T.MEMBER_APPRAISAL, False, False, True),
        (T.HEART_TO_HEART_TALK, False, False, True),
        (T.OTHER, False, True, False),
    ],
)
def test_requirement_applies(meeting_type, is_party_group, has_committee, applies):
    """ "Who attends": groups owe 党小组会, branches with a committee owe 支部委员会, branches owe the rest."""
    assert (
        rules.requirement_applies(meeting_type, is_party_group=is_party_group, has_committee=has_committee) is applies
    )


def test_nearest_override_wins():
    """Configurable defaults: the deepest organisation that sets a requirement wins; none set → None."""
    root = Requirement(T.PARTY_LECTURE, Period.MONTH, 1)
    middle = Requirement(T.PARTY_LECTURE, Period.QUARTER, 2)
    assert rules.nearest_override([(0, root), (2, middle)]) == middle
    assert rules.nearest_override([(2, middle), (0, root)]) == middle
    assert rules.nearest_override([]) is None


@pytest.mark.parametrize(
    ("kind", "year", "n", "start", "end"),
    [
        (Period.MONTH, 2026, 1, date(2026, 1, 1), date(2026, 1, 31)),
        (Period.MONTH, 2026, 2, date(2026, 2, 1), date(2026, 2, 28)),
        (Period.MONTH, 2028, 2, date(2028, 2, 1), date(2028, 2, 29)),
        (Period.MONTH, 2026, 11, date(2026, 11, 1), date(2026, 11, 30)),
        (Period.MONTH, 2026, 12, date(2026, 12, 1), date(2026, 12, 31)),
        (Period.QUARTER, 2026, 1, date(2026, 1, 1), date(2026, 3, 31)),
        (Period.QUARTER, 2026, 2, date(2026, 4, 1), date(2026, 6, 30)),
        (Period.QUARTER, 2026, 3, date(2026, 7, 1), date(2026, 9, 30)),
        (Period.QUARTER, 2026, 4, date(2026, 10, 1), date(2026, 12, 31)),
        (Period.YEAR, 2026, 1, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_period_bounds(kind, year, n, start, end):
    """Months, quarters and years are calendar periods, both ends included."""
    assert rules.period_bounds(kind, year, n) == (start, end)


@pytest.mark.parametrize(
    ("text", "kind", "code", "start", "end"),
    [
        ("2026-11", Period.MONTH, "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2026-3", Period.MONTH, "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("2026-Q3", Period.QUARTER, "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-q1", Period.QUARTER, "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026", Period.YEAR, "2026", date(2026, 1, 1), date(2026, 12, 31)),
        (" 2025 ", Period.YEAR, "2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_parse_period(text, kind, code, start, end):
    """The command's periods: '2026-11' a month, '2026-Q3' a quarter, '2026' a year."""
    period = rules.parse_period(text)
    assert (period.kind, period.code, period.start, period.end) == (kind, code, start, end)


@pytest.mark.parametrize("text", ["", "2026-13", "2026-0", "2026-Q5", "2026-Q0", "26-11", "2026/11", "1900", "abc"])
def test_parse_period_refuses_nonsense(text):
    """Anything else is not a period."""
    with pytest.raises(ValueError):
        rules.parse_period(text)


@pytest.mark.parametrize(
    ("instant", "quarter", "month"),
    [
        # 2026-03-31 23:59 in Shanghai is 15:59 UTC the same day: Q1, March.
        (datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI), "2026-Q1", "2026-03"),
        # 2026-04-01 00:30 in Shanghai is still 31 March in UTC, but it is Q2, April.
        (datetime(2026, 3, 31, 16, 30, tzinfo=UTC), "2026-Q2", "2026-04"),
        (datetime(2026, 3, 31, 15, 59, tzinfo=UTC), "2026-Q1", "2026-03"),
        # Year end: 2026-12-31 20:00 UTC is already 2027-01-01 in Shanghai.
        (datetime(2026, 12, 31, 20, 0, tzinfo=UTC), "2027-Q1", "2027-01"),
        (datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC), "2026-Q4", "2026-12"),
        # Month end: 30 November 16:00 UTC is 1 December in Shanghai.
        (datetime(2026, 11, 30, 16, 0, tzinfo=UTC), "2026-Q4", "2026-12"),
    ],
)
def test_period_boundaries_are_in_shanghai(instant, quarter, month):
    """Periods are Asia/Shanghai calendar periods: an instant belongs to the period of its Shanghai date."""
    for code in (quarter, month):
        start, end = rules.period_datetimes(rules.parse_period(code), SHANGHAI)
        assert start <= instant < end


def test_period_datetimes_cover_whole_local_days():
    """Q1 2026 runs from 2026-01-01 00:00 to 2026-04-01 00:00 Shanghai time (16:00 UTC the day before)."""
    start, end = rules.period_datetimes(rules.parse_period("2026-Q1"), SHANGHAI)
    assert start.astimezone(UTC) == datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("requirement", "period", "required", "window"),
    [
        (Requirement(T.COMMITTEE_MEETING, Period.MONTH, 1), "2026-11", 1, "2026-11"),
        (Requirement(T.COMMITTEE_MEETING, Period.MONTH, 1), "2026-Q3", 3, "2026-Q3"),
        (Requirement(T.COMMITTEE_MEETING, Period.MONTH, 2), "2026", 24, "2026"),
        (Requirement(T.GENERAL_MEETING, Period.QUARTER, 1), "2026", 4, "2026"),
        (Requirement(T.GENERAL_MEETING, Period.QUARTER, 1), "2026-Q3", 1, "2026-Q3"),
        (Requirement(T.GENERAL_MEETING, Period.QUARTER, 1), "2026-08", 1, "2026-Q3"),
        (Requirement(T.ORGANISATIONAL_LIFE_MEETING, Period.YEAR, 1), "2026-11", 1, "2026"),
        (Requirement(T.ORGANISATIONAL_LIFE_MEETING, Period.YEAR, 1), "2026-Q4", 1, "2026"),
        (Requirement(T.PARTY_LECTURE, Period.QUARTER, 0), "2026", 0, "2026"),
    ],
)
def test_required_in_period(requirement, period, required, window):
    """A frequent requirement multiplies over a longer period; a rarer one is judged over its own period."""
    count, counted_in = rules.required_in(requirement, rules.parse_period(period))
    assert (count, counted_in.code) == (required, window)


NOV = (date(2026, 11, 1), date(2026, 11, 30))  # 30 days: a quarter is 7.5 days
Q3 = (date(2026, 7, 1), date(2026, 9, 30))  # 92 days: a quarter is 23 days
Y = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("required", "held", "bounds", "today", "status"),
    [
        # Nothing required → neutral, whatever happened.
        (0, 0, NOV, date(2026, 12, 5), NEUTRAL),
        (0, 3, NOV, date(2026, 11, 5), NEUTRAL),
        # Held at least the required count → green, during and after the period.
        (1, 1, NOV, date(2026, 11, 3), GREEN),
        (1, 2, NOV, date(2027, 1, 3), GREEN),
        (3, 3, Q3, date(2026, 10, 1), GREEN),
        # Ended without it → red (also when only partly held).
        (1, 0, NOV, date(2026, 12, 1), RED),
        (3, 2, Q3, date(2026, 10, 1), RED),
        # Time left: neutral while more than max(a quarter of the period, 7 days) remains.
        (1, 0, NOV, date(2026, 11, 1), NEUTRAL),
        (1, 0, NOV, date(2026, 11, 23), NEUTRAL),  # 8 days left ≥ 7.5
        (1, 0, NOV, date(2026, 11, 24), YELLOW),  # 7 days left < 7.5
        (1, 0, NOV, date(2026, 11, 30), YELLOW),  # the last day
        (1, 0, Q3, date(2026, 9, 8), NEUTRAL),  # 23 days left: not less than 23
        (1, 0, Q3, date(2026, 9, 9), YELLOW),  # 22 days left < 23
        (1, 0, Y, date(2026, 10, 1), NEUTRAL),  # 92 days left ≥ 91.25
        (1, 0, Y, date(2026, 10, 2), YELLOW),  # 91 days left < 91.25
        # A period not yet begun is neutral.
        (1, 0, NOV, date(2026, 10, 31), NEUTRAL),
    ],
)
def test_compliance_status(required, held, bounds, today, status):
    """Compliance rule: held → green; ended without → red; yellow when less than a quarter of the period or
    7 days (whichever is longer) remains; neutral otherwise or when nothing is required."""
    assert rules.compliance_status(required, held, *bounds, today) == status


def test_yellow_uses_seven_days_for_short_periods():
    """For a period shorter than 28 days the 7-day floor is longer than a quarter of it."""
    start, end = date(2026, 2, 1), date(2026, 2, 14)  # 14 days: a quarter would be 3.5 days
    assert rules.compliance_status(1, 0, start, end, date(2026, 2, 8)) == NEUTRAL  # 7 days left: not less than 7
    assert rules.compliance_status(1, 0, start, end, date(2026, 2, 9)) == YELLOW  # 6 days left < 7


@pytest.mark.parametrize(
    ("statuses", "worst"),
    [
        ([GREEN, RED, YELLOW], RED),
        ([GREEN, YELLOW], YELLOW),
        ([NEUTRAL, GREEN], GREEN),
        ([NEUTRAL], NEUTRAL),
        ([], NEUTRAL),
    ],
)
def test_worst_status(statuses, worst):
    """A branch shows its worst status: red, then yellow, then green."""
    assert rules.worst_status(statuses) == worst


@pytest.mark.parametrize(
    ("meeting_type", "expected", "present", "election", "met", "needed"),
    [
        # 支部委员会: more than half of the committee present.
        (T.COMMITTEE_MEETING, 5, 3, False, True, 3),
        (T.COMMITTEE_MEETING, 5, 2, False, False, 3),
        (T.COMMITTEE_MEETING, 4, 2, False, False, 3),  # exactly half is not more than half
        (T.COMMITTEE_MEETING, 4, 3, False, True, 3),
        (T.COMMITTEE_MEETING, 3, 2, False, True, 2),
        (T.COMMITTEE_MEETING, 1, 1, False, True, 1),
        (T.COMMITTEE_MEETING, 0, 0, False, False, 1),
        # 支部党员大会: more than half of the members with voting rights.
        (T.GENERAL_MEETING, 10, 6, False, True, 6),
        (T.GENERAL_MEETING, 10, 5, False, False, 6),
        (T.GENERAL_MEETING, 9, 5, False, True, 5),
        (T.GENERAL_MEETING, 9, 4, False, False, 5),
        # … four fifths for an election.
        (T.GENERAL_MEETING, 10, 8, True, True, 8),
        (T.GENERAL_MEETING, 10, 7, True, False, 8),
        (T.GENERAL_MEETING, 11, 9, True, True, 9),  # 8.8 → 9
        (T.GENERAL_MEETING, 11, 8, True, False, 9),
        (T.GENERAL_MEETING, 5, 4, True, True, 4),
        # An election flag does not change a committee meeting's quorum.
        (T.COMMITTEE_MEETING, 5, 3, True, True, 3),
        # Other types have no quorum.
        (T.PARTY_LECTURE, 30, 0, False, True, 0),
        (T.THEME_DAY, 30, 1, False, True, 0),
        (T.GROUP_MEETING, 8, 0, False, True, 0),
    ],
)
def test_quorum(meeting_type, expected, present, election, met, needed):
    """Quorum: 支部委员会 more than half; 支部党员大会 more than half of the voting members, 4/5 for an election."""
    assert rules.quorum_met(meeting_type, expected, present, election) is met
    assert rules.quorum_needed(meeting_type, expected, election) == needed


@pytest.mark.parametrize(
    ("meeting_date", "recorded_on", "days", "backfilled"),
    [
        (date(2026, 5, 1), date(2026, 5, 1), 7, False),
        (date(2026, 5, 1), date(2026, 5, 8), 7, False),  # exactly 7 days later is on time
        (date(2026, 5, 1), date(2026, 5, 9), 7, True),
        (date(2026, 5, 1), date(2026, 6, 1), 7, True),
        (date(2026, 5, 1), date(2026, 5, 4), 2, True),
    ],
)
def test_is_backfilled(meeting_date, recorded_on, days, backfilled):
    """A record entered more than MEETING_BACKFILL_DAYS (7) after its meeting is marked 补录."""
    assert rules.is_backfilled(meeting_date, recorded_on, days) is backfilled


@pytest.mark.parametrize(
    ("last", "today", "is_silent"),
    [
        (None, date(2026, 5, 1), True),
        (date(2026, 5, 1), date(2026, 5, 1), False),
        (date(2026, 4, 1), date(2026, 5, 1), False),  # 30 days ago
        (date(2026, 3, 31), date(2026, 5, 1), True),  # 31 days ago
    ],
)
def test_silent(last, today, is_silent):
    """静默支部: no recorded activity of any kind for more than 30 days."""
    assert rules.silent(last, today) is is_silent


@pytest.mark.parametrize(("present", "expected", "rate"), [(0, 0, None), (3, 4, 0.75), (4, 4, 1.0), (0, 5, 0.0)])
def test_attendance_rate(present, expected, rate):
    """Attendance rate: present over expected (those on leave are still expected)."""
    assert rules.attendance_rate(present, expected) == rate


@pytest.mark.parametrize(
    ("types", "sources"),
    [
        ([T.GENERAL_MEETING], {rules.ALL_MEMBERS}),
        ([T.COMMITTEE_MEETING], {rules.COMMITTEE}),
        ([T.GROUP_MEETING], {rules.GROUP}),
        ([T.THEME_DAY, T.PARTY_LECTURE], {rules.ALL_MEMBERS}),
        ([T.HEART_TO_HEART_TALK], {rules.CHOSEN}),
        ([T.ORGANISATIONAL_LIFE_MEETING], {rules.ALL_MEMBERS}),
        ([T.MEMBER_APPRAISAL], {rules.ALL_MEMBERS}),
    ],
)
def test_expected_attendees(types, sources):
    """ "Who attends": all members, the committee, the group's members; a talk's two people are chosen."""
    assert rules.expected_attendees(types) == sources


def test_ends_after_start_and_can_be_held():
    """A meeting cannot end before it starts, and cannot be logged as held before it starts."""
    start = datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI)
    assert rules.ends_after_start(start, None)
    assert rules.ends_after_start(start, start)
    assert not rules.ends_after_start(start, datetime(2026, 5, 1, 8, 59, tzinfo=SHANGHAI))
    assert rules.can_be_held(start, datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI))
    assert not rules.can_be_held(start, datetime(2026, 5, 1, 8, 0, tzinfo=SHANGHAI))


@pytest.mark.parametrize(
    ("types", "attendees", "ok"),
    [([T.HEART_TO_HEART_TALK], 2, True), ([T.HEART_TO_HEART_TALK], 3, False), ([T.THEME_DAY], 30, True)],
)
def test_talk_is_pair(types, attendees, ok):
    """谈心谈话 is recorded as a pair."""
    assert rules.talk_is_pair(types, attendees) is ok


@pytest.mark.parametrize(
    ("statuses", "overall"),
    [
        ([GREEN, RED, YELLOW], RED),
        ([GREEN, YELLOW, NEUTRAL], YELLOW),
        ([GREEN, NEUTRAL], NEUTRAL),
        ([GREEN, GREEN], GREEN),
        ([NEUTRAL], NEUTRAL),
        ([], NEUTRAL),
    ],
)
def test_overall_status(statuses, overall):
    """Compliance ("Organisational life"): a branch is red if any required type is overdue, yellow if any is due
    soon, neutral while any is still open with time left, and green only when it has held everything required."""
    assert rules.overall_status(statuses) == overall


@pytest.mark.parametrize(
    ("meeting_type", "period", "count", "allowed"),
    [
        (MeetingType.COMMITTEE_MEETING, Period.MONTH, 1, True),
        (MeetingType.COMMITTEE_MEETING, Period.MONTH, 2, True),
        (MeetingType.COMMITTEE_MEETING, Period.MONTH, 0, False),
        (MeetingType.COMMITTEE_MEETING, Period.QUARTER, 3, False),
        (MeetingType.GENERAL_MEETING, Period.MONTH, 1, True),
        (MeetingType.GENERAL_MEETING, Period.QUARTER, 1, True),
        (MeetingType.GENERAL_MEETING, Period.YEAR, 4, False),
        (MeetingType.ORGANISATIONAL_LIFE_MEETING, Period.QUARTER, 1, True),
        (MeetingType.HEART_TO_HEART_TALK, Period.YEAR, 2, True),
        (MeetingType.MEMBER_APPRAISAL, Period.YEAR, 0, False),
        (MeetingType.PARTY_LECTURE, Period.YEAR, 1, True),
        (MeetingType.PARTY_LECTURE, Period.YEAR, 0, True),
        (MeetingType.PARTY_LECTURE, Period.MONTH, 1, True),
    ],
)
def test_requirement_allowed(meeting_type, period, count, allowed):
    """Configurable defaults ("Organisational life"): a national frequency may be raised for a subtree, never
    lowered or made less regular; 党课's quarterly count is a default and may be set freely."""
    assert rules.requirement_allowed(rules.Requirement(meeting_type, period, count)) is allowed


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2016, 12, 7), True),  # ten years back: a record entered late
        (date(2016, 12, 6), False),
        (date(2028, 12, 7), True),  # two years ahead: a plan
        (date(2028, 12, 8), False),
        (date(1, 1, 1), False),
        (date(202, 5, 1), False),  # "0202" typed for 2020
        (date(9999, 12, 31), False),
    ],
)
def test_meeting_dates_lie_from_ten_years_back_to_two_years_ahead(day, inside):
    """Meeting dates: a meeting is recorded up to ten years late and planned up to two years ahead."""
    today = date(2026, 12, 7)
    assert rules.MEETING_DATE_RANGES["starts_at"].contains(day, today) is inside
    assert rules.MEETING_DATE_RANGES["ends_at"].contains(day, today) is inside


@pytest.mark.parametrize(
    ("code", "allowed"),
    [("1921", True), ("2026-Q4", True), ("2028-12", True), ("2029-01", False), ("9999-11", False)],
)
def test_a_compliance_period_lies_between_1921_and_two_years_ahead(code, allowed):
    """A period asked about starts no earlier than 1921 and no later than a meeting can be planned."""
    assert rules.period_allowed(rules.parse_period(code), date(2026, 12, 7)) is allowed

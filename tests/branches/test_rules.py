"""Organisation structure rules (domain-rules.md, "Organisation structure")."""

from datetime import date, timedelta

import pytest

from branches import rules
from branches.models import Level
from branches.services import child_levels


@pytest.mark.parametrize(
    ("domain", "elected_on", "ends_on"),
    [
        # Term (换届): 5 years for 村 and 社区 branches ...
        ("rural", date(2021, 3, 1), date(2026, 3, 1)),
        ("community", date(2022, 7, 15), date(2027, 7, 15)),
        # ... 3 years for other branches.
        ("state_enterprise", date(2021, 3, 1), date(2024, 3, 1)),
        ("government", date(2023, 12, 31), date(2026, 12, 31)),
        ("university", date(2025, 1, 10), date(2028, 1, 10)),
        ("private_enterprise", date(2025, 1, 10), date(2028, 1, 10)),
        # An election on 29 February ends on 28 February of a common year.
        ("state_enterprise", date(2024, 2, 29), date(2027, 2, 28)),
        ("rural", date(2020, 2, 29), date(2025, 2, 28)),
    ],
)
def test_term_ends_on_follows_the_domain(domain, elected_on, ends_on):
    """Term (换届): 5 years for 村 and 社区 branches, 3 years for other branches."""
    assert rules.term_ends_on(domain, elected_on) == ends_on


@pytest.mark.parametrize(
    ("ends_on", "today", "state"),
    [
        (date(2026, 12, 31), date(2027, 1, 1), "overdue"),
        (date(2026, 12, 31), date(2028, 6, 1), "overdue"),
        (date(2026, 12, 31), date(2026, 12, 31), "due_soon"),
        (date(2026, 12, 31), date(2026, 10, 2), "due_soon"),  # 90 days before the end
        (date(2026, 12, 31), date(2026, 10, 1), "ok"),  # 91 days before the end
        (date(2026, 12, 31), date(2025, 1, 1), "ok"),
        (None, date(2026, 1, 1), "none"),
    ],
)
def test_term_state_warns_before_the_end_and_flags_overdue(ends_on, today, state):
    """Term (换届): the portal warns before a term ends (90 days) and flags an overdue 换届."""
    assert rules.term_state(ends_on, today) == state


@pytest.mark.parametrize(
    ("full_members", "members", "committee_size", "is_joint", "codes"),
    [
        # Forming a branch: at least 3 正式党员; fewer → 联合党支部.
        (2, 2, 1, False, ["too_few"]),
        (2, 4, 1, False, ["too_few"]),  # 预备党员 do not count towards the three
        (2, 2, 1, True, []),
        (3, 3, 1, False, []),
        # Committee: under 7 正式党员 a 书记 is enough, no 支委会.
        (6, 6, 0, False, []),
        (6, 6, 1, False, []),
        # 7 or more: a 支委会 of 3–5 members, at most 7.
        (7, 7, 0, False, ["no_committee"]),
        (7, 7, 1, False, ["committee_small"]),
        (7, 7, 2, False, ["committee_small"]),
        (7, 7, 3, False, []),
        (30, 30, 5, False, []),
        (30, 30, 7, False, []),
        (30, 30, 8, False, ["committee_large"]),
        # Branch size: normally at most 50 党员.
        (45, 50, 5, False, []),
        (45, 51, 5, False, ["too_many"]),
        (60, 60, 0, False, ["too_many", "no_committee"]),
    ],
)
def test_structure_problems(full_members, members, committee_size, is_joint, codes):
    """Forming a branch (at least 3 正式党员), branch size (at most 50) and committee (7+ need a 支委会 of 3–7)."""
    problems = rules.structure_problems(
        full_members=full_members, members=members, committee_size=committee_size, is_joint=is_joint
    )
    assert [p.code for p in problems] == codes
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p.message) for p in problems), "messages are in Chinese"


@pytest.mark.parametrize(
    ("parent", "allowed"),
    [
        (None, [Level.SUPERIOR_COMMITTEE, Level.PRIMARY_COMMITTEE, Level.GENERAL_BRANCH, Level.BRANCH]),
        (Level.SUPERIOR_COMMITTEE, [Level.PRIMARY_COMMITTEE, Level.GENERAL_BRANCH, Level.BRANCH]),
        (Level.PRIMARY_COMMITTEE, [Level.GENERAL_BRANCH, Level.BRANCH]),
        (Level.GENERAL_BRANCH, [Level.BRANCH]),
        (Level.BRANCH, [Level.PARTY_GROUP]),
        (Level.PARTY_GROUP, []),
    ],
)
def test_child_levels_sit_below_the_parent(parent, allowed):
    """Levels: 基层党委 → 党总支 → 党支部 → 党小组 (a higher 党委 may sit above); a 党小组 only inside a 党支部."""
    assert child_levels(parent) == allowed


# --- Date ranges ------------------------------------------------------------------------------------------------------

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("date_range", "bounds"),
    [
        (rules.DateRange(earliest=date(1921, 1, 1), years_ahead=0), (date(1921, 1, 1), TODAY)),
        (rules.DateRange(years_back=10, years_ahead=2), (date(2016, 12, 7), date(2028, 12, 7))),
        (rules.DateRange(years_back=1, latest=date(2030, 1, 1)), (date(2025, 12, 7), date(2030, 1, 1))),
    ],
)
def test_a_date_range_has_fixed_ends_or_ends_counted_from_today(date_range, bounds):
    """Each end of a range is a fixed date or a number of years before or after today, both ends included."""
    assert date_range.bounds(TODAY) == bounds
    earliest, latest = bounds
    assert date_range.contains(earliest, TODAY) and date_range.contains(latest, TODAY)
    assert not date_range.contains(earliest - timedelta(days=1), TODAY)
    assert not date_range.contains(latest + timedelta(days=1), TODAY)


def test_a_range_counted_from_29_february_ends_on_28_february():
    """Years from 29 February land on 28 February of a common year."""
    assert rules.DateRange(years_back=10, years_ahead=2).bounds(date(2024, 2, 29)) == (
        date(2014, 2, 28),
        date(2026, 2, 28),
    )


@pytest.mark.parametrize(
    "kwargs", [{}, {"earliest": date(1921, 1, 1)}, {"earliest": date(1921, 1, 1), "years_back": 3, "years_ahead": 0}]
)
def test_a_date_range_needs_one_definition_of_each_end(kwargs):
    """A range with an end missing, or defined twice, is a mistake in the rules, not a range."""
    with pytest.raises(ValueError, match="exactly one"):
        rules.DateRange(**kwargs)


@pytest.mark.parametrize(
    ("date_range", "day", "inside"),
    [
        # 成立日期: from the Party's founding in 1921 to today.
        (rules.FOUNDED_ON_RANGE, date(1921, 1, 1), True),
        (rules.FOUNDED_ON_RANGE, date(1920, 12, 31), False),
        (rules.FOUNDED_ON_RANGE, date(1, 1, 1), False),
        (rules.FOUNDED_ON_RANGE, TODAY, True),
        (rules.FOUNDED_ON_RANGE, date(2026, 12, 8), False),
        # 选举日期: an election is recorded once held.
        (rules.ELECTED_ON_RANGE, TODAY, True),
        (rules.ELECTED_ON_RANGE, date(2026, 12, 8), False),
        (rules.ELECTED_ON_RANGE, date(202, 1, 10), False),
        # 任期届满日期: the longest term (5 years) and a year's extension after today.
        (rules.TERM_ENDS_ON_RANGE, date(2032, 12, 7), True),
        (rules.TERM_ENDS_ON_RANGE, date(2032, 12, 8), False),
        # Reviewer appointments: appointed up to a year ahead, ending up to ten years ahead.
        (rules.APPOINTED_ON_RANGE, date(2027, 12, 7), True),
        (rules.APPOINTED_ON_RANGE, date(2027, 12, 8), False),
        (rules.APPOINTMENT_ENDS_ON_RANGE, date(2036, 12, 7), True),
        (rules.APPOINTMENT_ENDS_ON_RANGE, date(9999, 12, 31), False),
    ],
)
def test_organisation_dates_lie_in_their_ranges(date_range, day, inside):
    """Nothing of the Party is dated before 1921; founding and election dates are not in the future."""
    assert date_range.contains(day, TODAY) is inside


@pytest.mark.parametrize(
    ("full_members", "expected"),
    [(6, False), (7, True), (8, True), (0, False)],
)
def test_has_committee_from_seven_full_members(full_members, expected):
    """Committee (支部工作条例 §9): 7 or more 正式党员 have a 支委会; 6 have a 书记 and no 支委会."""
    assert rules.has_committee(full_members) is expected


@pytest.mark.parametrize(
    ("full_since", "expected"),
    [
        ([date(2026, 1, d) for d in range(1, 7)], None),  # six: no committee
        ([date(2026, 1, d) for d in range(1, 8)], date(2026, 1, 7)),  # the day the seventh became one
        ([date(2026, 1, d) for d in range(8, 0, -1)], date(2026, 1, 7)),  # order does not matter
    ],
)
def test_committee_since_the_seventh_full_member(full_since, expected):
    """Committee: a branch has had a 支委会 since the day its 7th 正式党员 was made one."""
    assert rules.committee_since(full_since) == expected


@pytest.mark.parametrize(
    ("full_members", "posts", "codes"),
    [
        (6, ["secretary"], []),
        (6, ["secretary", "deputy_secretary"], []),
        (6, ["secretary", "organisation_officer"], ["posts_without_committee"]),
        (7, ["secretary", "deputy_secretary", "organisation_officer"], []),
    ],
)
def test_posts_beyond_secretary_without_a_committee(full_members, posts, codes):
    """Committee: under 7 正式党员 a branch has a 书记 (and a 副书记) but no 支委会; other posts get a warning."""
    problems = rules.structure_problems(
        full_members=full_members, members=full_members, committee_size=len(posts), is_joint=False, posts=posts
    )
    assert [p.code for p in problems] == codes

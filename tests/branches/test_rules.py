"""Organisation structure rules (domain-rules.md, "Organisation structure")."""

from datetime import date

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

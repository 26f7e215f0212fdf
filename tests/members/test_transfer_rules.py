"""The rules of 组织关系转接 and 流动党员 (members.rules), table-driven at their edges, each citing its rule."""

from datetime import date

import pytest

from members import rules


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("applicant", False),
        ("activist", False),
        ("candidate", False),
        ("probationary", True),
        ("full", True),
        ("left", False),
        ("suspended", False),
        ("transferred_out", False),
    ],
)
def test_transferable_status(status, expected):
    """组织关系转接 is for Party members: 预备党员 and 正式党员 (党章 Article 8)."""
    assert rules.transferable_status(status) is expected


@pytest.mark.parametrize(
    ("from_id", "to_id", "to_level", "expected"),
    [
        (1, 2, "branch", True),
        (1, 1, "branch", False),  # to one's own branch
        (1, None, None, False),
        (1, 3, "party_group", False),  # members are kept by branches, not by a 党小组
        (1, 4, "primary_committee", False),
        (1, 5, "general_branch", False),
    ],
)
def test_transfer_target_valid(from_id, to_id, to_level, expected):
    """A transfer inside the portal goes to another 党支部, never to the member's own branch."""
    assert rules.transfer_target_valid(from_id, to_id, to_level) is expected


@pytest.mark.parametrize(("days", "expected"), [(0, False), (1, True), (30, True), (90, True), (91, False)])
def test_letter_valid_days_ok(days, expected):
    """介绍信有效期 (default): 1 to 90 days."""
    assert rules.letter_valid_days_ok(days) is expected


@pytest.mark.parametrize(
    ("issued", "days", "until"),
    [
        (date(2026, 5, 1), 1, date(2026, 5, 1)),  # valid on its day of issue only
        (date(2026, 5, 1), 30, date(2026, 5, 30)),
        (date(2026, 2, 1), 30, date(2026, 3, 2)),
        (date(2026, 12, 15), 30, date(2027, 1, 13)),
    ],
)
def test_letter_valid_until(issued, days, until):
    """The issue day counts as the first of the letter's valid days."""
    assert rules.letter_valid_until(issued, days) == until


@pytest.mark.parametrize(
    ("started", "decided", "expected"),
    [
        (date(2026, 5, 10), date(2026, 5, 9), False),  # the day before: refused
        (date(2026, 5, 10), date(2026, 5, 10), True),  # the same day
        (date(2026, 5, 10), date(2026, 5, 11), True),  # the day after
    ],
)
def test_decided_in_order(started, decided, expected):
    """A transfer is accepted, returned or closed on or after the day it was started."""
    assert rules.decided_in_order(started, decided) is expected


@pytest.mark.parametrize(
    ("started", "today", "expected"),
    [
        (date(2026, 5, 1), date(2026, 5, 7), False),  # day 6: the day before
        (date(2026, 5, 1), date(2026, 5, 8), True),  # day 7: the day of
        (date(2026, 5, 1), date(2026, 5, 9), True),  # the day after
    ],
)
def test_transfer_reminder_due(started, today, expected):
    """(default) A transfer waiting 7 days reminds the receiving branch."""
    assert rules.transfer_reminder_due(started, today) is expected


@pytest.mark.parametrize(
    ("since", "today", "expected"),
    [
        (None, date(2026, 5, 1), False),
        (date(2025, 11, 15), date(2026, 5, 14), False),  # the day before six months
        (date(2025, 11, 15), date(2026, 5, 15), True),  # the day six months are complete
        (date(2025, 11, 15), date(2026, 5, 16), True),
        (date(2025, 8, 31), date(2026, 2, 28), False),  # no 31 February: still short of six months
        (date(2025, 8, 31), date(2026, 3, 1), True),
    ],
)
def test_away_long_enough_to_transfer(since, today, expected):
    """流动党员 (中组部《关于加强和改进流动党员管理工作的意见》): away 6 months or more, the member should transfer."""
    assert rules.away_long_enough_to_transfer(since, today) is expected

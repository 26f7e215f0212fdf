"""The rules of 民主评议党员 and 支部考核 (domain-rules.md, evaluations/rules.py), at their edges."""

import pytest

from evaluations import rules
from evaluations.models import Grade, Step


@pytest.mark.parametrize(
    ("members", "share", "cap"),
    [
        (0, (1, 3), 0),
        (2, (1, 3), 0),
        (3, (1, 3), 1),  # exactly one third
        (5, (1, 3), 1),
        (6, (1, 3), 2),
        (50, (1, 3), 16),
        (10, (1, 4), 2),  # a committee's own share
        (10, (0, 3), 0),
        (10, (1, 0), 0),
    ],
)
def test_excellent_cap(members, share, cap):
    """优秀 is normally at most one third of the branch's members (default, configurable): members × share, rounded
    down."""
    assert rules.excellent_cap(members, share) == cap


@pytest.mark.parametrize(
    ("numerator", "denominator", "valid"),
    [(1, 3, True), (0, 3, True), (3, 3, True), (4, 3, False), (1, 0, False), (1, 101, False), (1, 100, True)],
)
def test_share_valid(numerator, denominator, valid):
    """A configured 优秀 share is a fraction from 0 to 1."""
    assert rules.share_valid(numerator, denominator) is valid


@pytest.mark.parametrize(
    ("expected", "voted", "met"),
    [(0, 0, False), (1, 0, False), (1, 1, True), (4, 2, False), (4, 3, True), (5, 2, False), (5, 3, True)],
)
def test_ballot_quorum(expected, voted, met):
    """民主测评: more than half of the members with a vote must have voted (预备党员 have no vote)."""
    assert rules.ballot_quorum_met(expected, voted) is met


@pytest.mark.parametrize(
    ("marks", "problem"),
    [
        ({2: "qualified", 3: "excellent"}, None),
        ({1: "qualified", 2: "qualified", 3: "qualified"}, "self"),
        ({2: "qualified"}, "incomplete"),
        ({2: "qualified", 3: "qualified", 4: "qualified"}, "incomplete"),
        ({2: "qualified", 3: "best"}, "grade"),
    ],
)
def test_ballot_complete(marks, problem):
    """Each voter rates every other member once with one of the four grades, and never themself."""
    assert rules.ballot_complete([1, 2, 3], 1, marks) == problem


@pytest.mark.parametrize(
    ("grades", "reasons", "cap", "problem"),
    [
        ({1: Grade.EXCELLENT, 2: Grade.QUALIFIED}, {}, 1, None),
        ({1: Grade.EXCELLENT, 2: Grade.EXCELLENT}, {}, 1, "cap"),  # one over the cap
        ({1: Grade.EXCELLENT, 2: Grade.EXCELLENT}, {}, 2, None),  # at the cap
        ({1: Grade.UNQUALIFIED}, {1: "  "}, 1, "reason"),
        ({1: Grade.UNQUALIFIED}, {1: "长期不参加组织生活"}, 1, None),
    ],
)
def test_grades_problem(grades, reasons, cap, problem):
    """Final grades: 优秀 within the cap; a 不合格 grade needs a recorded reason."""
    assert rules.grades_problem(grades, reasons, cap) == problem


def test_steps_in_order():
    """民主评议党员's order: 学习 → 自评 → 互评 → 民主测评 → 组织评定 → 党员大会确认 → 反馈."""
    assert rules.next_step(Step.STUDY) == Step.SELF_ASSESSMENT
    assert rules.next_step(Step.BALLOT) == Step.PROPOSAL
    assert rules.next_step(Step.CONFIRMATION) == Step.FEEDBACK
    assert rules.next_step(Step.FINISHED) is None
    assert rules.step_reached(Step.PROPOSAL, Step.BALLOT) and not rules.step_reached(Step.STUDY, Step.BALLOT)


@pytest.mark.parametrize(
    ("weights", "valid"),
    [([50, 50], True), ([100], True), ([50, 49], False), ([50, 51], False), ([], False), ([100, 0], False)],
)
def test_weights_valid(weights, valid):
    """支部考核: a scheme's weights are positive and add up to exactly 100."""
    assert rules.weights_valid(weights) is valid


BANDS = [(90, "五星"), (80, "四星"), (70, "三星"), (60, "二星"), (0, "一星")]


@pytest.mark.parametrize(
    ("total", "band"),
    [(100, "五星"), (90, "五星"), (89.9, "四星"), (80, "四星"), (60, "二星"), (59.9, "一星"), (0, "一星")],
)
def test_band_for(total, band):
    """A score falls in the highest band whose lowest score it reaches (the day before/of/after of a band)."""
    assert rules.band_for(total, BANDS) == band


@pytest.mark.parametrize(
    ("bands", "valid"),
    [
        (BANDS, True),
        ([(60, "好"), (0, "差")], True),
        ([(0, "差")], False),  # one band
        ([(60, "好"), (10, "差")], False),  # the last must start from 0
        ([(60, "好"), (60, "较好"), (0, "差")], False),  # not falling
        ([(101, "好"), (0, "差")], False),
        ([(60, " "), (0, "差")], False),
    ],
)
def test_bands_valid(bands, valid):
    """Grade bands: at least two, strictly falling lowest scores, the last from 0."""
    assert rules.bands_valid(bands) is valid


def test_weighted_total_and_what_would_raise():
    """The score is value × weight / 100 summed; an indicator without a figure neither adds nor costs points."""
    parts = [rules.Part("a", 100, 40), rules.Part("b", 50, 40), rules.Part("c", None, 20)]
    assert rules.weighted_total(parts) == 75.0  # (40 + 20) out of the 80 points with figures
    assert [p.kind for p in rules.what_would_raise(parts)] == ["b"]
    assert rules.weighted_total([rules.Part("a", None, 100)]) == 0.0


@pytest.mark.parametrize(("days", "value"), [(None, 0), (0, 100), (30, 100), (31, 98.3), (60, 50), (90, 0), (400, 0)])
def test_days_silent_score(days, value):
    """静默支部: no activity for more than 30 days loses points, none at all after 90."""
    assert rules.days_silent_score(days) == value

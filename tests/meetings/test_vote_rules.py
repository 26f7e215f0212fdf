"""The outcome of a vote at a 支部党员大会 (domain-rules "Quorum" and "Admission"): the meeting needs its quorum
(more than half of the voting members present, at least four fifths for an election) and more than half of those
entitled to vote must be in favour."""

import pytest

from meetings import rules


@pytest.mark.parametrize(
    ("entitled", "needed"),
    [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (9, 5), (10, 6)],
)
def test_votes_to_pass_are_more_than_half_of_those_entitled(entitled, needed):
    """More than half of those entitled to vote: half exactly is not enough."""
    assert rules.votes_to_pass(entitled) == needed


@pytest.mark.parametrize(
    ("entitled", "present", "in_favour", "election", "passed"),
    [
        # 10 entitled: 6 in favour carry it, 5 (half) do not — whatever the number present.
        (10, 10, 6, False, True),
        (10, 10, 5, False, False),
        (10, 7, 6, False, True),  # a majority of those entitled, though only 7 came
        (10, 6, 6, False, True),  # the fewest present for the quorum (more than half), all in favour
        (10, 5, 5, False, False),  # half present: no quorum
        # An election needs four fifths present: 8 of 10.
        (10, 8, 6, True, True),
        (10, 7, 7, True, False),  # the day before the threshold: 7 of 10 present
        (10, 8, 5, True, False),  # quorum, but not more than half in favour
        # 5 entitled: four fifths is exactly 4.
        (5, 4, 3, True, True),
        (5, 3, 3, True, False),
        # Nobody entitled: nothing can pass.
        (0, 0, 0, False, False),
    ],
)
def test_vote_passed(entitled, present, in_favour, election, passed):
    """Quorum and majority: more than half of those entitled to vote in favour, at a meeting with its quorum
    (four fifths present for an election)."""
    assert (
        rules.vote_passed(voting_entitled=entitled, voting_present=present, in_favour=in_favour, election=election)
        is passed
    )


@pytest.mark.parametrize(
    ("entitled", "present", "in_favour"),
    [(5, 6, 3), (5, 4, 5), (-1, 0, 0), (5, 3, -1)],
)
def test_impossible_vote_figures_are_refused(entitled, present, in_favour):
    """More present than entitled, more in favour than present, or a negative figure is an error, not an outcome."""
    with pytest.raises(ValueError):
        rules.vote_passed(voting_entitled=entitled, voting_present=present, in_favour=in_favour)


@pytest.mark.parametrize(("entitled", "needed"), [(4, 4), (5, 4), (6, 5), (10, 8), (11, 9)])
def test_the_election_quorum_is_the_one_quorum_rule(entitled, needed):
    """Four fifths present for an election is `quorum_needed`'s figure: the vote outcome uses the same rule."""
    assert rules.quorum_needed("general_meeting", entitled, election=True) == needed
    assert rules.vote_passed(voting_entitled=entitled, voting_present=needed, in_favour=needed, election=True)
    assert not rules.vote_passed(
        voting_entitled=entitled, voting_present=needed - 1, in_favour=needed - 1, election=True
    )

"""Recording the steps of a person's path (development.services.step_record): refusals name their rule and change
nothing; a late step is kept; a vote links to a finalised 支部党员大会 record; the member record follows the path."""

from datetime import date

import pytest

from branches.errors import DomainError, NotPermitted
from development import services
from development.models import Path, Step
from members.access import scope_for
from members.models import Member, Status
from tests.development.helpers import CANDIDATE_STEPS, VOTE_DAY, candidate, general_meeting, record, voters
from tests.factories import MemberFactory
from tests.fingerprint import fingerprint

pytestmark = pytest.mark.django_db


def test_admission_vote_then_approval_makes_a_probationary_member(world):
    """细则第二十二、二十六条: the 支部党员大会 votes at a finalised record (those entitled and present from its roll),
    the superior approves; the same record becomes a 预备党员 with 入党日期 the day of the vote."""
    voters(world.branch_a, 4)  # 6 正式党员 with the secretary and member A
    person = candidate(world.branch_a)
    meeting = general_meeting(world.branch_a, present=5)
    vote = record(person, "admission_vote", None, meeting=meeting, votes=(4, 1, 0))
    assert (vote.done_on, vote.voting_entitled, vote.voting_present, vote.passed) == (VOTE_DAY, 6, 5, True)
    record(person, "admission_approval", date(2026, 8, 15), actor="第一基层党委")
    person.refresh_from_db()
    assert (person.status, person.joined_on) == (Status.PROBATIONARY, VOTE_DAY)
    assert person.history.count() >= 2  # the record keeps its whole history
    path = Path.objects.get(member=person)
    assert (path.next_step, path.next_earliest) == ("probation_review", date(2026, 8, 15))


def test_a_vote_not_carried_is_kept_and_the_person_stays(world):
    """More than half of those entitled must be in favour (meetings.rules.vote_passed): 3 of 6 is not enough."""
    voters(world.branch_a, 4)
    person = candidate(world.branch_a)
    vote = record(person, "admission_vote", None, meeting=general_meeting(world.branch_a), votes=(3, 2, 1))
    assert vote.passed is False
    person.refresh_from_db()
    assert person.status == Status.CANDIDATE
    assert Path.objects.get(member=person).next_step == "admission_vote"


@pytest.mark.parametrize(
    ("present", "votes", "message"),
    [
        (3, (3, 0, 0), "未达到法定人数"),  # 3 of 6: not more than half present
        (5, (4, 1, 1), "超过到会有表决权的正式党员人数"),  # 6 votes from 5 voters
    ],
)
def test_a_vote_without_quorum_or_with_more_votes_than_voters_is_refused(world, present, votes, message):
    """A vote without quorum, or with more votes than voters present, is refused with the rule named; nothing
    changes."""
    voters(world.branch_a, 4)
    person = candidate(world.branch_a)
    meeting = general_meeting(world.branch_a, present=present)
    before = fingerprint()
    with pytest.raises(DomainError, match=message):
        record(person, "admission_vote", None, meeting=meeting, votes=votes)
    assert fingerprint() == before


def test_a_vote_needs_a_finalised_general_meeting_of_the_branch(world):
    """Only a finalised 支部党员大会 record of the person's own branch can carry the vote."""
    voters(world.branch_a, 4)
    person = candidate(world.branch_a)
    draft = general_meeting(world.branch_a, status="held")
    other = general_meeting(world.branch_b)
    for meeting in (draft, other, None):
        with pytest.raises(DomainError, match="已归档的支部党员大会"):
            record(person, "admission_vote", None, meeting=meeting, votes=(5, 0, 0))


def test_the_vote_before_the_notice_ends_is_refused(world):
    """细则第十九条: the vote follows the 5 working days of the public notice (posted Monday 1 June 2026)."""
    voters(world.branch_a, 4)
    person = candidate(world.branch_a)
    early = general_meeting(world.branch_a, day=date(2026, 6, 5))
    with pytest.raises(DomainError, match="公示期"):
        record(person, "admission_vote", None, meeting=early, votes=(5, 0, 0))


def test_candidate_before_a_year_is_refused_with_the_rule(world):
    """细则第十三条: 发展对象 at least a year after 积极分子; the message names the rule and the earliest date."""
    sponsors = voters(world.branch_a, 2)
    steps = {"talk": date(2026, 1, 5), "activist": date(2026, 2, 1)}
    person = candidate(world.branch_a, steps=steps, status=Status.ACTIVIST)
    with pytest.raises(DomainError, match="第十三条.*2027年2月1日"):
        record(person, "candidate", date(2026, 12, 1), people=sponsors)


def test_a_late_approval_is_kept_and_shown_late(world):
    """细则第二十六条: an approval more than three months after the vote is recorded, marked late."""
    voters(world.branch_a, 4)
    person = candidate(world.branch_a)
    record(person, "admission_vote", None, meeting=general_meeting(world.branch_a), votes=(6, 0, 0))
    approval = record(person, "admission_approval", date(2026, 10, 2))
    assert approval.is_late and approval.deadline == date(2026, 10, 1)


def test_activist_needs_one_or_two_full_members_as_mentors(world):
    """细则第九条: 1–2 正式党员 of the branch as 培养联系人; a 预备党员 or an outsider is refused."""
    person = MemberFactory(
        organisation=world.branch_a, status=Status.APPLICANT, applied_on=date(2026, 9, 1), joined_on=None,
        confirmed_on=None, birth_date=date(1999, 1, 1),
    )  # fmt: skip
    record(person, "talk", date(2026, 9, 20))
    with pytest.raises(DomainError, match="培养联系人"):
        record(person, "activist", date(2026, 10, 1))
    with pytest.raises(DomainError, match="本支部的正式党员"):
        record(person, "activist", date(2026, 10, 1), people=[world.member_b])
    step = record(person, "activist", date(2026, 10, 1), people=[world.member_a])
    person.refresh_from_db()
    assert person.status == Status.ACTIVIST and list(step.people.all()) == [world.member_a]


def test_a_future_date_or_a_date_out_of_order_is_refused(world):
    """Every step's date lies between the Party's founding and today, and after the step it follows."""
    person = candidate(world.branch_a)
    with pytest.raises(DomainError, match="不能晚于今天"):
        record(person, "talk", date(2030, 1, 1))
    with pytest.raises(DomainError, match="已完成"):
        record(person, "talk", date(2025, 1, 21))
    assert Step.objects.filter(member=person).count() == len(CANDIDATE_STEPS)


def test_extension_once_and_confirmation_after_it(world):
    """细则第三十三条: the 预备期 extended once by 6 months moves the 转正 vote; the approval makes a 正式党员 with
    转正日期 the end of the extended 预备期."""
    voters(world.branch_a, 4)
    person = candidate(world.branch_a)
    Step.objects.create(member=person, kind="admission_vote", done_on=date(2025, 3, 1), passed=True)
    Step.objects.create(member=person, kind="admission_approval", done_on=date(2025, 4, 1))
    Member.objects.filter(pk=person.pk).update(status=Status.PROBATIONARY, joined_on=date(2025, 3, 1))
    person.refresh_from_db()
    with pytest.raises(DomainError, match="半年至一年"):
        record(person, "extension", date(2026, 3, 5), extension_months=3)
    record(person, "extension", date(2026, 3, 5), extension_months=6)
    with pytest.raises(DomainError, match="只能延长一次"):
        record(person, "extension", date(2026, 9, 5), extension_months=6)
    with pytest.raises(DomainError, match="预备期至2026年9月1日"):
        record(person, "confirmation_vote", None, meeting=general_meeting(world.branch_a, day=date(2026, 8, 20)),
               votes=(6, 0, 0))  # fmt: skip
    record(person, "confirmation_vote", None, meeting=general_meeting(world.branch_a, day=date(2026, 9, 10)),
           votes=(6, 0, 0))  # fmt: skip
    record(person, "confirmation_approval", date(2026, 10, 1))
    person.refresh_from_db()
    assert (person.status, person.confirmed_on) == (Status.FULL, date(2026, 9, 1))
    assert Path.objects.get(member=person).next_step == ""


def test_only_the_branch_managers_record_a_step(world):
    """The secretary of another branch and a reviewer are refused (NotPermitted: the pages answer 404)."""
    person = candidate(world.branch_a)
    for user in (world.secretary_b, world.reviewer, world.member_user):
        with pytest.raises(NotPermitted):
            services.step_record(member=person, kind="talk", done_on=date(2025, 1, 20), by=scope_for(user))


def test_a_new_applicant_gets_a_path_through_the_member_hooks(world):
    """A record created with 入党申请人 status (the roster's form) gets its next step — the talk within a month —
    without any typing on the development pages."""
    from tests.factories import create_member

    person = create_member(
        world.branch_a, name="申请人乙", status=Status.APPLICANT, birth_date=date(2000, 2, 2),
        applied_on=date(2026, 11, 20), joined_on=None, confirmed_on=None,
    )  # fmt: skip
    path = Path.objects.get(member=person)
    assert (path.next_step, path.next_deadline) == ("talk", date(2026, 12, 20))

"""The services of 民主评议党员: steps, the anonymous ballot, quorum, the 优秀 cap, confirmation, follow-up; and bad
input refused with a clear message and nothing changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from branches.errors import DomainError, NotPermitted
from evaluations import selectors, services
from evaluations.models import AppraisalResult, AppraisalSetting, BallotMark, BallotVoter, Grade, Step
from members.access import SYSTEM, scope_for
from members.models import Member
from notifications.models import Notice, NoticeKind
from tests.evaluations.helpers import (
    add_members,
    finalised_general_meeting,
    marks_for,
    member_scope,
    open_at,
    to_proposal,
    vote_all,
)
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def test_open_once_per_year_by_the_branch_managers(world):
    """A branch's managers open the year's appraisal once; another branch's secretary is refused."""
    year = timezone.localdate().year
    with pytest.raises(NotPermitted):
        services.appraisal_open(organisation=world.branch_a, year=year, by=scope_for(world.secretary_b))
    appraisal = services.appraisal_open(organisation=world.branch_a, year=year, by=scope_for(world.secretary_a))
    assert appraisal.step == Step.STUDY and appraisal.step_dates == {"study": timezone.localdate().isoformat()}
    with pytest.raises(DomainError, match="已经启动"):
        services.appraisal_open(organisation=world.branch_a, year=year, by=scope_for(world.secretary_a))


def test_ballot_counts_those_with_a_vote_and_notices_them(world):
    """Opening the ballot fixes the number with a vote (not 预备党员) and tells each of them, once."""
    appraisal = open_at(world, Step.BALLOT)
    assert appraisal.voters_expected == 2  # 张书记 and 王党员; 预备党员甲 has no vote
    ballot_notices = Notice.objects.filter(kind=NoticeKind.APPRAISAL_BALLOT)
    assert set(ballot_notices.values_list("member_id", flat=True)) == {world.member_a.pk, world.secretary_a_member.pk}
    assert Notice.objects.filter(kind=NoticeKind.APPRAISAL_SELF_ASSESSMENT).count() == 3


def test_self_assessment_only_while_open_and_own(world):
    """A member writes their own self-assessment during self- and mutual assessment, not before."""
    appraisal = open_at(world, Step.STUDY)
    with pytest.raises(DomainError):
        services.self_assessment_save(appraisal=appraisal, text="总结", by=scope_for(world.member_user))
    appraisal = services.appraisal_advance(appraisal=appraisal, by=SYSTEM)
    services.self_assessment_save(appraisal=appraisal, text="总结", by=scope_for(world.member_user))
    services.self_assessment_save(appraisal=appraisal, text="修改后", by=scope_for(world.member_user))
    assert selectors.self_assessment_of(appraisal, world.member_a.pk).text == "修改后"
    with pytest.raises(NotPermitted):
        services.self_assessment_save(appraisal=appraisal, text="x", by=scope_for(world.secretary_b))


def _unchanged(appraisal):
    return (
        BallotVoter.objects.filter(appraisal=appraisal).count(),
        BallotMark.objects.filter(appraisal=appraisal).count(),
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("twice", "只能投一次"),
        ("self", "不能评价自己"),
        ("incomplete", "每名党员"),
        ("probationary", "没有表决权"),
        ("outsider", "不是本支部党员"),
        ("closed", "未开放"),
    ],
)
def test_bad_ballots_are_refused_and_change_nothing(world, case, message):
    """Voting twice, rating oneself, leaving someone out, a 预备党员's ballot, one from outside the branch, or a
    ballot after closing: a clear message, nothing written."""
    appraisal = open_at(world, Step.BALLOT)
    voter = world.member_a
    marks = marks_for(world, voter)
    by = member_scope(voter)
    if case == "twice":
        services.ballot_cast(appraisal=appraisal, marks=marks, by=by)
    elif case == "self":
        marks[voter.pk] = Grade.EXCELLENT
    elif case == "incomplete":
        marks.popitem()
    elif case == "probationary":
        voter = Member.objects.get(name="预备党员甲")
        marks, by = marks_for(world, voter), member_scope(voter)
    elif case == "outsider":
        by = member_scope(world.member_b)
    elif case == "closed":
        extra = add_members(world)[0]
        appraisal.voters_expected = 1
        appraisal.save()
        services.ballot_cast(appraisal=appraisal, marks=marks_for(world, extra), by=member_scope(extra))
        services.ballot_close(appraisal=appraisal, by=SYSTEM)
    before = _unchanged(appraisal)
    with pytest.raises(DomainError, match=message):
        services.ballot_cast(appraisal=appraisal, marks=marks, by=by)
    assert _unchanged(appraisal) == before


def test_close_below_quorum_is_refused_then_the_tally_shows(world):
    """Until the ballot closes the secretary sees only turnout; closing needs more than half of those with a vote."""
    add_members(world)
    appraisal = open_at(world, Step.BALLOT)
    assert appraisal.voters_expected == 4
    vote_all(world, appraisal, [world.member_a, world.secretary_a_member])
    assert selectors.tally(appraisal) is None
    with pytest.raises(DomainError, match="至少 3 人"):
        services.ballot_close(appraisal=appraisal, by=scope_for(world.secretary_a))
    vote_all(world, appraisal, [Member.objects.get(name="陈党员")])
    appraisal = services.ballot_close(appraisal=appraisal, by=scope_for(world.secretary_a))
    rows = {row.member.name: row for row in selectors.tally(appraisal)}
    assert rows["王党员"].ballots == {"qualified": 2} and rows["预备党员甲"].ballots == {"qualified": 3}


def test_grades_within_the_cap_and_a_reason_for_unqualified(world):
    """优秀 over the cap, or 不合格 without a reason: refused, nothing stored; a committee's share applies below it."""
    appraisal = to_proposal(world)
    members = list(selectors.rated_members(world.branch_a))
    assert selectors.excellent_cap_for(appraisal) == 1  # 5 members, one third
    grades = {m.pk: (Grade.QUALIFIED, "") for m in members}
    too_many = {**grades, members[0].pk: (Grade.EXCELLENT, ""), members[1].pk: (Grade.EXCELLENT, "")}
    with pytest.raises(DomainError, match="不能超过 1 名"):
        services.grades_set(appraisal=appraisal, grades=too_many, by=scope_for(world.secretary_a))
    with pytest.raises(DomainError, match="理由"):
        services.grades_set(appraisal=appraisal, grades={**grades, members[2].pk: (Grade.UNQUALIFIED, " ")}, by=SYSTEM)
    assert not AppraisalResult.objects.exists()
    AppraisalSetting.objects.create(organisation=world.p1, excellent_numerator=2, excellent_denominator=5)
    assert selectors.excellent_cap_for(appraisal) == 2
    services.grades_set(appraisal=appraisal, grades=too_many, by=SYSTEM)
    assert AppraisalResult.objects.filter(grade=Grade.EXCELLENT).count() == 2


def test_confirmation_needs_a_finalised_general_meeting_of_the_branch(world):
    """The 支部党员大会's confirmation links a finalised general meeting record of that branch; feedback follows and
    each member is told of their result once the appraisal finishes; a 不合格 grade gets its follow-up."""
    appraisal = to_proposal(world)
    members = list(selectors.rated_members(world.branch_a))
    grades = {m.pk: (Grade.QUALIFIED, "") for m in members}
    grades[members[0].pk] = (Grade.UNQUALIFIED, "长期不参加组织生活")
    services.grades_set(appraisal=appraisal, grades=grades, by=SYSTEM)
    appraisal = services.appraisal_advance(appraisal=appraisal, by=SYSTEM)
    with pytest.raises(DomainError):
        services.appraisal_advance(appraisal=appraisal, by=SYSTEM)
    draft = make_meeting(world.branch_a, ["general_meeting"], status="held")
    other = make_meeting(world.branch_b, ["general_meeting"])
    theme = make_meeting(world.branch_a, ["theme_day"])
    for wrong in (draft, other, theme):
        with pytest.raises(DomainError, match="支部党员大会"):
            services.appraisal_confirm(appraisal=appraisal, meeting=wrong, by=SYSTEM)
    appraisal = services.appraisal_confirm(appraisal=appraisal, meeting=finalised_general_meeting(world), by=SYSTEM)
    assert appraisal.step == Step.FEEDBACK
    result = AppraisalResult.objects.get(member=members[0])
    services.feedback_set(result=result, feedback="限期改正", by=scope_for(world.secretary_a))
    with pytest.raises(DomainError):
        services.follow_up_save(
            result=result, education="谈话", deadline=timezone.localdate() + timedelta(days=4000), by=SYSTEM
        )
    services.follow_up_save(
        result=result, education="谈话", deadline=timezone.localdate() + timedelta(days=90), by=SYSTEM
    )
    ok = AppraisalResult.objects.exclude(pk=result.pk).first()
    with pytest.raises(DomainError):
        services.follow_up_save(result=ok, education="x", deadline=timezone.localdate(), by=SYSTEM)
    services.appraisal_advance(appraisal=appraisal, by=SYSTEM)
    assert Notice.objects.filter(kind=NoticeKind.APPRAISAL_FEEDBACK).count() == len(members)
    assert list(selectors.own_results(members[0].pk))[0].feedback == "限期改正"
    distribution = selectors.distribution(world.root, appraisal.year)
    assert distribution.counts == {"unqualified": 1, "qualified": len(members) - 1}

"""An appraisal in the test world's branch A: 张书记 (secretary A), 王党员 (member A) and two more 正式党员 vote;
预备党员甲 is rated but has no vote."""

from datetime import timedelta

from django.utils import timezone

from evaluations import services
from evaluations.models import Appraisal, Step
from members.access import SYSTEM, Scope, scope_for
from tests.factories import MemberFactory, make_meeting


def add_members(world) -> list:
    return [MemberFactory(name=name, organisation=world.branch_a) for name in ("陈党员", "刘党员")]


def open_at(world, step: str, *, year: int | None = None) -> Appraisal:
    """Open branch A's appraisal and advance it (as SYSTEM) to `step`."""
    year = year or timezone.localdate().year
    appraisal = services.appraisal_open(organisation=world.branch_a, year=year, by=SYSTEM)
    while appraisal.step != step:
        appraisal = services.appraisal_advance(appraisal=appraisal, by=SYSTEM)
    return appraisal


def marks_for(world, voter, grade: str = "qualified") -> dict[int, str]:
    from evaluations.selectors import rated_members

    return {m.pk: grade for m in rated_members(world.branch_a) if m.pk != voter.pk}


def member_scope(member) -> Scope:
    """A scope for a member without a login (as the login would give)."""
    return Scope(
        user_id=10_000 + member.pk,
        member_id=member.pk,
        member_branch_id=member.organisation_id,
        member_branch_path=member.organisation.path,
    )


def vote_all(world, appraisal, voters) -> None:
    for voter in voters:
        services.ballot_cast(appraisal=appraisal, marks=marks_for(world, voter), by=member_scope(voter))


def finalised_general_meeting(world):
    return make_meeting(world.branch_a, ["general_meeting"], starts_at=timezone.now() - timedelta(hours=2))


def to_proposal(world) -> Appraisal:
    extra = add_members(world)
    appraisal = open_at(world, Step.BALLOT)
    vote_all(world, appraisal, [world.member_a, world.secretary_a_member, *extra])
    services.ballot_close(appraisal=appraisal, by=scope_for(world.secretary_a))
    return services.appraisal_advance(appraisal=appraisal, by=SYSTEM)

"""Committee elections (换届): who may hold which post, the term's length, and who may record one."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from branches.errors import DomainError, NotPermitted
from branches.models import CommitteeTerm, Domain, Level
from members import services
from members.access import SYSTEM, scope_for
from members.models import CommitteePost, Post, Status
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


# --- committee_term_start ------------------------------------------------------------------------------------------


def _full_members(branch, count: int) -> list:
    return [MemberFactory(organisation=branch, name=f"委员{i}") for i in range(count)]


def test_new_term_replaces_the_current_one(world):
    """换届: the previous term stops being current; the new term ends 3 years later for a 国有企业 branch."""
    old = CommitteeTerm.objects.get(organisation=world.branch_a, is_current=True)
    deputy, officer = _full_members(world.branch_a, 2)
    elected = date(2026, 1, 15)
    term = services.committee_term_start(
        organisation=world.branch_a,
        elected_on=elected,
        posts=[
            (world.secretary_a_member, Post.SECRETARY),
            (deputy, Post.DEPUTY_SECRETARY),
            (officer, Post.ORGANISATION_OFFICER),
        ],
        by=SYSTEM,
    )
    old.refresh_from_db()
    assert not old.is_current
    assert term.is_current
    assert term.term_ends_on == date(2029, 1, 15)
    assert sorted(term.posts.values_list("post", flat=True)) == sorted(
        [Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.ORGANISATION_OFFICER]
    )
    assert CommitteeTerm.objects.filter(organisation=world.branch_a, is_current=True).count() == 1


def test_term_of_a_rural_branch_is_five_years(world):
    """Term (换届): 5 years for 村 and 社区 branches."""
    village = make_org(world.p1, level=Level.BRANCH, domain=Domain.RURAL)
    secretary = MemberFactory(organisation=village)
    term = services.committee_term_start(
        organisation=village, elected_on=date(2024, 6, 1), posts=[(secretary, Post.SECRETARY)], by=SYSTEM
    )
    assert term.term_ends_on == date(2029, 6, 1)


def test_rights_follow_the_new_term(world):
    """A secretary left out of the new committee no longer manages the branch; the new secretary does."""
    successor_user = world.member_user
    services.committee_term_start(
        organisation=world.branch_a, elected_on=date(2026, 2, 1), posts=[(world.member_a, Post.SECRETARY)], by=SYSTEM
    )
    assert not scope_for(type(world.secretary_a).objects.get(pk=world.secretary_a.pk)).may_elect(world.branch_a)
    assert scope_for(type(successor_user).objects.get(pk=successor_user.pk)).may_elect(world.branch_a)


def _refused(world, *, posts, elected_on=date(2026, 2, 1), organisation=None):
    organisation = organisation or world.branch_a
    terms = list(CommitteeTerm.objects.values_list("pk", "is_current"))
    posts_before = CommitteePost.objects.count()
    with pytest.raises(DomainError) as error:
        services.committee_term_start(organisation=organisation, elected_on=elected_on, posts=posts, by=SYSTEM)
    assert list(CommitteeTerm.objects.values_list("pk", "is_current")) == terms, "nothing changed"
    assert CommitteePost.objects.count() == posts_before
    return error.value


def test_committee_needs_exactly_one_secretary(world):
    """Committee posts: one 书记."""
    deputy, other = _full_members(world.branch_a, 2)
    error = _refused(world, posts=[(deputy, Post.DEPUTY_SECRETARY)])
    assert error.field == "secretary"
    error = _refused(world, posts=[(deputy, Post.SECRETARY), (other, Post.SECRETARY)])
    assert "有且只有一名书记" in error.message


def test_committee_holders_belong_to_the_branch(world):
    """Holders are members of the branch: a member of branch B cannot sit on A's committee."""
    error = _refused(world, posts=[(world.member_b, Post.SECRETARY)])
    assert "本支部的正式党员" in error.message
    assert world.member_b.name in error.message


def test_probationary_members_cannot_be_elected(world):
    """预备党员 have no 被选举权."""
    probationary = MemberFactory(organisation=world.branch_a, status=Status.PROBATIONARY, confirmed_on=None)
    error = _refused(world, posts=[(world.secretary_a_member, Post.SECRETARY), (probationary, Post.PUBLICITY_OFFICER)])
    assert probationary.name in error.message


def test_one_post_per_member(world):
    error = _refused(
        world, posts=[(world.secretary_a_member, Post.SECRETARY), (world.secretary_a_member, Post.DISCIPLINE_OFFICER)]
    )
    assert "只能担任一个职务" in error.message


def test_committee_of_more_than_seven_is_refused(world):
    """Committee: at most 7."""
    holders = _full_members(world.branch_a, 7)
    posts = [(world.secretary_a_member, Post.SECRETARY)] + [(m, Post.COMMITTEE_MEMBER) for m in holders]
    error = _refused(world, posts=posts)
    assert "不超过7人" in error.message


def test_election_date_not_in_the_future_nor_before_the_current_term(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    error = _refused(world, posts=[(world.secretary_a_member, Post.SECRETARY)], elected_on=tomorrow)
    assert error.field == "elected_on"
    error = _refused(world, posts=[(world.secretary_a_member, Post.SECRETARY)], elected_on=date(2025, 1, 10))
    assert error.field == "elected_on"
    assert "晚于现任" in error.message


def test_a_party_group_elects_no_committee(world):
    """Committee (national): a 党支部, 党总支 or 党委 elects a committee; a 党小组 has none."""
    error = _refused(world, posts=[(world.secretary_a_member, Post.SECRETARY)], organisation=world.group_a1)
    assert "党小组不设委员会" in error.message


def test_an_election_by_someone_who_does_not_manage_the_branch_is_refused(world):
    """Only the branch's managers and admins record its election: branch B's secretary and the reviewer are
    refused, and the current term stays."""
    posts = [(world.secretary_a_member, Post.SECRETARY)]
    terms = list(CommitteeTerm.objects.values_list("pk", "is_current"))
    for outsider in (world.secretary_b, world.reviewer, world.member_user):
        with pytest.raises(NotPermitted):
            services.committee_term_start(
                organisation=world.branch_a, elected_on=date(2026, 2, 1), posts=posts, by=scope_for(outsider)
            )
    assert list(CommitteeTerm.objects.values_list("pk", "is_current")) == terms
    term = services.committee_term_start(
        organisation=world.branch_a, elected_on=date(2026, 2, 1), posts=posts, by=scope_for(world.secretary_a)
    )
    assert term.is_current

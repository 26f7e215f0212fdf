"""Writes to the organisation tree and to committees: rules are checked, nothing is half-saved."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from branches import services
from branches.access import MANAGE, scope_for
from branches.errors import DomainError
from branches.models import CommitteePost, CommitteeTerm, Domain, Form, Level, Organisation, Post
from members.models import Status
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def _data(**changes) -> dict:
    data = {"name": "新组织", "code": "NEW1", "level": Level.BRANCH, "domain": Domain.STATE_ENTERPRISE}
    data.update(form=Form.SINGLE, founded_on=date(2020, 5, 4))
    data.update(changes)
    return data


# --- organisation_create / organisation_update ---------------------------------------------------------------------


def test_create_adds_a_child_in_the_tree_with_history(world):
    """A new unit sits under its parent (its path starts with the parent's) and its creation is recorded."""
    created = services.organisation_create(parent=world.p1, data=_data(name="  丙党支部 ", code=" C "))
    assert created.path.startswith(world.p1.path)
    assert created.depth == world.p1.depth + 1
    assert (created.name, created.code) == ("丙党支部", "C")
    assert Organisation.objects.get(pk=world.p1.pk).numchild == 2
    assert created.history.count() == 1


def test_create_root(db):
    """An admin may start a new tree with a root of any level but a 党小组."""
    root = services.organisation_create(parent=None, data=_data(level=Level.SUPERIOR_COMMITTEE))
    assert root.depth == 1
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=None, data=_data(code="G", level=Level.PARTY_GROUP))
    assert error.value.field == "level"


@pytest.mark.parametrize(
    ("parent", "level", "message"),
    [
        ("branch_a", Level.BRANCH, "下级组织的层级必须低于"),
        ("p1", Level.PRIMARY_COMMITTEE, "下级组织的层级必须低于"),
        ("p1", Level.PARTY_GROUP, "党小组只能设在党支部之下"),
        ("group_a1", Level.PARTY_GROUP, "党小组下不能再设下级组织"),
    ],
)
def test_create_refuses_a_level_not_below_the_parent(world, parent, level, message):
    """Levels: a child sits below its parent's level; a 党小组 only inside a 党支部. Nothing is created."""
    before = Organisation.objects.count()
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=getattr(world, parent), data=_data(level=level))
    assert error.value.field == "level"
    assert message in error.value.message
    assert Organisation.objects.count() == before


def test_create_refuses_a_taken_code_whatever_its_case(world):
    """Organisation codes are unique across the portal ("a" clashes with "A")."""
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=world.p1, data=_data(code="a"))
    assert error.value.field == "code"
    assert "已被其他党组织使用" in error.value.message


def test_create_refuses_a_future_founding_date(world):
    """A unit cannot be founded after today."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=world.p1, data=_data(founded_on=tomorrow))
    assert error.value.field == "founded_on"


def test_create_refuses_an_unknown_choice(world):
    """Values outside the choices are a domain error, not a crash."""
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=world.p1, data=_data(domain="mars"))
    assert error.value.field == "domain"


def test_update_changes_facts_but_not_the_place_in_the_tree(world):
    """Editing keeps the path; the own code is not a clash; the change is recorded."""
    path = world.branch_a.path
    services.organisation_update(
        organisation=world.branch_a, data={"name": "甲党支部（新）", "code": "A", "domain": Domain.RURAL}
    )
    branch = Organisation.objects.get(pk=world.branch_a.pk)
    assert (branch.name, branch.domain, branch.path) == ("甲党支部（新）", Domain.RURAL, path)
    assert branch.history.count() == 2


def test_update_refuses_a_level_at_or_below_a_child(world):
    """A unit with sub-units must stay above all of them: branch A (with a 党小组) cannot become a 党小组."""
    with pytest.raises(DomainError) as error:
        services.organisation_update(organisation=world.p1, data={"level": Level.BRANCH})
    assert error.value.field == "level"
    assert Organisation.objects.get(pk=world.p1.pk).level == Level.PRIMARY_COMMITTEE


def test_update_may_move_a_level_within_the_bounds(world):
    """P2's only child is a branch, so P2 may become a 党总支 (still below the root, above the branch)."""
    services.organisation_update(organisation=world.p2, data={"level": Level.GENERAL_BRANCH})
    assert Organisation.objects.get(pk=world.p2.pk).level == Level.GENERAL_BRANCH


def test_update_refuses_another_units_code(world):
    with pytest.raises(DomainError) as error:
        services.organisation_update(organisation=world.branch_a, data={"code": "b"})
    assert error.value.field == "code"
    assert Organisation.objects.get(pk=world.branch_a.pk).code == "A"


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
        organisation=village, elected_on=date(2024, 6, 1), posts=[(secretary, Post.SECRETARY)]
    )
    assert term.term_ends_on == date(2029, 6, 1)


def test_rights_follow_the_new_term(world):
    """A secretary left out of the new committee no longer manages the branch; the new secretary does."""
    successor_user = world.member_user
    services.committee_term_start(
        organisation=world.branch_a, elected_on=date(2026, 2, 1), posts=[(world.member_a, Post.SECRETARY)]
    )
    assert not scope_for(type(world.secretary_a).objects.get(pk=world.secretary_a.pk)).can(world.branch_a, MANAGE)
    assert scope_for(type(successor_user).objects.get(pk=successor_user.pk)).can(world.branch_a, MANAGE)


def _refused(world, *, posts, elected_on=date(2026, 2, 1), organisation=None):
    organisation = organisation or world.branch_a
    terms = list(CommitteeTerm.objects.values_list("pk", "is_current"))
    posts_before = CommitteePost.objects.count()
    with pytest.raises(DomainError) as error:
        services.committee_term_start(organisation=organisation, elected_on=elected_on, posts=posts)
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

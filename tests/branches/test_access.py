"""The access layer: roles follow from posts, appointments and records."""

import pytest

from branches.access import MANAGE, READ, scope_for

pytestmark = pytest.mark.django_db


def test_secretary_manages_own_branch_and_its_groups_only(world):
    """The holder of a current committee post manages the branch's subtree, not another branch."""
    scope = scope_for(world.secretary_a)
    assert scope.can(world.branch_a, MANAGE)
    assert scope.can(world.group_a1, MANAGE)
    assert not scope.can(world.branch_b, READ)
    assert not scope.can(world.p1, READ)


def test_reviewer_reads_subtree_but_manages_nothing(world):
    """A reviewer of P1 reads everything under P1 and nothing under P2."""
    scope = scope_for(world.reviewer)
    assert scope.can(world.branch_a, READ)
    assert not scope.can(world.branch_a, MANAGE)
    assert not scope.can(world.branch_b, READ)


def test_member_has_own_record_only(world):
    """A plain member manages no organisation; their record and branch are known."""
    scope = scope_for(world.member_user)
    assert scope.member_id == world.member_a.pk
    assert scope.member_branch_id == world.branch_a.pk
    assert not scope.can(world.branch_a, READ)


def test_admin_manages_everything(world):
    scope = scope_for(world.admin)
    assert scope.can(world.branch_b, MANAGE)
    assert scope.organisations(MANAGE).count() == 6


def test_old_term_gives_no_rights(world):
    """Only the current committee term counts."""
    from tests.factories import make_committee

    make_committee(world.branch_a, [])
    world.secretary_a.refresh_from_db()
    assert not scope_for(world.secretary_a).can(world.branch_a, MANAGE)

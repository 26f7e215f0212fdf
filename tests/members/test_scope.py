"""The access layer: roles follow from posts, appointments and records, read in one query."""

import pytest

from members.access import SYSTEM, scope_for

pytestmark = pytest.mark.django_db


def test_secretary_manages_own_branch_and_its_groups_only(world):
    """The holder of a current committee post manages the branch's subtree, not another branch."""
    scope = scope_for(world.secretary_a)
    assert scope.may_manage_member(world.member_a)
    assert scope.may_plan_meeting(world.group_a1)
    assert not scope.may_read_organisation(world.branch_b)
    assert not scope.may_read_organisation(world.p1)
    assert scope.managed_ids == {world.branch_a.pk}


def test_reviewer_reads_subtree_but_manages_nothing(world):
    """A reviewer of P1 reads everything under P1 and nothing under P2."""
    scope = scope_for(world.reviewer)
    assert scope.may_read_organisation(world.branch_a)
    assert not scope.may_plan_meeting(world.branch_a)
    assert not scope.may_read_organisation(world.branch_b)


def test_member_has_own_record_only(world):
    """A plain member manages no organisation; their record and branch are known."""
    scope = scope_for(world.member_user)
    assert scope.member_id == world.member_a.pk
    assert scope.member_branch_id == world.branch_a.pk
    assert scope.member_branch_path == world.branch_a.path
    assert not scope.may_read_organisation(world.branch_a)


def test_admin_manages_everything(world):
    scope = scope_for(world.admin)
    assert scope.may_plan_meeting(world.branch_b)
    assert scope.organisations_managed().count() == 6


def test_old_term_gives_no_rights(world):
    """Only the current committee term counts."""
    from tests.factories import make_committee

    make_committee(world.branch_a, [])
    world.secretary_a.refresh_from_db()
    assert not scope_for(world.secretary_a).may_plan_meeting(world.branch_a)


def test_a_deleted_record_gives_neither_its_posts_nor_its_branch(world):
    """A member record in the recycle bin no longer makes its login a secretary or a member."""
    world.secretary_a_member.is_deleted = True
    world.secretary_a_member.save(update_fields=["is_deleted"])
    world.secretary_a.refresh_from_db()
    scope = scope_for(world.secretary_a)
    assert (scope.managed_paths, scope.member_id) == ((), None)


def test_an_appointment_counts_only_while_in_force(world):
    """A reviewer appointment that has ended, or starts later, gives no read access."""
    from datetime import timedelta

    from django.utils import timezone

    appointment = world.reviewer.reviewer_appointments.get()
    appointment.ends_on = timezone.localdate() - timedelta(days=1)
    appointment.save()
    world.reviewer.refresh_from_db()
    assert scope_for(world.reviewer).reviewed_paths == ()
    appointment.ends_on = None
    appointment.appointed_on = timezone.localdate() + timedelta(days=1)
    appointment.save()
    world.reviewer.refresh_from_db()
    assert scope_for(world.reviewer).reviewed_paths == ()


def test_committee_paths_are_the_managed_organisations_above_the_branches(world):
    """A post in a committee above the branches sets requirements for its subtree; a branch post does not."""
    from members.models import Post
    from tests.factories import MemberFactory, UserFactory, make_committee

    officer = UserFactory(username="p1_officer")
    make_committee(world.p1, [(MemberFactory(organisation=world.branch_a, user=officer), Post.SECRETARY)])
    assert scope_for(officer).committee_paths == (world.p1.path,)
    assert scope_for(world.secretary_a).committee_paths == ()


def test_the_scope_is_read_in_one_query_and_once_per_user_object(world, django_assert_num_queries):
    """Bench figure 5: a request pays one query for its user's scope, whatever the number of posts."""
    with django_assert_num_queries(1):
        scope_for(world.secretary_a)
        scope_for(world.secretary_a)


def test_the_system_actor_may_do_everything_but_is_no_user(world):
    """Management commands, seeders and tasks act as `SYSTEM`: every permission, no login to name."""
    assert SYSTEM.may_plan_meeting(world.branch_b) and SYSTEM.may_run_scheduled_jobs()
    assert SYSTEM.user_id is None and not SYSTEM.may_open_admin_site()

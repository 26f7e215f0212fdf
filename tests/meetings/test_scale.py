"""What the benchmark (bench/, issue 4) showed and what was changed for it: pages that do not grow with the tree."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Level
from meetings import selectors
from meetings.filters import MeetingFilter
from meetings.models import AttendanceState, MeetingStatus
from tests.factories import MemberFactory, make_meeting, make_org

pytestmark = pytest.mark.django_db


def _choices(world, user, data=None) -> list[str]:
    from members.access import scope_for

    scope = scope_for(user)
    form = MeetingFilter(
        data or {},
        queryset=selectors.meetings_for_list(scope),
        organisations=scope.organisations_with_meetings_readable(),
        tops=scope.meeting_tops(),
    )
    return [o.code for o in form.filters["organisation"].queryset]


def test_organisation_filter_lists_the_tops_of_the_scope_and_their_children(world):
    """The list's organisation choices are the user's part of the tree one level deep, not every organisation:
    the reviewer of P1 sees P1 and branch A, not party group A1; the admin the root and its children."""
    assert _choices(world, world.reviewer) == ["P1", "A"]
    assert _choices(world, world.admin) == ["ROOT", "P1", "P2"]
    assert _choices(world, world.secretary_a) == ["A", "A1"]


def test_choosing_an_organisation_lists_its_ancestors_and_children(world):
    """Once an organisation is chosen, its ancestors (to go back up) and its children (to go down) are offered."""
    choices = _choices(world, world.admin, {"organisation": str(world.branch_a.pk)})
    assert choices == ["ROOT", "P1", "A", "A1", "P2"]


def test_a_chosen_organisation_outside_the_scope_is_refused(client, world):
    """Filtering by an organisation the user cannot read shows the form error, not the other branch's meetings."""
    make_meeting(world.branch_b, topic="乙支部会议")
    client.force_login(world.secretary_a)
    response = client.get(reverse("meetings:list"), {"organisation": world.branch_b.pk})
    assert response.status_code == 200
    assert "乙支部会议" not in response.content.decode()


def test_list_figures_count_expected_and_present(world):
    """The meeting list's expected and present counts (subqueries) match the attendance of each meeting."""
    people = [MemberFactory(organisation=world.branch_a) for _ in range(4)]
    make_meeting(world.branch_a, status=MeetingStatus.FINALISED, attendees=people, present=people[:3])
    make_meeting(world.branch_a, status=MeetingStatus.PLANNED, starts_at=timezone.now() + timedelta(days=3))
    from members.access import scope_for

    rows = list(selectors.meetings_for_list(scope_for(world.admin)))
    assert [(m.expected_count, m.present_count) for m in rows] == [(0, 0), (4, 3)]
    assert rows[1].attendances.filter(state=AttendanceState.PRESENT).count() == 3


def test_last_activity_of_a_branch_includes_its_party_groups(world):
    """Silent-branch rule: a branch's last activity is its own or any of its party groups' latest meeting."""
    tz = timezone.get_default_timezone()
    make_meeting(world.branch_a, starts_at=datetime(2026, 3, 2, 9, tzinfo=tz))
    make_meeting(world.group_a1, ["group_meeting"], starts_at=datetime(2026, 3, 20, 9, tzinfo=tz))
    other = make_org(world.p2, level=Level.BRANCH, name="丙党支部", code="C")
    result = selectors.compliance_for_branches([world.branch_a, world.group_a1, other], "2026-03", date(2026, 3, 31))
    assert [r.last_activity for r in result] == [date(2026, 3, 20), date(2026, 3, 20), None]

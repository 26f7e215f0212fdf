"""Odd characters in ids from the address bar or a form are refused quietly, never a server error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "params", "status"),
    [
        ("meetings:calendar", {"org": "²"}, 404),
        ("meetings:create", {"organisation": "²"}, 200),
        ("meetings:list", {"organisation": "²"}, 200),
        ("members:create", {"organisation": "²"}, 200),
    ],
)
def test_superscript_digits_in_ids_do_not_fail(client, world, name, params, status):
    """`"²".isdigit()` is true but int("²") fails: such an id is treated like any unknown id."""
    client.force_login(world.secretary_a)
    assert client.get(reverse(name), params).status_code == status


def test_an_attendance_state_not_offered_is_shown_at_its_line(client, world):
    """A state the attendance page does not offer comes back with the message at that person's line (not a server
    error, as when the line had no leave-reason message to fall back on); nothing is saved."""
    from tests.factories import make_meeting

    meeting = make_meeting(world.branch_a, ("theme_day",), status="held", attendees=[world.member_a])
    before = meeting.attendances.get(member=world.member_a).state
    client.force_login(world.secretary_a)
    data = {"action": "attendance", "version": meeting.version, f"state_{world.member_a.pk}": "late"}
    response = client.post(reverse("meetings:attendance", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert f'href="#line-{world.member_a.pk}"' in response.content.decode()
    assert meeting.attendances.get(member=world.member_a).state == before


@pytest.mark.parametrize("member_id", [str(2**63), str(10**30)])
def test_an_attendee_id_beyond_the_integer_range_is_an_invalid_choice(client, world, member_id):
    """An id no database row can have, in the list of who is expected, is refused with the field's message (on
    SQLite, which cannot even compare with such a number, it was a server error); the list stays as it was."""
    from tests.factories import make_meeting

    meeting = make_meeting(world.branch_a, ("theme_day",), status="held", attendees=[world.member_a])
    client.force_login(world.secretary_a)
    data = {"action": "attendees", "version": meeting.version, "members": [member_id]}
    response = client.post(reverse("meetings:attendance", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "所选人员不是本支部党员，不能列入参会人员。" in response.content.decode()
    assert list(meeting.attendances.values_list("member_id", flat=True)) == [world.member_a.pk]

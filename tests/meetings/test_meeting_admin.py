"""The Django admin changes meetings only through the meeting services: a closed record stays read-only, a moved
meeting's reminders follow it, the services' checks and messages apply, and planning there is planning."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import selectors, services
from meetings.models import Meeting, MeetingStatus, MonthSummary
from members.access import SYSTEM, scope_for
from notifications.models import Notice, NoticeKind, NoticeStatus
from tests.admin_posts import change_form_data
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def _change_url(meeting: Meeting) -> str:
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def _reminders(meeting: Meeting, **filters):
    return Notice.objects.filter(meeting=meeting, kind=NoticeKind.MEETING_REMINDER, **filters)


def _plan(world, starts_at=None) -> Meeting:
    return services.meeting_plan(
        organisation=world.branch_a,
        types=["theme_day"],
        starts_at=starts_at or timezone.now() + timedelta(days=3),
        topic="学习党章",
        by=scope_for(world.secretary_a),
    )


@pytest.mark.parametrize("status", [MeetingStatus.FINALISED, MeetingStatus.CANCELLED])
def test_a_closed_record_opens_read_only_and_a_save_is_refused(client, world, status):
    """A finalised (or cancelled) meeting's change form offers nothing to edit and says why; a save posted anyway
    is refused and changes nothing, as the services refuse it on the portal."""
    meeting = make_meeting(world.branch_a, status=status, topic="已归档的会议")
    client.force_login(world.admin)
    page = client.get(_change_url(meeting))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    html = page.content.decode()
    assert not [name for name in ("topic", "starts_at_0", "types", "minutes") if f'name="{name}"' in html]
    reason = "该会议记录已归档" if status == MeetingStatus.FINALISED else "该会议已取消，不能修改。"
    assert reason in page.content.decode()

    response = client.post(_change_url(meeting), change_form_data(page, topic="改过的主题"))
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.topic == "已归档的会议" and meeting.status == status


def test_moving_a_meeting_in_the_admin_moves_its_reminders(client, world):
    """Changing 开始时间 in the admin withdraws the reminders of the old time and writes those of the new one, as
    the portal's edit page does."""
    meeting = _plan(world)
    old_start = meeting.starts_at
    people = meeting.attendances.count()
    assert _reminders(meeting).count() == 2 * people
    new_start = (old_start + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(world.admin)
    page = client.get(_change_url(meeting))
    response = client.post(_change_url(meeting), change_form_data(page, starts_at=new_start))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == new_start
    current = _reminders(meeting).exclude(status=NoticeStatus.CANCELLED)
    assert current.count() == 2 * people
    assert set(current.values_list("due_at", flat=True)) == {
        new_start - timedelta(hours=24),
        new_start - timedelta(hours=1),
    }
    withdrawn = _reminders(meeting, status=NoticeStatus.CANCELLED)
    assert set(withdrawn.values_list("due_at", flat=True)) == {
        old_start - timedelta(hours=24),
        old_start - timedelta(hours=1),
    }


def test_an_admin_save_the_services_refuse_shows_their_message_and_saves_nothing(client, world):
    """A host from another branch is refused with the service's message at the field; the meeting, its version and
    its reminders stay as they were."""
    meeting = _plan(world)
    before = (meeting.version, set(_reminders(meeting).values_list("key", "status")))
    client.force_login(world.admin)
    page = client.get(_change_url(meeting))
    data = change_form_data(page, host=world.member_b, starts_at=meeting.starts_at + timedelta(days=1))
    response = client.post(_change_url(meeting), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["host"] == ["赵党员不是本支部党员。"]
    meeting.refresh_from_db()
    assert meeting.host is None
    assert (meeting.version, set(_reminders(meeting).values_list("key", "status"))) == before


def test_an_admin_save_over_a_later_change_is_refused(client, world):
    """The form remembers the version it was loaded with: someone else's save in between wins, as in the portal."""
    meeting = _plan(world)
    client.force_login(world.admin)
    page = client.get(_change_url(meeting))
    services.meeting_update(meeting=meeting, version=meeting.version, data={"place": "党员活动室"}, by=SYSTEM)
    response = client.post(_change_url(meeting), change_form_data(page, topic="管理员改的主题"))
    assert response.status_code == 200
    assert "该会议记录已被他人修改" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.place) == ("学习党章", "党员活动室")


def test_minutes_saved_in_the_admin_record_the_meeting_as_the_portal_does(client, world):
    """Minutes typed for a meeting that has started record it as held (the services' 补录 rule included) and count
    it in the monthly summary once finalised on the portal."""
    meeting = _plan(world, starts_at=timezone.now() - timedelta(days=20))
    client.force_login(world.admin)
    page = client.get(_change_url(meeting))
    response = client.post(_change_url(meeting), change_form_data(page, minutes="学习了党章第一章。"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.is_backfilled
    assert MonthSummary.objects.get(organisation=world.branch_a).last_activity == meeting.starts_at


def test_planning_in_the_admin_plans_through_the_services(client, world):
    """The add form plans the meeting: the attendees its type calls for are expected and reminded, and the admin
    is its creator; the status cannot be chosen there."""
    client.force_login(world.admin)
    url = reverse("admin:meetings_meeting_add")
    page = client.get(url)
    assert "status" not in page.context["adminform"].form.fields
    starts_at = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    data = change_form_data(
        page, organisation=world.branch_a, types=["theme_day"], topic="管理员安排的主题党日", starts_at=starts_at
    )
    response = client.post(url, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(topic="管理员安排的主题党日")
    assert meeting.status == MeetingStatus.PLANNED and meeting.created_by == world.admin
    expected = set(selectors.members_expected_for(world.branch_a, ["theme_day"]).values_list("pk", flat=True))
    assert set(meeting.attendances.values_list("member_id", flat=True)) == expected
    assert set(_reminders(meeting).values_list("member_id", flat=True)) == expected

"""seed_demo's reminders: planned through the services, so the member's bell shows one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from demo.reminders import TOPIC, next_demo_start, reminders_load
from meetings.models import Meeting, MeetingStatus
from notifications import selectors
from notifications.models import Notice, NoticeKind, NoticeStatus

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _load() -> str:
    """Load the demo's reminders now; what they report."""
    lines: list[str] = []
    reminders_load(now=timezone.now(), write=lines.append)
    return "\n".join(lines)


def _demo_logins(world) -> None:
    """The world's member and secretary of branch A under the demo's login names."""
    world.member_user.username = "member"
    world.member_user.save(update_fields=["username"])
    world.secretary_a.username = "secretary"
    world.secretary_a.save(update_fields=["username"])


@pytest.mark.parametrize(
    ("now", "start"),
    [
        (datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI), datetime(2026, 11, 28, 14, 30, tzinfo=SHANGHAI)),
        (datetime(2026, 11, 27, 14, 29, tzinfo=SHANGHAI), datetime(2026, 11, 28, 14, 30, tzinfo=SHANGHAI)),
        (datetime(2026, 11, 27, 14, 30, tzinfo=SHANGHAI), datetime(2026, 11, 29, 14, 30, tzinfo=SHANGHAI)),
        (datetime(2026, 12, 31, 23, 45, tzinfo=SHANGHAI), datetime(2027, 1, 2, 14, 30, tzinfo=SHANGHAI)),
    ],
)
def test_demo_meeting_starts_at_the_first_1430_more_than_a_day_ahead(now, start):
    """The demo 主题党日 starts at 14:30 with its 24-hour reminder still ahead (due within the next day)."""
    assert next_demo_start(now) == start
    assert timedelta(0) < start - timedelta(hours=24) - now <= timedelta(days=1)


def test_seed_plans_reminders_and_the_member_sees_one(world):
    """A 主题党日 is planned for the member's branch through the services; its first reminder is in the bell."""
    _demo_logins(world)
    _load()
    meeting = Meeting.objects.get(topic=TOPIC)
    assert meeting.organisation == world.branch_a and meeting.status == MeetingStatus.PLANNED
    assert selectors.unread_count(world.member_user) == 1
    notice = selectors.notices_for(world.member_user).get()
    assert notice.kind == NoticeKind.MEETING_REMINDER and notice.meeting == meeting
    assert Notice.objects.filter(meeting=meeting, status=NoticeStatus.PENDING).exists()  # the 1-hour ones


def test_seed_reminds_of_meetings_written_without_the_hook(world):
    """A planned meeting written directly (as the demo's meeting history is) gets its reminders too."""
    _demo_logins(world)
    direct = Meeting.objects.create(
        organisation=world.branch_a,
        topic="支部委员会",
        starts_at=timezone.now() + timedelta(days=3),
        status=MeetingStatus.PLANNED,
    )
    direct.attendances.create(member=world.member_a)
    _load()
    assert Notice.objects.filter(meeting=direct, status=NoticeStatus.PENDING).count() == 2


def test_second_run_adds_nothing(world):
    """Loading the reminders (or seed_demo) again changes nothing."""
    _demo_logins(world)
    _load()
    before = list(Notice.objects.values_list("key", "status", "shown_at").order_by("key"))
    output = _load()
    assert list(Notice.objects.values_list("key", "status", "shown_at").order_by("key")) == before
    assert Meeting.objects.filter(topic=TOPIC).count() == 1
    assert "演示提醒已存在，未作改动。" in output


def test_without_the_demo_it_does_nothing(world):
    """No demo logins: a message, and no meeting or notice written."""
    assert "请先运行 seed_demo" in _load()
    assert not Notice.objects.exists() and not Meeting.objects.filter(topic=TOPIC).exists()

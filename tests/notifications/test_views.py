"""The notifications page, the bell, marking read and the failed-notices page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notice, NoticeKind, NoticeStatus

pytestmark = pytest.mark.django_db


def _notices(user, count: int, **fields) -> None:
    now = timezone.now()
    start = Notice.objects.count()
    Notice.objects.bulk_create([
        Notice(key=f"view-test|{start + i}", kind=NoticeKind.MEETING_REMINDER, user=user, title=f"会议提醒：第{i}次",
               body="请准时参加。", link=reverse("home"), due_at=now, status=NoticeStatus.SENT,
               shown_at=now - timedelta(minutes=i), **fields)
        for i in range(count)
    ])


def test_page_lists_own_notices_with_total_and_unread_count(client, world):
    """A member sees their own notices, the total, how many are unread, and the bell shows the count."""
    _notices(world.member_user, 3)
    _notices(world.secretary_a, 2)
    client.force_login(world.member_user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "共 3 条" in page and "3 条未读" in page
    assert page.count("会议提醒：第") == 3
    assert "条未读通知" in page  # the bell's label


def test_unread_filter_and_empty_state(client, world):
    """'未读' shows only unread notices; with none, the page says so."""
    _notices(world.member_user, 2, read_at=timezone.now())
    client.force_login(world.member_user)
    page = client.get(reverse("notifications:list") + "?unread=1").content.decode()
    assert "没有未读通知" in page


def test_reading_a_notice_opens_its_link_and_all_read_clears_the_bell(client, world):
    """'查看' marks the notice read and follows its link; '全部标为已读' clears the rest with a message."""
    _notices(world.member_user, 3)
    client.force_login(world.member_user)
    first = Notice.objects.filter(user=world.member_user).first()
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302 and response.url == reverse("home")
    assert Notice.objects.filter(user=world.member_user, read_at__isnull=True).count() == 2
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将 2 条通知标为已读" in response.content.decode()
    assert not Notice.objects.filter(user=world.member_user, read_at__isnull=True).exists()


def test_someone_elses_notice_cannot_be_marked_read(client, world):
    """Another user's notice answers 404 and stays unread."""
    _notices(world.member_user, 1)
    client.force_login(world.secretary_a)
    notice = Notice.objects.get()
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("name", ["notifications:list", "home"])
def test_query_count_does_not_grow_with_notices(client, world, settings, name, django_assert_num_queries):
    """The notifications page and any page with the bell cost the same with 5 and with 50 notices."""
    settings.PAGE_SIZE = 100
    client.force_login(world.member_user)
    _notices(world.member_user, 5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse(name))
    _notices(world.member_user, 45)
    with django_assert_num_queries(len(small)):
        client.get(reverse(name))


def test_failed_page_shows_what_the_secretary_manages(client, world):
    """Branch A's failed notice shows to A's secretary with its error, not to B's; retry sends it again."""
    _notices(None, 1, organisation=world.branch_a)
    Notice.objects.update(status=NoticeStatus.FAILED, last_error="ConnectionRefusedError: 111", attempts=5)
    client.force_login(world.secretary_b)
    assert "没有发送失败的通知" in client.get(reverse("notifications:failed")).content.decode()
    client.force_login(world.secretary_a)
    page = client.get(reverse("notifications:failed")).content.decode()
    assert "ConnectionRefusedError: 111" in page and "已尝试 5 次" in page
    notice = Notice.objects.get()
    response = client.post(reverse("notifications:retry", args=[notice.pk]), follow=True)
    assert "已重新安排发送" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PENDING and notice.attempts == 0


def test_members_do_not_see_the_failed_page(client, world):
    """A plain member gets 404 on the failed-notices page."""
    client.force_login(world.member_user)
    assert client.get(reverse("notifications:failed")).status_code == 404


def test_failed_page_counts_unreachable_attendees_per_meeting_not_as_failures(client, world):
    """Attendees no channel reaches are listed per meeting for their secretary (one query), not as failed notices."""
    from tests.notifications.helpers import plan

    no_contact = world.branch_a.members.get(name="预备党员甲")
    meeting = plan(world, attendees=[no_contact, world.member_a], topic="学习党章")
    client.force_login(world.secretary_a)
    page = client.get(reverse("notifications:failed")).content.decode()
    assert "没有发送失败的通知" in page
    assert "学习党章" in page and "1 人无法送达" in page
    assert reverse("meetings:detail", args=[meeting.pk]) in page
    client.force_login(world.secretary_b)
    assert "人无法送达" not in client.get(reverse("notifications:failed")).content.decode()


def test_failed_page_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    """The failed page (failed notices and the unreachable summary) costs the same with 5 and with 50 rows each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.notifications.helpers import plan

    no_contact = world.branch_a.members.get(name="预备党员甲")

    def add(count: int) -> None:
        _notices(None, count, organisation=world.branch_a)
        Notice.objects.filter(status=NoticeStatus.SENT).update(status=NoticeStatus.FAILED, attempts=5)
        for i in range(count // 5):
            plan(world, attendees=[no_contact], topic=f"第{Notice.objects.count()}-{i}次")

    client.force_login(world.secretary_a)
    add(5)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("notifications:failed"))
    add(45)
    with django_assert_num_queries(len(small)):
        client.get(reverse("notifications:failed"))

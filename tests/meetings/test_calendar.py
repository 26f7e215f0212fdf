"""The month calendar, the .ics feed of a user's upcoming meetings, and the member's "my meetings" page."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar_views import ics_token, parse_month, user_for_ics_token
from meetings.models import Attendance, Meeting
from tests.factories import MemberFactory, make_meeting

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def _query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- Calendar ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02", date(2026, 2, 1)),
        ("2026-12", date(2026, 12, 1)),
        ("2026-13", date(2026, 11, 1)),
        ("2026-00", date(2026, 11, 1)),
        ("1800-01", date(2026, 11, 1)),
        ("abc", date(2026, 11, 1)),
        ("", date(2026, 11, 1)),
        (None, date(2026, 11, 1)),
    ],
)
def test_parse_month(value, expected):
    """A `YYYY-MM` month is its first day; anything else is the current month (never an error)."""
    assert parse_month(value, date(2026, 11, 27)) == expected


def test_calendar_shows_the_months_meetings_with_their_status(client, world):
    """The month view lists the month's meetings in scope with a status label; deleted and other branches' are
    left out."""
    make_meeting(world.branch_a, starts_at=_at(2026, 2, 10, 9), status="finalised", topic="二月主题党日")
    make_meeting(world.branch_a, ("committee_meeting",), starts_at=_at(2026, 2, 20, 15), status="cancelled",
                 topic="取消的支委会")
    make_meeting(world.branch_a, starts_at=_at(2026, 2, 21, 9), topic="已删除的会议", is_deleted=True)
    make_meeting(world.branch_b, starts_at=_at(2026, 2, 11, 9), topic="乙支部会议")
    make_meeting(world.branch_a, starts_at=_at(2026, 3, 10, 9), topic="三月会议")
    client.force_login(world.secretary_a)
    response = client.get(reverse("meetings:calendar"), {"month": "2026-02"})
    html = response.content.decode()
    assert "二月主题党日" in html and "取消的支委会" in html
    assert "已归档" in html and "已取消" in html
    assert "已删除的会议" not in html and "乙支部会议" not in html and "三月会议" not in html
    assert "共 2 场会议" in html
    assert 'href="?month=2026-01"' in html and 'href="?month=2026-03"' in html


def test_a_late_evening_meeting_is_on_its_local_day(client, world):
    """A meeting at 23:30 in Shanghai (15:30 UTC) is shown on that Shanghai day."""
    make_meeting(world.branch_a, starts_at=_at(2026, 2, 28, 23, 30), topic="深夜会议")
    client.force_login(world.secretary_a)
    response = client.get(reverse("meetings:calendar"), {"month": "2026-02"})
    [day] = response.context["days_with_meetings"]
    assert day.day == date(2026, 2, 28)
    assert "2026年2月28日" in response.content.decode()


def test_calendar_of_one_organisation(client, world):
    """With `org` the calendar shows that organisation's subtree only; a member may pick their own branch."""
    make_meeting(world.branch_a, starts_at=_at(2026, 2, 10, 9), topic="支部会议")
    make_meeting(world.group_a1, ("group_meeting",), starts_at=_at(2026, 2, 12, 9), topic="小组会议")
    client.force_login(world.member_user)
    html = client.get(reverse("meetings:calendar"), {"month": "2026-02", "org": world.group_a1.pk}).content.decode()
    assert "小组会议" in html and "支部会议" not in html
    assert client.get(reverse("meetings:calendar"), {"org": world.branch_b.pk}).status_code == 404


def test_calendar_query_count_does_not_grow_with_meetings(client, world):
    """The calendar takes the same number of queries with 5 or 50 meetings in the month."""
    client.force_login(world.admin)
    url = reverse("meetings:calendar") + "?month=2026-02"
    counts = []
    for total in (5, 50):
        existing = Meeting.objects.count()
        for i in range(total - existing):
            make_meeting(world.branch_a, ("theme_day", "party_lecture"), starts_at=_at(2026, 2, 1 + i % 28, 9),
                         attendees=[world.member_a])
        counts.append(_query_count(client, url))
    assert counts[0] == counts[1]


# --- .ics feed -----------------------------------------------------------------------------------------------------


def _upcoming(world, days=3, status="planned", **extra):
    starts = timezone.now() + timedelta(days=days)
    return make_meeting(world.branch_a, ("committee_meeting",), starts_at=starts, ends_at=starts + timedelta(hours=2),
                        status=status, attendees=[world.member_a], **extra)


def test_ics_feed_lists_the_users_upcoming_meetings_in_shanghai_time(client, world):
    """The feed has each upcoming meeting the user is expected at, with times in Asia/Shanghai and its
    VTIMEZONE; cancelled, past, deleted meetings and other people's are left out."""
    meeting = _upcoming(world, topic="研究发展对象", place="三楼会议室")
    _upcoming(world, topic="取消的会", status="cancelled")
    make_meeting(world.branch_a, starts_at=timezone.now() - timedelta(days=2), status="finalised",
                 attendees=[world.member_a], topic="已开过的会")
    _upcoming(world, topic="删掉的会", is_deleted=True)
    make_meeting(world.branch_a, starts_at=timezone.now() + timedelta(days=1), status="planned",
                 attendees=[world.secretary_a_member], topic="别人的会")

    response = client.get(reverse("meetings:ics", kwargs={"token": ics_token(world.member_user)}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert "BEGIN:VTIMEZONE" in body and "TZID:Asia/Shanghai" in body
    assert "DTSTART;TZID=Asia/Shanghai:" in body
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["支部委员会：研究发展对象"]
    [event] = events
    assert event["dtstart"].dt == meeting.starts_at.astimezone(SHANGHAI).replace(microsecond=0)
    assert event["dtstart"].dt.tzinfo.key == "Asia/Shanghai"
    assert str(event["location"]) == "三楼会议室"
    assert str(event["url"]).endswith(meeting.get_absolute_url())


def test_ics_token_is_refused_when_forged_or_after_a_password_change(client, world):
    """A tampered token answers 404; changing the password revokes the old address."""
    token = ics_token(world.member_user)
    assert user_for_ics_token(token) == world.member_user
    assert client.get(reverse("meetings:ics", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    world.member_user.set_password("another-pass-2026")
    world.member_user.save()
    assert user_for_ics_token(token) is None
    assert client.get(reverse("meetings:ics", kwargs={"token": token})).status_code == 404
    assert client.get(reverse("meetings:ics", kwargs={"token": ics_token(world.member_user)})).status_code == 200


# --- My meetings ---------------------------------------------------------------------------------------------------


def test_my_meetings_shows_upcoming_history_and_the_subscription(client, world):
    """A member sees their upcoming meetings, their own attendance with leave reasons, and the feed address."""
    _upcoming(world, topic="下周支委会")
    held = make_meeting(world.branch_a, starts_at=_at(2026, 2, 10, 9), status="finalised",
                        attendees=[world.member_a], topic="二月主题党日")
    Attendance.objects.filter(meeting=held, member=world.member_a).update(state="leave", leave_reason="出差")
    make_meeting(world.branch_a, starts_at=_at(2026, 1, 10, 9), status="finalised",
                 attendees=[world.member_a], present=[world.member_a], topic="一月主题党日")
    client.force_login(world.member_user)
    response = client.get(reverse("meetings:mine"))
    html = response.content.decode()
    assert "下周支委会" in html
    assert "二月主题党日" in html and "请假原因：出差" in html
    assert "一月主题党日" in html and "出席" in html
    assert "共 2 条" in html
    assert response.context["ics_url"].startswith("http://testserver/meetings/ics/")


def test_my_meetings_history_is_paginated_with_a_constant_query_count(client, world, settings):
    """The history is paginated with the total shown, in the same number of queries for 5 or 50 rows."""
    settings.PAGE_SIZE = 25
    client.force_login(world.member_user)
    counts = []
    for total in (5, 50):
        existing = Attendance.objects.filter(member=world.member_a).count()
        for i in range(total - existing):
            starts = _at(2025, 1, 1, 9) + timedelta(days=i)
            make_meeting(world.branch_a, ("theme_day", "party_lecture"), starts_at=starts, status="finalised",
                         attendees=[world.member_a, world.secretary_a_member])
        counts.append(_query_count(client, reverse("meetings:mine")))
    assert counts[0] == counts[1]
    response = client.get(reverse("meetings:mine"))
    assert len(response.context["history"]) == 25
    assert "共 50 条" in response.content.decode()
    assert len(client.get(reverse("meetings:mine"), {"page": 2}).context["history"]) == 25


def test_my_meetings_without_a_member_record(client, world):
    """A user with no member record gets a plain explanation, not an error."""
    client.force_login(world.reviewer)
    assert "没有关联党员档案" in client.get(reverse("meetings:mine")).content.decode()


def test_nav_shows_my_meetings_to_members(client, world):
    """Members find "我的会议" in the navigation."""
    client.force_login(world.member_user)
    assert reverse("meetings:mine") in client.get(reverse("home"), follow=True).content.decode()


def test_many_members_do_not_see_each_others_meetings(client, world):
    """A member's page lists only their own meetings."""
    other = MemberFactory(name="另一位党员", organisation=world.branch_a)
    make_meeting(world.branch_a, starts_at=_at(2026, 2, 10, 9), status="finalised", attendees=[other],
                 topic="别人的会议")
    client.force_login(world.member_user)
    assert "别人的会议" not in client.get(reverse("meetings:mine")).content.decode()


def test_calendar_of_several_units_names_each_meetings_organisation(client, world):
    """When the month holds meetings of several branches, each entry names its organisation."""
    make_meeting(world.branch_a, starts_at=_at(2026, 2, 10, 9), topic="甲的会")
    make_meeting(world.branch_b, starts_at=_at(2026, 2, 10, 9), topic="乙的会")
    client.force_login(world.admin)
    response = client.get(reverse("meetings:calendar"), {"month": "2026-02"})
    assert response.context["show_organisation"] is True
    html = response.content.decode()
    assert world.branch_a.name in html and world.branch_b.name in html
    one = client.get(reverse("meetings:calendar"), {"month": "2026-02", "org": world.branch_a.pk})
    assert one.context["show_organisation"] is False


def test_ics_feed_query_count_does_not_grow_with_meetings(client, world):
    """The feed takes the same number of queries with 5 or 50 upcoming meetings."""
    url = reverse("meetings:ics", kwargs={"token": ics_token(world.member_user)})
    counts = []
    for total in (5, 50):
        existing = Meeting.objects.count()
        for i in range(total - existing):
            _upcoming(world, days=1 + i, host=world.secretary_a_member)
        counts.append(_query_count(client, url))
    assert counts[0] == counts[1]
    assert len(Calendar.from_ical(client.get(url).content).walk("VEVENT")) == 50


def test_the_calendar_is_reachable_from_the_list_and_the_branch_page(client, world):
    """The meeting list has a 列表/日历 toggle (keeping the organisation and month filters) and the branch page's
    最近会议 card links to the branch's calendar, for every role that reads meetings; each link opens."""
    calendar_url = reverse("meetings:calendar")
    for role in ("member", "secretary_a", "reviewer", "admin"):
        client.force_login(world.users()[role])
        html = client.get(reverse("meetings:list")).content.decode()
        assert f'href="{calendar_url}"' in html, role
        branch_page = client.get(reverse("branches:detail", args=[world.branch_a.pk]))
        assert branch_page.status_code in (200, 404), role
        if branch_page.status_code == 200:  # a member without read rights on the branch never sees the card
            link = f"{calendar_url}?org={world.branch_a.pk}"
            assert f'href="{link}"' in branch_page.content.decode(), role
            assert client.get(link).status_code == 200, role
    client.force_login(world.users()["secretary_a"])
    response = client.get(reverse("meetings:list") + f"?organisation={world.branch_a.pk}&month=2026-02")
    link = f"{calendar_url}?org={world.branch_a.pk}&amp;month=2026-02"
    assert f'href="{link}"' in response.content.decode()
    calendar = client.get(link.replace("&amp;", "&")).content.decode()
    assert "2026年2月" in calendar or "2026年02月" in calendar
    assert f'href="{reverse("meetings:list")}?organisation={world.branch_a.pk}"' in calendar


def test_a_member_lands_on_their_obligations(client, world):
    """A member's home is what they owe: tasks, upcoming meetings, notices (ui-guide: "my obligations")."""
    client.force_login(world.member_user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("dashboards:mine")

"""Meeting dates: only a sane date is accepted (ten years back to two years ahead), wherever it is entered; a
meeting whose stored start cannot be read (year 1 in Shanghai is 1 BC in UTC; the last hour of 9999) opens, lists,
prints and deletes with its date shown as 日期无效, and never makes a page fail."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from branches.errors import DomainError
from branches.unreadable_dates import is_unreadable
from meetings import compliance, services
from meetings.calendar_views import ics_token
from meetings.compliance import month_summary
from meetings.models import Meeting, MeetingStatus, MonthSummary
from members.access import SYSTEM
from tests.factories import make_meeting
from tests.meetings.pdf_text import pdf_text
from tests.raw_dates import bad_moment, store_raw, stored_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _years_from_today(years: int, hour: int = 9) -> datetime:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year + years)
    except ValueError:
        day = today.replace(year=today.year + years, day=28)
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


# --- Refused when entered ------------------------------------------------------------------------------------------

OUT_OF_RANGE = [
    pytest.param("0001-01-01T09:00", "日期不能早于", id="year-1"),
    pytest.param("0202-05-01T09:00", "日期不能早于", id="year-0202"),
    pytest.param("9999-12-31T23:00", "日期不能晚于", id="year-9999"),
]


@pytest.mark.parametrize(("value", "message"), OUT_OF_RANGE)
def test_the_plan_form_refuses_a_date_out_of_range_at_the_field(client, world, value, message):
    """A start in year 1, 0202 or 9999 comes back with a Chinese message at 开始时间; nothing is saved."""
    client.force_login(world.secretary_a)
    data = {"types": ["theme_day"], "organisation": world.branch_a.pk, "starts_at": value, "topic": "学习党章"}
    response = client.post(reverse("meetings:create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["starts_at"])
    assert not Meeting.all_objects.exists()


def test_the_plan_form_refuses_an_end_out_of_range(client, world):
    """结束时间 has the same range as 开始时间."""
    client.force_login(world.secretary_a)
    start = timezone.localtime(timezone.now() + timedelta(days=1))
    data = {
        "types": ["theme_day"],
        "organisation": world.branch_a.pk,
        "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "ends_at": "9999-12-31T23:00",
        "topic": "学习党章",
    }
    response = client.post(reverse("meetings:create"), data)
    assert "日期不能晚于" in " ".join(response.context["form"].errors["ends_at"])
    assert not Meeting.all_objects.exists()


def test_the_plan_form_offers_only_days_in_range(client, world):
    """The date pickers of 开始时间 and 结束时间 stop at ten years back and two years ahead."""
    client.force_login(world.secretary_a)
    html = client.get(reverse("meetings:create"), {"organisation": world.branch_a.pk}).content.decode()
    earliest, latest = _years_from_today(-10).date(), _years_from_today(2).date()
    assert f'min="{earliest:%Y-%m-%d}T00:00"' in html and f'max="{latest:%Y-%m-%d}T23:59"' in html


@pytest.mark.parametrize(
    ("starts_at", "refused"),
    [
        (datetime(1, 1, 1, 9, tzinfo=SHANGHAI), True),
        (datetime(202, 5, 1, 9, tzinfo=SHANGHAI), True),
        (datetime(9999, 12, 31, 23, tzinfo=SHANGHAI), True),  # used to overflow in the monthly summary
        (_years_from_today(-10, hour=0), False),
        (_years_from_today(-10, hour=0) - timedelta(minutes=1), True),
        (_years_from_today(2, hour=23), False),
        (_years_from_today(2, hour=23) + timedelta(hours=1), True),
    ],
)
def test_plan_accepts_only_ten_years_back_to_two_years_ahead(world, starts_at, refused):
    """Meeting dates (meetings.rules.MEETING_TIME_RANGE): the service refuses the rest with a domain error at
    开始时间, whatever the caller."""
    kwargs = {
        "organisation": world.branch_a,
        "types": ["theme_day"],
        "starts_at": starts_at,
        "topic": "学习党章",
        "by": SYSTEM,
    }
    if refused:
        with pytest.raises(DomainError) as error:
            services.meeting_plan(**kwargs)
        assert error.value.field == "starts_at"
        assert not Meeting.all_objects.exists() and not MonthSummary.objects.exists()
    else:
        assert services.meeting_plan(**kwargs).starts_at == starts_at


def test_update_and_record_refuse_dates_out_of_range(world):
    """Moving a meeting to year 1, or ending it in 9999, is refused as planning it there is."""
    meeting = make_meeting(world.branch_a, status="planned", starts_at=timezone.now() - timedelta(hours=2))
    with pytest.raises(DomainError, match="日期不能早于") as error:
        services.meeting_update(
            meeting=meeting,
            version=meeting.version,
            data={"starts_at": datetime(1, 1, 1, 9, tzinfo=SHANGHAI)},
            by=SYSTEM,
        )
    assert error.value.field == "starts_at"
    with pytest.raises(DomainError, match="日期不能晚于") as error:
        services.meeting_record(
            meeting=meeting,
            version=meeting.version,
            minutes="记录",
            ends_at=datetime(9999, 12, 31, tzinfo=SHANGHAI),
            by=SYSTEM,
        )
    assert error.value.field == "ends_at"


def test_the_admin_form_refuses_a_date_out_of_range(client, world):
    """The Django admin's meeting form checks the same range, with the same message."""
    original = timezone.now() + timedelta(days=1)
    meeting = make_meeting(world.branch_a, status="planned", starts_at=original)
    client.force_login(world.admin)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not hasattr(value, "pk")}
    data.update(
        {
            "organisation": world.branch_a.pk,
            "starts_at_0": "0001-01-01",
            "starts_at_1": "09:00",
            "status": "planned",
            "topic": meeting.topic,
        }
    )
    for prefix in ("type_links", "attendances", "guests", "photos", "attachments", "amendments"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "日期不能早于" in " ".join(response.context["adminform"].form.errors["starts_at"])
    meeting.refresh_from_db()
    assert meeting.starts_at == original


def test_a_period_out_of_range_is_refused_on_the_compliance_page(client, world):
    """The compliance page asked for the year 9999 says which periods it shows and shows this quarter instead."""
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:compliance", args=[world.p1.pk]), {"period": "9999-11"})
    assert response.status_code == 200
    assert "期间应在1921年至" in " ".join(response.context["form"].errors["period"])


# --- Read back when stored ------------------------------------------------------------------------------------------

KINDS = ["bc", "end_of_9999"]


def _unreadable_meeting(world, kind: str, **extra) -> Meeting:
    meeting = make_meeting(
        world.branch_a, attendees=[world.member_a, world.secretary_a_member], topic="日期坏掉的会议", **extra
    )
    store_raw(meeting, "starts_at", bad_moment(kind))
    return meeting


@pytest.mark.parametrize("kind", KINDS)
def test_a_meeting_with_an_unreadable_start_shows_it_as_invalid_on_every_page(client, world, kind):
    """Its own pages, the list in every order and searched, the calendar, the compliance pages and the branch page
    answer 200; where its date is shown it reads 日期无效."""
    meeting = _unreadable_meeting(world, kind)
    make_meeting(world.branch_a, topic="正常的会议")
    client.force_login(world.secretary_a)
    list_url = reverse("meetings:list")
    pages = {
        reverse("meetings:detail", args=[meeting.pk]): True,
        reverse("meetings:history", args=[meeting.pk]): False,
        list_url: True,
        f"{list_url}?ordering=starts_at": True,
        f"{list_url}?ordering=-starts_at": True,
        f"{list_url}?q=日期坏掉": True,
        f"{list_url}?q=日期坏掉&ordering=starts_at": True,
        f"{list_url}?organisation={world.branch_a.pk}&status=finalised": True,
        reverse("meetings:calendar"): False,
        reverse("meetings:mine"): True,
        reverse("meetings:compliance", args=[world.branch_a.pk]): False,
        reverse("meetings:compliance", args=[world.branch_a.pk]) + "?period=2026": False,
        reverse("branches:detail", args=[world.branch_a.pk]): True,
    }
    for url, shows_it in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        if shows_it:
            assert "日期无效" in response.content.decode(), url


@pytest.mark.parametrize("kind", KINDS)
def test_the_minutes_of_such_a_meeting_print_with_the_date_invalid(client, world, kind):
    """The minutes PDF is made, its 会议时间 reads 日期无效, and so does its file name."""
    meeting = _unreadable_meeting(world, kind)
    client.force_login(world.secretary_a)
    response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert "日期无效" in pdf_text(b"".join(response.streaming_content))
    assert "日期无效" in response["Content-Disposition"] or "%E6%97%A5%E6%9C%9F" in response["Content-Disposition"]


def test_the_calendar_feed_leaves_such_a_meeting_out(client, world):
    """The .ics feed has the member's other upcoming meetings; one stored for the last hour of 9999 (upcoming, but
    without a time a calendar can hold) is left out."""
    start = timezone.now() + timedelta(days=3)
    make_meeting(world.branch_a, status="planned", starts_at=start, attendees=[world.member_a], topic="正常的会议")
    _unreadable_meeting(world, "end_of_9999", status="planned")
    response = client.get(reverse("meetings:ics", kwargs={"token": ics_token(world.member_user)}))
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["主题党日：正常的会议"]


@pytest.mark.parametrize("kind", KINDS)
def test_its_secretary_can_open_and_delete_it(client, world, kind):
    """The delete page opens; deleting moves the meeting to the recycle bin and keeps the stored value as it was, in
    the row and in its history."""
    meeting = _unreadable_meeting(world, kind)
    before = stored_text(meeting, "starts_at")
    client.force_login(world.secretary_a)
    url = reverse("meetings:delete", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": meeting.version})
    assert response.status_code == 302
    deleted = Meeting.all_objects.get(pk=meeting.pk)
    assert deleted.is_deleted
    assert is_unreadable(deleted.starts_at) and stored_text(meeting, "starts_at") == before
    assert is_unreadable(deleted.history.latest().starts_at)
    trash = client.get(reverse("meetings:trash"))
    assert trash.status_code == 200 and "日期坏掉的会议" in trash.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_its_secretary_can_give_a_planned_one_a_new_date(client, world, kind):
    """The edit page leaves 开始时间 empty and asks for it again; a valid date saves."""
    meeting = _unreadable_meeting(world, kind, status="planned")
    client.force_login(world.secretary_a)
    url = reverse("meetings:edit", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "原日期无效，请重新填写。" in page.content.decode()
    assert page.context["form"].initial["starts_at"] is None
    start = timezone.localtime(timezone.now() + timedelta(days=2))
    data = {
        "types": ["theme_day"],
        "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "topic": "日期修好的会议",
        "version": meeting.version,
    }
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "日期修好的会议" and not is_unreadable(meeting.starts_at)


@pytest.mark.parametrize("kind", KINDS)
def test_the_monthly_summary_leaves_such_a_meeting_out(world, kind):
    """The nightly rebuild and a recount of its month skip a meeting whose month cannot be read; the others count."""
    held = datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)
    make_meeting(world.branch_a, starts_at=held)
    meeting = _unreadable_meeting(world, kind)
    assert month_summary.rebuild() == 1
    assert list(MonthSummary.objects.values_list("month", flat=True)) == [date(2026, 3, 1)]
    meeting = Meeting.all_objects.get(pk=meeting.pk)
    compliance.changed([meeting.organisation_id], months=[meeting.starts_at])
    assert MonthSummary.objects.count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_the_admin_lists_and_opens_such_a_meeting(client, world, kind):
    """The admin's list (sorted by date, which goes without the date drill-down) and the change form answer 200
    with 日期无效 where the date is; the admin can delete it."""
    meeting = _unreadable_meeting(world, kind)
    make_meeting(world.branch_a, topic="正常的会议")
    client.force_login(world.admin)
    changelist = reverse("admin:meetings_meeting_changelist")
    for url in (changelist, f"{changelist}?o=3", f"{changelist}?o=-3", f"{changelist}?q=日期坏掉"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "日期无效" in response.content.decode(), url
    change = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert change.status_code == 200 and "日期无效" in change.content.decode()
    history = client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    assert history.status_code == 200
    response = client.post(reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.all_objects.filter(pk=meeting.pk).exists()


def test_a_meeting_with_an_unreadable_end_still_opens(client, world):
    """An unreadable 结束时间 alone shows as 日期无效 beside a readable start."""
    meeting = make_meeting(world.branch_a, status=MeetingStatus.FINALISED, topic="结束时间坏掉的会议")
    store_raw(meeting, "ends_at", bad_moment("end_of_9999"))
    client.force_login(world.secretary_a)
    for url in (reverse("meetings:detail", args=[meeting.pk]), reverse("meetings:minutes_pdf", args=[meeting.pk])):
        assert client.get(url).status_code == 200
    assert "日期无效" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

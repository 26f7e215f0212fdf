"""The monthly summary the compliance engine reads (meetings.compliance.month_summary): kept by every write, equal
to a rebuild, scheduled nightly, and the compliance page's cache that every change under the organisation renews."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from meetings import selectors, services, tasks
from meetings.compliance import month_summary, page_cache
from meetings.models import AttendanceState, Meeting, MeetingStatus, MeetingType, MonthSummary
from meetings.services import AttendanceEntry
from members import services as member_services
from members.access import SYSTEM
from members.models import Post
from tests.factories import create_member, make_meeting, make_org

pytestmark = pytest.mark.django_db

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9):
    return datetime(y, m, d, hh, 0, tzinfo=SH)


def rows() -> dict:
    """The summary as plain values, for comparing with a rebuild."""
    return {
        (r.organisation_id, r.month): (r.held, r.expected, r.present, r.last_activity)
        for r in MonthSummary.objects.all()
    }


def finalised(world, starts_at, types=(T.THEME_DAY,), organisation=None) -> Meeting:
    """A meeting taken through the services: planned, everyone present, recorded, finalised."""
    lecture = {"lecturer_name": "张书记", "lecture_title": "党章学习"} if T.PARTY_LECTURE in types else {}
    meeting = services.meeting_plan(
        organisation=organisation or world.branch_a,
        types=list(types),
        starts_at=starts_at,
        topic="学习",
        by=SYSTEM,
        **lecture,
    )
    entries = [AttendanceEntry(a.member, AttendanceState.PRESENT) for a in meeting.attendances.select_related("member")]
    services.attendance_record(meeting=meeting, entries=entries, by=SYSTEM)
    services.meeting_record(meeting=meeting, version=meeting.version, minutes="会议内容", by=SYSTEM)
    services.meeting_finalise(meeting=meeting, by=SYSTEM)
    return meeting


def test_the_services_keep_the_month_of_each_meeting(world):
    """Finalising counts the meeting and its attendance in its local month; a planned or held meeting counts only
    as activity; cancelling, deleting and restoring recount it."""
    starts = at(2025, 3, 31, 23)  # 31 March in Shanghai, still March although 15:00 UTC
    planned = services.meeting_plan(
        organisation=world.branch_a, types=[T.THEME_DAY], starts_at=starts, topic="x", by=SYSTEM
    )
    assert not MonthSummary.objects.exists()  # a plan is neither held nor activity

    meeting = finalised(world, starts, [T.THEME_DAY, T.PARTY_LECTURE])
    row = MonthSummary.objects.get(organisation=world.branch_a, month=date(2025, 3, 1))
    attendees = meeting.attendances.count()
    assert row.held == {T.THEME_DAY: 1, T.PARTY_LECTURE: 1}
    assert (row.expected, row.present) == (attendees, attendees)
    assert row.last_activity == starts

    services.meeting_cancel(meeting=planned, by=SYSTEM)
    services.meeting_delete(meeting=meeting, by=SYSTEM)
    assert not MonthSummary.objects.filter(month=date(2025, 3, 1)).exists()

    services.meeting_restore(meeting=meeting, by=SYSTEM)
    assert MonthSummary.objects.get(month=date(2025, 3, 1)).held == {T.THEME_DAY: 1, T.PARTY_LECTURE: 1}


def test_moving_a_meeting_recounts_the_month_it_left(world):
    meeting = services.meeting_plan(
        organisation=world.branch_a, types=[T.THEME_DAY], starts_at=at(2025, 4, 10), topic="x", by=SYSTEM
    )
    services.meeting_record(meeting=meeting, version=meeting.version, minutes="会议内容", by=SYSTEM)
    assert MonthSummary.objects.get().month == date(2025, 4, 1)
    services.meeting_update(meeting=meeting, version=meeting.version, data={"starts_at": at(2025, 5, 2)}, by=SYSTEM)
    assert list(MonthSummary.objects.values_list("month", flat=True)) == [date(2025, 5, 1)]


def test_the_rows_the_services_keep_equal_a_rebuild(world):
    """Whatever the services did, the nightly rebuild finds nothing to correct."""
    first = finalised(world, at(2025, 1, 8), [T.ORGANISATIONAL_LIFE_MEETING])
    finalised(world, at(2025, 1, 20))
    finalised(world, at(2025, 2, 3), organisation=world.group_a1, types=[T.GROUP_MEETING])
    finalised(world, at(2025, 2, 5), organisation=world.branch_b)
    moved = finalised(world, at(2025, 2, 14))
    services.meeting_delete(meeting=moved, by=SYSTEM)
    services.meeting_delete(meeting=first, by=SYSTEM)
    services.meeting_restore(meeting=first, by=SYSTEM)
    kept = rows()
    assert month_summary.rebuild() == len(kept)
    assert rows() == kept


def test_a_rebuild_corrects_rows_written_past_the_services(world):
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2025, 6, 3))
    Meeting.objects.update(status=MeetingStatus.CANCELLED)  # a raw repair the services never saw
    assert MonthSummary.objects.exists()
    tasks.month_summary_rebuild_task.apply().get()
    assert not MonthSummary.objects.exists()


def test_the_nightly_rebuild_is_scheduled():
    task = PeriodicTask.objects.get(task="meetings.tasks.month_summary_rebuild_task")
    assert task.enabled and task.crontab.hour == "2" and str(task.crontab.timezone) == "Asia/Shanghai"


def test_last_activity_of_a_past_day_ignores_later_meetings_of_that_month(world):
    """Silent branches (domain-rules "Organisational life": no meeting for 30 days): asked about 10 June, a meeting
    on 20 June does not count, although the June row of the summary holds it."""
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2025, 5, 2))
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2025, 6, 20))
    [early] = selectors.compliance_for_branches([world.branch_a], "2025-06", today=date(2025, 6, 10))
    assert early.last_activity == date(2025, 5, 2) and early.silent
    [late] = selectors.compliance_for_branches([world.branch_a], "2025-06", today=date(2025, 6, 30))
    assert late.last_activity == date(2025, 6, 20) and not late.silent


def test_admin_edits_recount_the_summary(client, world):
    meeting = make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2025, 7, 1))
    client.force_login(world.admin)
    response = client.post(reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not MonthSummary.objects.exists()


# --- The compliance page's cache -----------------------------------------------------------------------------------


def test_the_compliance_page_follows_every_change_although_cached(client, world):
    """The overview is cached, but a finalised meeting, a member who becomes 正式党员 and a committee all show at
    once (each renews the cached pages of its organisation and above)."""
    client.force_login(world.admin)
    url = reverse("meetings:compliance", args=[world.branch_b.pk]) + "?period=2025-07"
    first = client.get(url).context["rows"][0][0]
    assert first.for_type(T.THEME_DAY).held == 0
    assert client.get(url).context["rows"][0][0].for_type(T.THEME_DAY).held == 0  # from the cache

    finalised(world, at(2025, 7, 9), organisation=world.branch_b)
    assert client.get(url).context["rows"][0][0].for_type(T.THEME_DAY).held == 1

    # 7 正式党员 make a committee owed (domain-rules "Committee"): 支部委员会 becomes required.
    assert client.get(url).context["rows"][0][0].for_type(T.COMMITTEE_MEETING).required == 0
    for i in range(6):
        create_member(world.branch_b, name=f"党员{i}")
    assert client.get(url).context["rows"][0][0].for_type(T.COMMITTEE_MEETING).required == 1


def test_the_overview_is_computed_once_then_only_the_page_is_evaluated(world, settings):
    settings.PAGE_SIZE = 2
    for i in range(5):
        make_org(world.p2, level="branch", name=f"丙{i}党支部", code=f"C{i}")
    today = timezone.localdate()
    period = selectors.rules.period_containing("quarter", today)
    overview, evaluated = selectors.compliance_overview(world.root, period, today)
    assert len(overview.statuses) == len(evaluated) == 8  # A, A1, B and five more
    again, evaluated_again = selectors.compliance_overview(world.root, period, today)
    assert again == overview and evaluated_again == {}
    page = [pk for pk, _status in overview.statuses[2:4]]
    assert [r.organisation.pk for r in selectors.compliance_of_units(page, {}, period, today)] == page


def test_compliance_page_query_count_is_the_same_cached_or_not(client, world):
    client.force_login(world.reviewer)
    url = reverse("meetings:compliance", args=[world.p1.pk])
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert len(warm) == len(cold)


def test_a_committee_term_renews_the_pages_of_its_branch_and_above_only(world):
    """A new committee in branch B renews B's and the root's compliance pages, not branch A's."""

    def key(organisation):
        return page_cache.key("compliance", [organisation.path])

    before = {org.pk: key(org) for org in (world.branch_a, world.branch_b, world.root)}
    posts = [(world.secretary_b_member, Post.SECRETARY), (world.member_b, Post.DEPUTY_SECRETARY)]
    member_services.committee_term_start(
        organisation=world.branch_b, elected_on=date(2025, 6, 1), posts=posts, by=SYSTEM
    )
    assert key(world.branch_b) != before[world.branch_b.pk]
    assert key(world.root) != before[world.root.pk]
    assert key(world.branch_a) == before[world.branch_a.pk]


def test_a_late_record_counts_in_the_month_the_meeting_was_held(world):
    """Backfilled minutes count where the meeting happened, not when they were typed."""
    held_on = timezone.now() - timedelta(days=40)
    meeting = finalised(world, held_on)
    assert MonthSummary.objects.get().month == month_summary.month_of(meeting.starts_at)

"""The 党委书记's yearly 党课 (支部工作条例 §16: the 书记 of each 党委 gives at least one 党课 a year for its subtree):
recorded as a 党课 meeting of the 党委 with its 书记 as lecturer, shown on the 党委's compliance page to its
reviewers, printed by the `compliance` command, and alerted when the year ends without it."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from branches.errors import DomainError
from branches.models import Level
from meetings import rules, selectors, services
from meetings.models import AttendanceState, MeetingStatus, MeetingType
from meetings.services import AttendanceEntry
from members.access import SYSTEM, scope_for
from members.models import Post
from notifications.models import Notice, NoticeKind
from notifications.services import compliance_alerts_create
from tests.factories import make_committee, make_meeting, make_org

pytestmark = pytest.mark.django_db

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")
YEAR = rules.period_range("year", 2025)


def at(y, m, d):
    return datetime(y, m, d, 9, 0, tzinfo=SH)


# --- Rules ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "owes"),
    [
        (Level.SUPERIOR_COMMITTEE, True),
        (Level.PRIMARY_COMMITTEE, True),
        (Level.GENERAL_BRANCH, False),  # a 党总支 is no 党委
        (Level.BRANCH, False),
        (Level.PARTY_GROUP, False),
    ],
)
def test_each_committee_owes_its_secretarys_lecture(level, owes):
    """支部工作条例 §16: the 党委（党组）书记 gives at least one 党课 a year — each 党委, 基层 and higher."""
    assert rules.owes_secretary_lecture(level) is owes


@pytest.mark.parametrize(
    ("held", "today", "status"),
    [
        (0, date(2025, 10, 1), rules.NEUTRAL),  # the last quarter's first day: more than a quarter of the year left
        (0, date(2025, 10, 2), rules.YELLOW),  # less than a quarter left: due soon
        (0, date(2025, 12, 31), rules.YELLOW),  # the year's last day
        (0, date(2026, 1, 1), rules.RED),  # the day after the year ended without it
        (1, date(2025, 3, 1), rules.GREEN),  # given
        (2, date(2026, 1, 1), rules.GREEN),
    ],
)
def test_secretary_lecture_status(held, today, status):
    """Green once given; yellow when less than a quarter of the year remains; red once the year ended without it."""
    assert rules.secretary_lecture_status(held, YEAR, today) == status


@pytest.mark.parametrize(
    ("founded_on", "required"),
    [(date(2025, 12, 30), 1), (date(2025, 12, 31), 0), (date(2026, 1, 1), 0), (None, 1)],
)
def test_a_committee_owes_it_from_its_founding(founded_on, required):
    """A requirement applies from the founding day: a year that ends on or before it is not due."""
    assert rules.secretary_lecture_required(YEAR, founded_on) == required
    if not required:
        assert rules.secretary_lecture_status(0, YEAR, date(2026, 2, 1), founded_on) == rules.NEUTRAL


# --- Recording it --------------------------------------------------------------------------------------------------


@pytest.fixture
def committee(world):
    """P1's committee: 张书记 (of branch A, below P1) is its 书记, 王党员 a member."""
    make_committee(
        world.p1,
        [(world.secretary_a_member, Post.SECRETARY), (world.member_a, Post.COMMITTEE_MEMBER)],
        elected_on=date(2024, 3, 1),
    )
    return world


def _lecture(world, *, lecturer, starts_at, finalise=True, organisation=None):
    meeting = services.meeting_plan(
        organisation=organisation or world.p1,
        types=[T.PARTY_LECTURE],
        starts_at=starts_at,
        topic="党委书记讲党课",
        lecturer=lecturer,
        lecture_title="以高质量党建引领高质量发展",
        by=SYSTEM,
    )
    services.meeting_record(meeting=meeting, version=meeting.version, minutes="授课内容", by=SYSTEM)
    entries = [AttendanceEntry(a.member, AttendanceState.PRESENT) for a in meeting.attendances.select_related("member")]
    services.attendance_record(meeting=meeting, entries=entries, by=SYSTEM)
    if finalise:
        services.meeting_finalise(meeting=meeting, by=scope_for(world.admin))
    return meeting


def test_a_committee_records_its_secretarys_lecture(committee):
    """A 党委 plans and finalises a 党课 with its 书记 as lecturer; its committee is expected."""
    world = committee
    meeting = _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2025, 6, 20))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINALISED and meeting.organisation == world.p1
    assert set(meeting.attendances.values_list("member__name", flat=True)) == {"张书记", "王党员"}


def test_a_committee_records_no_other_meeting(committee):
    """A 党委 records only its 书记's 党课 here; a 党总支 holds no meeting of its own."""
    world = committee
    with pytest.raises(DomainError) as error:
        services.meeting_plan(
            organisation=world.p1, types=[T.THEME_DAY], starts_at=at(2025, 6, 1), topic="主题党日", by=SYSTEM
        )
    assert error.value.field == "types"
    general = make_org(world.p1, level=Level.GENERAL_BRANCH)
    with pytest.raises(DomainError) as error:
        services.meeting_plan(
            organisation=general, types=[T.PARTY_LECTURE], starts_at=at(2025, 6, 1), topic="党课", by=SYSTEM
        )
    assert error.value.field == "organisation"


def test_the_lecturer_comes_from_the_subtree(committee):
    """A member of a branch outside the 党委 (branch B, under P2) cannot be its lecturer."""
    world = committee
    with pytest.raises(DomainError) as error:
        _lecture(world, lecturer=world.member_b, starts_at=at(2025, 6, 20))
    assert error.value.field == "lecturer"


def test_only_the_secretarys_finalised_lecture_counts(committee):
    """Counted: finalised 党课 of the 党委 whose lecturer is its 书记; not another lecturer's, not a draft, not one
    in another year, not a branch's 党课 given by the same person."""
    world = committee
    _lecture(world, lecturer=world.member_a, starts_at=at(2025, 4, 10))  # a committee member, not the 书记
    _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2025, 5, 10), finalise=False)
    _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2024, 12, 20))
    make_meeting(world.branch_a, [T.PARTY_LECTURE], starts_at=at(2025, 7, 1), lecturer=world.secretary_a_member)
    [item] = selectors.secretary_lectures([world.p1], YEAR, date(2026, 1, 5))
    assert (item.held, item.status, item.secretary_name) == (0, rules.RED, "张书记")
    given = _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2025, 11, 3))
    [item] = selectors.secretary_lectures([world.p1], YEAR, date(2026, 1, 5))
    assert (item.held, item.status) == (1, rules.GREEN) and item.lectures[0].pk == given.pk


def test_a_lecture_by_the_secretary_of_the_day_counts_after_a_new_election(committee):
    """The 书记 in office on the lecture's day counts even when a later election chose another 书记."""
    world = committee
    _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2025, 3, 10))
    make_committee(world.p1, [(world.member_a, Post.SECRETARY)], elected_on=date(2025, 9, 1))
    [item] = selectors.secretary_lectures([world.p1], YEAR, date(2025, 12, 1))
    assert (item.held, item.secretary_name) == (1, "王党员")


# --- Pages, command and alerts -------------------------------------------------------------------------------------


def test_the_committees_compliance_page_shows_it_to_its_reviewers(client, committee):
    """P1's reviewer reads, on P1's compliance page, whether its 书记's 党课 of the chosen period's year is done;
    the root's page lists every 党委 below; a branch's page has no such section."""
    world = committee
    lecture = _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2025, 6, 20))
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:compliance", args=[world.p1.pk]) + "?period=2025-Q3")
    [(item, can_record)] = response.context["secretary_lectures"]
    assert item.organisation == world.p1 and item.status == rules.GREEN and not can_record
    html = response.content.decode()
    assert "党委书记讲党课（2025年）" in html and reverse("meetings:detail", args=[lecture.pk]) in html
    client.force_login(world.admin)
    response = client.get(reverse("meetings:compliance", args=[world.root.pk]) + "?period=2025")
    statuses = {item.organisation.code: item.status for item, _can in response.context["secretary_lectures"]}
    assert statuses == {"ROOT": rules.RED, "P1": rules.GREEN, "P2": rules.RED}
    assert f"?organisation={world.p2.pk}&amp;type=party_lecture" in response.content.decode()
    response = client.get(reverse("meetings:compliance", args=[world.branch_a.pk]))
    assert response.context["secretary_lectures"] == []


def test_the_plan_page_of_a_committee_offers_the_lecture_by_its_secretary(client, committee):
    """Planning for a 党委: the type 党课 and its 书记 as lecturer are filled in; the people offered are its
    committee."""
    world = committee
    client.force_login(world.admin)
    response = client.get(reverse("meetings:create") + f"?organisation={world.p1.pk}&type=party_lecture")
    form = response.context["form"]
    assert form.initial["types"] == [T.PARTY_LECTURE]
    assert form.initial["lecturer"] == world.secretary_a_member.pk
    assert set(form.fields["lecturer"].queryset) == {world.secretary_a_member, world.member_a}
    assert list(form.fields["organisation"].queryset) == [world.p1]


def test_the_command_prints_it_with_the_year(committee):
    """`compliance --org P1` prints each 党委's 书记 lecture for the period's year, as the page does."""
    world = committee
    _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2025, 6, 20))
    out = StringIO()
    call_command("compliance", "--org", "P1", "--period", "2025-Q2", "--today", "2026-01-05", stdout=out)
    text = out.getvalue()
    assert "Committee secretary's party lecture 2025" in text
    assert "P1  第一基层党委  required=1  held=1  green" in text


def test_a_year_ended_without_it_is_alerted_once(committee):
    """On a day of the next year: a 党委 without its 书记's 党课 → its 书记, its own and its parent's reviewers, once;
    a 党委 that gave it gets nothing."""
    world = committee
    compliance_alerts_create(today=date(2026, 1, 5), by=SYSTEM)
    rows = Notice.objects.filter(kind=NoticeKind.OVERDUE, key__contains="secretary_lecture")
    by_org = {(n.organisation_id, n.user_id) for n in rows}
    assert by_org == {(world.p1.pk, world.secretary_a.pk), (world.p1.pk, world.reviewer.pk)}
    assert all("|2025|" in n.key for n in rows)
    compliance_alerts_create(today=date(2026, 2, 1), by=SYSTEM)
    assert rows.count() == 2

    Notice.objects.all().delete()
    _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2025, 6, 20))
    compliance_alerts_create(today=date(2026, 1, 6), by=SYSTEM)
    assert not Notice.objects.filter(key__contains="secretary_lecture", organisation=world.p1).exists()


def test_an_old_committee_term_does_not_make_a_new_lecture_count(committee):
    """A lecturer who held 书记 only in an earlier term (before the term in force on the day) does not count."""
    world = committee
    make_committee(world.p1, [(world.member_a, Post.SECRETARY)], elected_on=date(2025, 1, 1))
    _lecture(world, lecturer=world.secretary_a_member, starts_at=at(2025, 6, 20))
    [item] = selectors.secretary_lectures([world.p1], YEAR, date(2026, 1, 5))
    assert item.held == 0


def test_a_lecture_needs_the_days_start_within_the_year(committee):
    """The year is the local (Asia/Shanghai) calendar year: a lecture at 1 January 00:30 counts for that year."""
    world = committee
    _lecture(world, lecturer=world.secretary_a_member, starts_at=datetime(2025, 1, 1, 0, 30, tzinfo=SH))
    [item] = selectors.secretary_lectures([world.p1], YEAR, date(2025, 1, 2))
    assert item.held == 1
    assert selectors.secretary_lectures([world.p1], rules.period_range("year", 2024), date(2025, 1, 2))[0].held == 0

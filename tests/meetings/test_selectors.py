"""Meeting reads and the compliance engine: requirements, held counts, status, attendance, silence, query counts."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from branches.models import Level
from meetings import rules, selectors, services
from meetings.models import AttendanceState, MeetingStatus, MeetingType, Period
from meetings.rules import GREEN, NEUTRAL, RED, YELLOW
from members.access import SYSTEM, scope_for
from members.models import Post
from tests.factories import MemberFactory, make_committee, make_meeting, make_org

pytestmark = pytest.mark.django_db

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def one(org, period, today):
    [result] = selectors.compliance_for_branches([org], period, today=today)
    return result


# --- Requirements --------------------------------------------------------------------------------------------------


def test_requirements_default_then_nearest_ancestor_wins(world):
    """Defaults apply until an organisation overrides them for its subtree; the nearest ancestor's setting wins."""
    assert selectors.requirements_for(world.branch_a)[T.PARTY_LECTURE] == rules.default_requirement(T.PARTY_LECTURE)
    services.requirement_override_set(
        organisation=world.root, meeting_type=T.PARTY_LECTURE, period="month", count=1, by=SYSTEM
    )
    services.requirement_override_set(
        organisation=world.p1, meeting_type=T.PARTY_LECTURE, period="quarter", count=2, by=SYSTEM
    )
    assert selectors.requirements_for(world.branch_a)[T.PARTY_LECTURE] == rules.Requirement(
        T.PARTY_LECTURE, Period.QUARTER, 2
    )
    assert selectors.requirements_for(world.branch_b)[T.PARTY_LECTURE] == rules.Requirement(
        T.PARTY_LECTURE, Period.MONTH, 1
    )
    services.requirement_override_set(
        organisation=world.branch_a, meeting_type=T.PARTY_LECTURE, period="year", count=0, by=SYSTEM
    )
    assert selectors.requirements_for(world.branch_a)[T.PARTY_LECTURE].count == 0
    # Other types keep their defaults.
    assert selectors.requirements_for(world.branch_a)[T.THEME_DAY] == rules.default_requirement(T.THEME_DAY)


def test_requirements_for_takes_one_query(world, django_assert_num_queries):
    services.requirement_override_set(
        organisation=world.root, meeting_type=T.PARTY_LECTURE, period="month", count=1, by=SYSTEM
    )
    with django_assert_num_queries(1):
        selectors.requirements_for(world.branch_a)


def test_override_changes_compliance(world):
    """A committee requiring a monthly 党课: its branches owe one in November, others do not."""
    services.requirement_override_set(
        organisation=world.p1, meeting_type=T.PARTY_LECTURE, period="month", count=1, by=SYSTEM
    )
    a, b = selectors.compliance_for_branches([world.branch_a, world.branch_b], "2026-11", today=date(2026, 12, 1))
    assert (a.for_type(T.PARTY_LECTURE).required, a.for_type(T.PARTY_LECTURE).status) == (1, RED)
    assert b.for_type(T.PARTY_LECTURE).window.code == "2026-Q4"


# --- Held counts and status ----------------------------------------------------------------------------------------


def test_only_finalised_meetings_count(world):
    """Held counts are finalised records only: planned, held drafts, cancelled and deleted meetings do not count."""
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 11, 3), status=MeetingStatus.PLANNED)
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 11, 4), status=MeetingStatus.HELD)
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 11, 5), status=MeetingStatus.CANCELLED)
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 11, 6), is_deleted=True)
    result = one(world.branch_a, "2026-11", date(2026, 12, 1))
    assert (result.for_type(T.THEME_DAY).held, result.for_type(T.THEME_DAY).status) == (0, RED)
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 11, 7))
    result = one(world.branch_a, "2026-11", date(2026, 12, 1))
    assert (result.for_type(T.THEME_DAY).held, result.for_type(T.THEME_DAY).status) == (1, GREEN)


def test_one_meeting_counts_for_each_of_its_types(world):
    """A 主题党日 that includes a 党课 counts for both."""
    make_meeting(world.branch_a, [T.THEME_DAY, T.PARTY_LECTURE], starts_at=at(2026, 8, 1))
    result = one(world.branch_a, "2026-Q3", date(2026, 10, 1))
    assert result.for_type(T.PARTY_LECTURE).status == GREEN
    assert (result.for_type(T.THEME_DAY).required, result.for_type(T.THEME_DAY).held) == (3, 1)
    assert result.for_type(T.THEME_DAY).status == RED


def test_period_boundary_in_shanghai(world):
    """A meeting at 2026-03-31 23:30 Shanghai (15:30 UTC) is in March and Q1; one at 00:30 on 1 April
    Shanghai (still 31 March in UTC) is in April and Q2."""
    make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=at(2026, 3, 31, 23, 30))
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=datetime(2026, 3, 31, 16, 30, tzinfo=UTC))
    today = date(2026, 7, 1)
    q1, q2 = one(world.branch_a, "2026-Q1", today), one(world.branch_a, "2026-Q2", today)
    assert q1.for_type(T.GENERAL_MEETING).held == 1 and q2.for_type(T.GENERAL_MEETING).held == 0
    assert q1.for_type(T.THEME_DAY).held == 0 and q2.for_type(T.THEME_DAY).held == 1
    march, april = one(world.branch_a, "2026-03", today), one(world.branch_a, "2026-04", today)
    assert march.for_type(T.THEME_DAY).status == RED
    assert april.for_type(T.THEME_DAY).status == GREEN
    # Year end: 2026-12-31 17:00 UTC is 2027-01-01 01:00 in Shanghai.
    make_meeting(world.branch_a, [T.ORGANISATIONAL_LIFE_MEETING], starts_at=datetime(2026, 12, 31, 17, 0, tzinfo=UTC))
    assert one(world.branch_a, "2026", date(2027, 2, 1)).for_type(T.ORGANISATIONAL_LIFE_MEETING).held == 0
    assert one(world.branch_a, "2027", date(2027, 2, 1)).for_type(T.ORGANISATIONAL_LIFE_MEETING).held == 1


def test_status_follows_the_calendar(world):
    """Green when held; during the month neutral, yellow near its end; red once it has passed."""
    assert one(world.branch_a, "2026-11", date(2026, 11, 10)).for_type(T.THEME_DAY).status == NEUTRAL
    assert one(world.branch_a, "2026-11", date(2026, 11, 25)).for_type(T.THEME_DAY).status == YELLOW
    assert one(world.branch_a, "2026-11", date(2026, 12, 1)).for_type(T.THEME_DAY).status == RED
    assert one(world.branch_a, "2026-11", date(2026, 12, 1)).status == RED


def test_yearly_types_in_a_month_view_are_judged_over_the_year(world):
    """组织生活会 (yearly) viewed for November: counted over 2026, yellow in the last quarter until held."""
    result = one(world.branch_a, "2026-11", date(2026, 11, 10))
    org_life = result.for_type(T.ORGANISATIONAL_LIFE_MEETING)
    assert (org_life.required, org_life.window.code, org_life.status) == (1, "2026", YELLOW)
    make_meeting(world.branch_a, [T.ORGANISATIONAL_LIFE_MEETING], starts_at=at(2026, 2, 10))
    assert one(world.branch_a, "2026-11", date(2026, 11, 10)).for_type(T.ORGANISATIONAL_LIFE_MEETING).status == GREEN


def test_committee_meeting_required_only_with_a_committee(world):
    """Committee (domain-rules, Quorum): a 支委会 only exists with 7 or more 正式党员; a smaller branch with posts
    beyond 书记 owes no monthly 支部委员会 (it gets a structure warning instead)."""
    assert one(world.branch_a, "2026-11", date(2026, 12, 1)).for_type(T.COMMITTEE_MEETING).required == 0
    officers = [MemberFactory(organisation=world.branch_a) for _ in range(2)]
    make_committee(
        world.branch_a,
        [(world.secretary_a_member, Post.SECRETARY)] + [(m, Post.COMMITTEE_MEMBER) for m in officers],
    )
    result = one(world.branch_a, "2026-11", date(2026, 12, 1)).for_type(T.COMMITTEE_MEETING)
    assert (result.required, result.status) == (0, NEUTRAL)
    for _ in range(6):
        MemberFactory(organisation=world.branch_b)
    assert one(world.branch_b, "2026-11", date(2026, 12, 1)).for_type(T.COMMITTEE_MEETING).required == 1


@pytest.mark.parametrize(
    ("confirmed_on", "elected_on", "year_required", "july"),
    [
        # The 7th 正式党员 confirmed on 2026-07-30 / 31 / 08-01: July is due when the day is before its end.
        (date(2026, 7, 30), date(2020, 1, 1), 6, (1, RED)),
        (date(2026, 7, 31), date(2020, 1, 1), 5, (0, NEUTRAL)),
        (date(2026, 8, 1), date(2020, 1, 1), 5, (0, NEUTRAL)),
        # The first election mid-period: from the month of the election on (a month's last day: the next).
        (date(2000, 1, 1), date(2026, 7, 30), 6, (1, RED)),
        (date(2000, 1, 1), date(2026, 7, 31), 5, (0, NEUTRAL)),
    ],
)
def test_committee_meeting_due_from_the_committee_on(world, confirmed_on, elected_on, year_required, july):
    """支部委员会 (domain-rules, Quorum and compliance): due only for months in which the branch has a committee
    (7 正式党员) and, where a term starts mid-period, from its first election on: only months ending after the
    day."""
    branch = make_org(world.p1, code="GROWS")
    people = [MemberFactory(organisation=branch, confirmed_on=date(2000, 1, 1)) for _ in range(6)]
    people.append(MemberFactory(organisation=branch, confirmed_on=confirmed_on))
    make_committee(branch, [(people[0], Post.SECRETARY), (people[1], Post.ORGANISATION_OFFICER),
                            (people[2], Post.PUBLICITY_OFFICER)], elected_on=elected_on)  # fmt: skip
    year = one(branch, "2026", date(2027, 1, 5)).for_type(T.COMMITTEE_MEETING)
    assert (year.required, year.status) == (year_required, RED)
    month = one(branch, "2026-07", date(2027, 1, 5)).for_type(T.COMMITTEE_MEETING)
    assert (month.required, month.status) == july


def test_party_group_owes_group_meetings_only(world):
    """党小组会 is owed by the party group, not by the branch."""
    group = one(world.group_a1, "2026-11", date(2026, 12, 1))
    assert [t.meeting_type for t in group.required_types] == [T.GROUP_MEETING]
    assert one(world.branch_a, "2026-11", date(2026, 12, 1)).for_type(T.GROUP_MEETING).required == 0
    make_meeting(world.group_a1, [T.GROUP_MEETING], starts_at=at(2026, 11, 12))
    assert one(world.group_a1, "2026-11", date(2026, 12, 1)).for_type(T.GROUP_MEETING).status == GREEN


def test_attendance_rate_over_finalised_meetings(world):
    """Attendance rate: present over expected at the period's finalised meetings (leave counts as expected)."""
    people = [world.secretary_a_member, world.member_a]
    make_meeting(world.branch_a, starts_at=at(2026, 11, 2), attendees=people, present=people)
    make_meeting(world.branch_a, starts_at=at(2026, 11, 20), attendees=people, present=people[:1])
    make_meeting(world.branch_a, starts_at=at(2026, 11, 21), attendees=people, status=MeetingStatus.HELD)
    make_meeting(world.branch_a, starts_at=at(2026, 10, 30), attendees=people)
    result = one(world.branch_a, "2026-11", date(2026, 12, 1))
    assert (result.expected, result.present, result.attendance_rate) == (4, 3, 0.75)
    assert one(world.branch_b, "2026-11", date(2026, 12, 1)).attendance_rate is None


def test_silent_branch(world):
    """静默支部: no held or finalised meeting for more than 30 days; a party group's meeting is branch activity."""
    today = date(2026, 11, 20)
    make_meeting(world.branch_a, starts_at=at(2026, 10, 1))
    make_meeting(world.branch_a, starts_at=at(2026, 11, 10), status=MeetingStatus.PLANNED)
    result = one(world.branch_a, "2026-11", today)
    assert result.silent and result.last_activity == date(2026, 10, 1)
    make_meeting(world.group_a1, [T.GROUP_MEETING], starts_at=at(2026, 11, 1), status=MeetingStatus.HELD)
    result = one(world.branch_a, "2026-11", today)
    assert not result.silent and result.last_activity == date(2026, 11, 1)
    assert one(world.branch_b, "2026-11", today).silent


def test_compliance_units_under_an_organisation(world):
    """The compliance of an organisation covers its branches and party groups in tree order."""
    assert list(selectors.compliance_units(world.root)) == [world.branch_a, world.group_a1, world.branch_b]
    assert list(selectors.compliance_units(world.branch_b)) == [world.branch_b]


@pytest.mark.parametrize("period", ["2026-11", "2026-Q4", "2026"])
def test_compliance_queries_do_not_grow_with_branches(world, django_assert_num_queries, period):
    """The engine aggregates with GROUP BY: the same number of queries for 5 branches as for 50 (seven: the
    summary, the 7th 正式党员, the first elections, the members' talks, the requirements, the last activity)."""
    parent = make_org(world.root, level=Level.PRIMARY_COMMITTEE, code="MANY")
    services.requirement_override_set(
        organisation=parent, meeting_type=T.PARTY_LECTURE, period="month", count=1, by=SYSTEM
    )
    branches = []
    for i in range(50):
        branch = make_org(parent, level=Level.BRANCH, code=f"MANY{i:02d}")
        member = MemberFactory(organisation=branch)
        make_meeting(branch, [T.THEME_DAY], starts_at=at(2026, 11, 3), attendees=[member], present=[member])
        branches.append(branch)
    counts = []
    for size in (5, 50):
        units = branches[:size]
        with django_assert_num_queries(7) as captured:
            results = selectors.compliance_for_branches(units, period, today=date(2026, 12, 1))
        counts.append(len(captured.captured_queries))
        assert len(results) == size
        assert all(r.for_type(T.THEME_DAY).held == 1 for r in results)
    assert counts[0] == counts[1]


# --- Calendar and due list -----------------------------------------------------------------------------------------


def test_year_calendar(world, django_assert_num_queries):
    """The branch page's calendar: 12 months × types, from the same figures, in a fixed number of queries."""
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 3, 5))
    make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=at(2026, 5, 5))
    with django_assert_num_queries(2):
        calendar = selectors.compliance_year_calendar(world.branch_a, 2026, today=date(2026, 12, 4))
    assert [month.code for month, _c in calendar] == [f"2026-{m:02d}" for m in range(1, 13)]
    by_month = {month.n: c for month, c in calendar}
    assert by_month[3].for_type(T.THEME_DAY).status == GREEN
    assert by_month[4].for_type(T.THEME_DAY).status == RED
    assert by_month[12].for_type(T.THEME_DAY).status == NEUTRAL
    # A quarterly meeting shows in each month of its quarter.
    assert [by_month[m].for_type(T.GENERAL_MEETING).status for m in (4, 5, 6, 7)] == [GREEN, GREEN, GREEN, RED]


def test_due_this_month(world):
    """What a branch still owes this month: this month's unmet meetings plus yearly ones turning yellow."""
    due = selectors.due_this_month(world.branch_a, today=date(2026, 12, 4))
    assert {t.meeting_type for t in due} == {
        T.THEME_DAY,
        T.GENERAL_MEETING,
        T.PARTY_LECTURE,
        T.ORGANISATIONAL_LIFE_MEETING,
        T.MEMBER_APPRAISAL,
        T.HEART_TO_HEART_TALK,
    }
    make_meeting(world.branch_a, [T.THEME_DAY, T.PARTY_LECTURE], starts_at=at(2026, 12, 2))
    due = selectors.due_this_month(world.branch_a, today=date(2026, 12, 4))
    assert T.THEME_DAY not in {t.meeting_type for t in due}
    # In February only the month's own and nothing yearly yet.
    due = selectors.due_this_month(world.branch_a, today=date(2027, 2, 4))
    assert {t.meeting_type for t in due} == {T.THEME_DAY}


# --- Meetings a user may see ---------------------------------------------------------------------------------------


def test_visibility_follows_the_access_layer(world):
    """Secretaries see their branch, reviewers their subtree, members their own branch, admins everything."""
    a = make_meeting(world.branch_a)
    group = make_meeting(world.group_a1, [T.GROUP_MEETING])
    b = make_meeting(world.branch_b)
    visible = {
        role: set(selectors.meetings_visible_to(scope_for(user)).values_list("pk", flat=True))
        for role, user in world.users().items()
        if user is not None
    }
    assert visible["member"] == {a.pk, group.pk}
    assert visible["secretary_a"] == {a.pk, group.pk}
    assert visible["secretary_b"] == {b.pk}
    assert visible["reviewer"] == {a.pk, group.pk}
    assert visible["admin"] == {a.pk, group.pk, b.pk}


def test_list_and_detail_querysets_have_bounded_queries(world, django_assert_num_queries):
    """The list annotates attendance; the detail prefetches everything: query counts do not grow with rows."""
    scope = scope_for(world.admin)
    for size in (5, 50):
        people = [MemberFactory(organisation=world.branch_a) for _ in range(size)]
        for _ in range(size // 5):
            meeting = make_meeting(world.branch_a, [T.THEME_DAY, T.PARTY_LECTURE], attendees=people, present=people[:2])
        with django_assert_num_queries(2):
            rows = list(selectors.meetings_for_list(scope)[:25])
            assert all(len(r.type_labels) == 2 for r in rows)
        with django_assert_num_queries(7):
            detail = selectors.meeting_detail_queryset(scope).get(pk=meeting.pk)
            names = [a.member.name for a in detail.attendances.all()]
            _ = (detail.types, list(detail.guests.all()), list(detail.photos.all()), list(detail.attachments.all()))
            _ = [a.author for a in detail.amendments.all()]
        assert len(names) == size


def test_upcoming_and_history_for_a_member(world):
    """A member sees the planned meetings they are expected at, and their own attendance at held meetings."""
    soon = make_meeting(
        world.branch_a,
        starts_at=timezone.now() + timedelta(days=2),
        status=MeetingStatus.PLANNED,
        attendees=[world.member_a],
    )
    make_meeting(world.branch_a, starts_at=timezone.now() + timedelta(days=3), status=MeetingStatus.PLANNED)
    past = make_meeting(world.branch_a, attendees=[world.member_a], present=[world.member_a])
    assert list(selectors.meetings_upcoming_for(world.member_a)) == [soon]
    history = list(selectors.attendance_history_for(world.member_a))
    assert [(h.meeting, h.state) for h in history] == [(past, AttendanceState.PRESENT)]


def test_deleted_meetings_for_the_recycle_bin(world):
    """The recycle bin lists deleted meetings in the part of the tree the user manages."""
    meeting = make_meeting(world.branch_a, is_deleted=True)
    assert list(selectors.meetings_deleted_for(scope_for(world.secretary_a))) == [meeting]
    assert list(selectors.meetings_deleted_for(scope_for(world.secretary_b))) == []


def test_meeting_quorum_figures(world):
    """The finalise page's figures: voters expected, present, needed, met — per type with a quorum."""
    meeting = make_meeting(
        world.branch_a,
        [T.GENERAL_MEETING, T.PARTY_LECTURE],
        status=MeetingStatus.HELD,
        attendees=[world.secretary_a_member, world.member_a],
        present=[world.secretary_a_member],
    )
    [check] = selectors.meeting_quorum(meeting)
    assert (check.meeting_type, check.voting_expected, check.voting_present, check.needed, check.met) == (
        T.GENERAL_MEETING,
        2,
        1,
        2,
        False,
    )

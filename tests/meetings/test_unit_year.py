"""One unit's year read once for the branch page: the same figures as the engine, what is arranged, query counts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meetings import selectors, services
from meetings.compliance import engine
from meetings.models import MeetingStatus, MeetingType
from members.access import SYSTEM
from tests.factories import MemberFactory, make_meeting

pytestmark = pytest.mark.django_db

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 4)


def at(y, m, d, hh=9):
    return datetime(y, m, d, hh, tzinfo=SH)


@pytest.fixture
def busy(world):
    """A year of branch A: finalised meetings with attendance, one with two types, a held one not yet finalised,
    a deleted one, one of its 党小组, one of last year, and a requirement set above it."""
    people = [world.secretary_a_member, world.member_a, MemberFactory(organisation=world.branch_a)]
    make_meeting(world.branch_a, [T.THEME_DAY, T.PARTY_LECTURE], starts_at=at(2026, 3, 5), attendees=people,
                 present=people[:2])  # fmt: skip
    make_meeting(world.branch_a, [T.COMMITTEE_MEETING], starts_at=at(2026, 3, 20), attendees=people[:1],
                 present=people[:1])  # fmt: skip
    make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=at(2026, 11, 30, 23))  # no attendance recorded
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 11, 28), status=MeetingStatus.HELD)
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 6, 5), is_deleted=True)
    make_meeting(world.group_a1, [T.GROUP_MEETING], starts_at=at(2026, 12, 1))
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2025, 12, 5))
    services.requirement_override_set(
        organisation=world.p1, meeting_type=T.PARTY_LECTURE, period="month", count=1, by=SYSTEM
    )
    return world


def _engine_calendar(unit, year, today):
    """The calendar as the engine computes it for many units at a time."""
    figures = engine.year_figures([unit], year, min(today, date(year, 12, 31)))
    return [(month, engine.evaluate(unit, figures, month, today)) for month in selectors.rules.period_range(
        "year", year).months()]  # fmt: skip


@pytest.mark.parametrize("unit_name", ["branch_a", "group_a1"])
@pytest.mark.parametrize("year", [2026, 2025])
def test_unit_year_gives_the_engines_figures(busy, unit_name, year):
    """Every month's figures and statuses, attendance and last activity equal the engine's, for a branch and a
    党小组, this year and last."""
    unit = getattr(busy, unit_name)
    assert selectors.unit_year(unit, year, TODAY).calendar() == _engine_calendar(unit, year, TODAY)


def test_due_this_month_is_the_engines_month(busy):
    """ "本月待办" is evaluated from the year's figures exactly as the engine evaluates the month."""
    month = selectors.rules.period_containing("month", TODAY)
    [engine] = selectors.compliance_for_branches([busy.branch_a], month, TODAY)
    expected = [t for t in engine.required_types if t.held < t.required
                and (t.window.end <= month.end or t.status in ("yellow", "red"))]  # fmt: skip
    assert expected
    assert selectors.unit_year(busy.branch_a, TODAY.year, TODAY).due_this_month() == expected
    assert selectors.due_this_month(busy.branch_a, today=TODAY) == expected


def test_arranged_meetings_are_this_months_planned_or_held_from_today(world):
    """What "本月待办" links to: the soonest planned (or held, not finalised) meeting of each type from today to
    the month's end; not finalised, deleted, earlier or next month's ones."""
    soon = make_meeting(world.branch_a, [T.THEME_DAY, T.PARTY_LECTURE], starts_at=at(2026, 12, 10),
                        status=MeetingStatus.PLANNED)  # fmt: skip
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2026, 12, 20), status=MeetingStatus.PLANNED)
    held = make_meeting(world.branch_a, [T.COMMITTEE_MEETING], starts_at=at(2026, 12, 4, 8), status=MeetingStatus.HELD)
    make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=at(2026, 12, 3), status=MeetingStatus.PLANNED)
    make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=at(2027, 1, 5), status=MeetingStatus.PLANNED)
    make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=at(2026, 12, 15), status=MeetingStatus.PLANNED,
                 is_deleted=True)  # fmt: skip
    make_meeting(world.branch_a, [T.HEART_TO_HEART_TALK], starts_at=at(2026, 12, 8))  # finalised: counts as held
    planned = selectors.unit_year(world.branch_a, 2026, TODAY).planned_for(list(T.values))
    assert {t: m.pk for t, m in planned.items()} == {
        T.THEME_DAY: soon.pk,
        T.PARTY_LECTURE: soon.pk,
        T.COMMITTEE_MEETING: held.pk,
    }
    assert planned[T.THEME_DAY].get_absolute_url() == soon.get_absolute_url()
    assert selectors.unit_year(world.branch_a, 2026, TODAY).planned_for([T.GENERAL_MEETING]) == {}


@pytest.mark.parametrize("meetings", [1, 20])
def test_unit_year_takes_two_queries(busy, meetings, django_assert_num_queries):
    """Two queries, however many meetings the year holds."""
    for day in range(1, meetings + 1):
        make_meeting(busy.branch_a, [T.THEME_DAY], starts_at=at(2026, 1 + day % 11, 1 + day % 27))
    with django_assert_num_queries(2):
        selectors.unit_year(busy.branch_a, 2026, TODAY)


def test_calendar_and_due_this_month_share_one_read(busy, django_assert_num_queries):
    """On one page the calendar and "本月待办" read the year once between them (`unit_page`), and render from it
    without a query."""
    from django.template.loader import render_to_string

    with django_assert_num_queries(2):
        unit = selectors.unit_page(busy.branch_a, timezone.localdate())
    with django_assert_num_queries(0):
        context = {"unit": unit, "organisation": busy.branch_a}
        html = render_to_string("meetings/includes/due_this_month.html", context)
        html += render_to_string("meetings/includes/compliance_calendar.html", context)
    assert 'data-testid="due-this-month"' in html
    assert 'data-testid="compliance-calendar"' in html


def test_only_branches_and_party_groups_have_a_unit_page(world):
    """A 党委 or 党总支 has no 三会一课 requirements of its own to show on its page."""
    assert selectors.unit_page(world.p1, timezone.localdate()) is None


def test_recent_meetings_carry_their_type_labels_in_one_query(world, django_assert_num_queries):
    """The "最近会议" card's meetings, newest first, with their types' labels in the order of the types."""
    from members.access import scope_for

    older = make_meeting(world.branch_a, [T.PARTY_LECTURE, T.THEME_DAY], starts_at=at(2026, 11, 5))
    untyped = make_meeting(world.group_a1, [], starts_at=at(2026, 11, 6))
    make_meeting(world.branch_b, [T.THEME_DAY], starts_at=at(2026, 11, 7))  # another subtree
    scope = scope_for(world.admin)
    with django_assert_num_queries(1):
        recent = selectors.meetings_recent_in(scope, world.branch_a, 5)
    assert [m.pk for m in recent] == [untyped.pk, older.pk]
    assert recent[0].type_label_list == []
    assert recent[1].type_label_list == [str(T.PARTY_LECTURE.label), str(T.THEME_DAY.label)]

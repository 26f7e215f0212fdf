"""Compliance alerts: who gets which alert on which morning (Asia/Shanghai), once per branch, requirement and period."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from members.access import SYSTEM
from notifications.models import Notice, NoticeKind
from notifications.services import compliance_alerts_create
from tests.factories import make_committee, make_meeting

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _alerts(kind, **filters):
    return Notice.objects.filter(kind=kind, **filters)


def _recipients(kind, organisation, subject=""):
    rows = _alerts(kind, organisation=organisation, key__contains=subject)
    return {(n.user_id, n.key.split("|")[2]) for n in rows}


def test_due_soon_goes_to_the_branch_secretary_near_the_month_end(world):
    """On 25 June the month's 主题党日 and the quarter's 支部党员大会 turn yellow: the secretary is told, once each."""
    created = compliance_alerts_create(today=date(2026, 6, 25), by=SYSTEM)
    assert created > 0
    assert _recipients(NoticeKind.DUE_SOON, world.branch_a, "theme_day") == {(world.secretary_a.pk, "2026-06")}
    assert _recipients(NoticeKind.DUE_SOON, world.branch_a, "general_meeting") == {(world.secretary_a.pk, "2026-Q2")}
    assert not _alerts(NoticeKind.DUE_SOON, user=world.reviewer).exists()
    assert compliance_alerts_create(today=date(2026, 6, 26), by=SYSTEM) == 0


def test_early_in_the_month_nothing_is_due_soon(world):
    """On 10 April (early in month and quarter) nothing is yellow yet: no due-soon alert."""
    compliance_alerts_create(today=date(2026, 4, 10), by=SYSTEM)
    assert not _alerts(NoticeKind.DUE_SOON).exists()


def test_a_quarter_ending_red_alerts_secretary_and_parent_reviewers(world):
    """On 1 July (Asia/Shanghai) the missed Q2 支部党员大会 alerts branch A's secretary and P1's reviewer."""
    compliance_alerts_create(today=date(2026, 7, 1), by=SYSTEM)
    assert _recipients(NoticeKind.OVERDUE, world.branch_a, "general_meeting") == {
        (world.secretary_a.pk, "2026-Q2"),
        (world.reviewer.pk, "2026-Q2"),
    }
    # Branch B's parent P2 has no reviewer: only its secretary.
    assert _recipients(NoticeKind.OVERDUE, world.branch_b, "general_meeting") == {(world.secretary_b.pk, "2026-Q2")}
    # A day later (or after a missed morning) the same alerts are not written again.
    assert compliance_alerts_create(today=date(2026, 7, 2), by=SYSTEM) == 0


def test_a_missed_first_of_the_month_still_alerts_later(world):
    """The morning run checks the whole previous month, so a run missed on 1 July alerts on 3 July."""
    compliance_alerts_create(today=date(2026, 7, 3), by=SYSTEM)
    assert _alerts(NoticeKind.OVERDUE, organisation=world.branch_a, key__contains="2026-06").exists()


@pytest.mark.parametrize(
    ("local_start", "june_red"),
    [
        (datetime(2026, 6, 30, 23, 30, tzinfo=SHANGHAI), False),  # 15:30 UTC: still June in Shanghai
        (datetime(2026, 7, 1, 0, 30, tzinfo=SHANGHAI), True),  # 16:30 UTC on 30 June, but July in Shanghai
    ],
)
def test_month_boundary_counts_in_shanghai_time(world, local_start, june_red):
    """A 主题党日 late on 30 June (Shanghai) counts for June; one just after midnight counts for July."""
    members = list(world.branch_a.members.all())
    make_meeting(world.branch_a, ["theme_day"], starts_at=local_start, attendees=members, present=members)
    compliance_alerts_create(today=date(2026, 7, 1), by=SYSTEM)
    red = _alerts(NoticeKind.OVERDUE, organisation=world.branch_a, key__contains="overdue:theme_day|2026-06|")
    assert red.exists() is june_red


def test_year_end_alerts_the_yearly_requirements_in_january(world):
    """On 1 January the yearly 组织生活会 and 民主评议党员 not held last year are overdue."""
    compliance_alerts_create(today=date(2027, 1, 1), by=SYSTEM)
    keys = set(_alerts(NoticeKind.OVERDUE, organisation=world.branch_a, user=world.secretary_a)
               .values_list("key", flat=True))
    assert any("organisational_life_meeting" in k and "|2026|" in k for k in keys)
    assert any("general_meeting" in k and "|2026-Q4|" in k for k in keys)


def test_committee_term_ending_within_90_days_or_overdue(world):
    """A term ending in 90 days is flagged due soon, then overdue after its end; each state once."""
    make_committee(world.branch_a, [(world.secretary_a_member, "secretary")], elected_on=date(2023, 9, 1))
    compliance_alerts_create(today=date(2026, 6, 15), by=SYSTEM)  # ends 2026-09-01: 78 days
    assert _recipients(NoticeKind.TERM_ENDING, world.branch_a) == {
        (world.secretary_a.pk, "due_soon"), (world.reviewer.pk, "due_soon")}
    compliance_alerts_create(today=date(2026, 9, 2), by=SYSTEM)
    assert {k for _u, k in _recipients(NoticeKind.TERM_ENDING, world.branch_a)} == {"due_soon", "overdue"}
    assert _alerts(NoticeKind.TERM_ENDING, organisation=world.branch_a).count() == 4


def test_silent_branch_alerted_once_a_month(world):
    """A branch with no activity for over 30 days: its secretary and the parent's reviewers, once per month."""
    compliance_alerts_create(today=date(2026, 6, 10), by=SYSTEM)
    compliance_alerts_create(today=date(2026, 6, 20), by=SYSTEM)
    assert _recipients(NoticeKind.SILENT_BRANCH, world.branch_a) == {
        (world.secretary_a.pk, "2026-06"), (world.reviewer.pk, "2026-06")}
    compliance_alerts_create(today=date(2026, 7, 10), by=SYSTEM)
    assert _alerts(NoticeKind.SILENT_BRANCH, organisation=world.branch_a).count() == 4


def test_active_branch_is_not_silent(world):
    """A branch that met ten days ago gets no silent-branch alert."""
    members = list(world.branch_a.members.all())
    make_meeting(world.branch_a, ["theme_day"], starts_at=datetime(2026, 6, 1, 9, tzinfo=SHANGHAI),
                 attendees=members, present=members)
    compliance_alerts_create(today=date(2026, 6, 11), by=SYSTEM)
    assert not _alerts(NoticeKind.SILENT_BRANCH, organisation=world.branch_a).exists()

"""`seed_demo`'s meeting history: two years of finalised meetings with gaps, built once."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from branches.models import Level, Organisation
from demo.meeting_history import last_complete_quarter, meetings_plan
from demo.tree import ROOT_CODE, SECRETARY_BRANCH
from meetings import selectors
from meetings.models import Attendance, AttendanceState, Meeting, MeetingStatus, MeetingTypeLink, RequirementOverride
from meetings.rules import GREEN, RED

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module (loading it takes seconds); the tests only read it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)  # the other tests find the database empty


def _counts() -> dict:
    return {
        "meetings": Meeting.all_objects.count(),
        "history": Meeting.history.count(),
        "links": MeetingTypeLink.objects.count(),
        "attendance": Attendance.objects.count(),
        "overrides": RequirementOverride.objects.count(),
    }


def test_seed_demo_loads_meetings(demo):
    """seed_demo alone loads the meeting history with the people, under the demo organisation only."""
    root = Organisation.objects.get(code=ROOT_CODE)
    assert Meeting.objects.exists()
    assert not Meeting.objects.exclude(organisation__path__startswith=root.path).exists()


def test_second_run_changes_nothing(demo):
    """Running seed_demo again creates, changes and deletes nothing."""
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "演示会议已存在，未作改动。" in out.getvalue()


def test_two_years_of_finalised_records_with_attendance(demo):
    """About two years of finalised meetings, with minutes, most people present, some on leave with a reason."""
    today = timezone.localdate()
    finalised = Meeting.objects.filter(status=MeetingStatus.FINALISED)
    first = timezone.localtime(finalised.order_by("starts_at").first().starts_at).date()
    assert 670 <= (today - first).days <= 760  # 24 calendar months, this one included
    assert not finalised.filter(minutes="").exists()
    assert not finalised.filter(starts_at__gt=timezone.now()).exists()
    states = dict(Attendance.objects.values_list("state").annotate(n=Count("id")).order_by())
    total = sum(states.values())
    assert states[AttendanceState.PRESENT] / total > 0.8
    assert 0 < states[AttendanceState.ABSENT] < states[AttendanceState.LEAVE]
    assert not Attendance.objects.filter(state=AttendanceState.LEAVE, leave_reason="").exists()
    assert finalised.filter(is_backfilled=True).exists()
    assert Meeting.objects.filter(status=MeetingStatus.PLANNED, organisation__code=SECRETARY_BRANCH).exists()


def test_last_complete_quarter_has_green_and_red_branches(demo):
    """In the last complete quarter some branches held everything (green) and some missed meetings (red)."""
    root = Organisation.objects.get(code=ROOT_CODE)
    branches = [u for u in selectors.compliance_units(root) if u.level == Level.BRANCH]
    results = selectors.compliance_for_branches(branches, last_complete_quarter(timezone.localdate()))
    statuses = {r.organisation.code: r.status for r in results}
    assert GREEN in statuses.values() and RED in statuses.values()
    assert statuses[SECRETARY_BRANCH] == GREEN


def test_something_is_due_this_month_and_some_branches_are_silent(demo):
    """The secretary's branch has not met yet this month, so its page lists what is due; two branches are silent."""
    branch = Organisation.objects.get(code=SECRETARY_BRANCH)
    assert selectors.due_this_month(branch)
    root = Organisation.objects.get(code=ROOT_CODE)
    month = timezone.localdate().strftime("%Y-%m")
    results = selectors.compliance_for_branches(selectors.compliance_units(root), month)
    assert {r.organisation.code for r in results if r.silent and r.organisation.level == Level.BRANCH} >= {
        "GW-SZ-YJ-03",
        "GW-SZ-04",
    }


def test_an_ancestor_requirement_is_inherited(demo):
    """The city company's committee requires two 谈心谈话 a year for its subtree."""
    branch = Organisation.objects.get(code=SECRETARY_BRANCH)
    assert selectors.requirements_for(branch)["heart_to_heart_talk"].count == 2


def test_history_is_deterministic_and_follows_today(demo):
    """The same day gives the same meetings, attendance and minutes; another day shifts the window with it."""
    root = Organisation.objects.get(code=ROOT_CODE)

    def fingerprint(today):
        return [
            (
                p.meeting.organisation_id,
                p.meeting.starts_at,
                tuple(p.types),
                p.meeting.topic,
                p.meeting.place,
                tuple((a.member_id, a.state, a.leave_reason) for a in p.attendance),
            )
            for p in meetings_plan(root, today)
        ]

    day = date(2026, 11, 27)
    first = fingerprint(day)
    assert first == fingerprint(day)
    later = fingerprint(date(2027, 5, 3))
    assert later != first
    assert min(f[1] for f in later).date() >= date(2025, 6, 1)


def test_finalised_records_with_a_quorum_keep_their_roll(demo):
    """The demo's 支部党员大会 and 支部委员会 records, written in bulk, have their roll of the day stored."""
    quorum = Meeting.objects.filter(
        status=MeetingStatus.FINALISED, type_links__type__in=("general_meeting", "committee_meeting")
    )
    assert quorum.exists()
    assert not quorum.filter(quorum_roll__isnull=True).exists()


def test_talks_are_counted_per_member_some_branches_all_some_not(demo):
    """Case 6 (谈心谈话 per member): this year some branches have talked with every member, others not yet; the
    `committee` reviewer sees "N/M" on the compliance page of the whole tree."""
    root = Organisation.objects.get(code=ROOT_CODE)
    branches = [u for u in selectors.compliance_units(root) if u.level == Level.BRANCH]
    year = str(timezone.localdate().year)
    talks = [r.for_type("heart_to_heart_talk") for r in selectors.compliance_for_branches(branches, year)]
    assert any(t.required and t.held >= t.required for t in talks)
    assert any(0 < t.held < t.required for t in talks)

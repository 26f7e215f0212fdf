"""The roll on the day (Quorum: "Who may vote is decided on the day of the meeting: a 预备党员 made 正式党员 after the
meeting did not vote at it, and a finalised record keeps the roll as it was"): who had a vote at a meeting is taken
as of its day, stored with the record when it is finalised, and never recomputed afterwards."""

import importlib
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from branches.errors import DomainError
from meetings import selectors, services
from meetings.minutes import minutes_pdf
from meetings.models import AttendanceState, Meeting, MeetingStatus, MeetingType
from meetings.services import AttendanceEntry
from members.access import SYSTEM, scope_for
from members.models import Post, Status
from tests.factories import MemberFactory, make_committee, make_meeting
from tests.meetings.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

T = MeetingType
DAYS_AGO = 20


def _meeting_day() -> date:
    return timezone.localdate() - timedelta(days=DAYS_AGO)


def _held(world, types, **kwargs) -> Meeting:
    starts_at = timezone.make_aware(datetime.combine(_meeting_day(), time(9)))
    meeting = services.meeting_plan(
        organisation=world.branch_a, types=list(types), starts_at=starts_at, topic="支部党员大会", by=SYSTEM, **kwargs
    )
    services.meeting_record(meeting=meeting, version=meeting.version, minutes="会议内容", by=SYSTEM)
    return meeting


def _all_present(meeting: Meeting) -> None:
    entries = [AttendanceEntry(a.member, AttendanceState.PRESENT) for a in meeting.attendances.select_related("member")]
    services.attendance_record(meeting=meeting, entries=entries, by=SYSTEM)


def _confirmed_the_day_after(world):
    """A 正式党员 today whose 转正 came the day after the meeting: a 预备党员 at it."""
    return MemberFactory(
        name="新转正",
        organisation=world.branch_a,
        status=Status.FULL,
        joined_on=_meeting_day() - timedelta(days=364),
        confirmed_on=_meeting_day() + timedelta(days=1),
    )


@pytest.mark.parametrize(
    ("confirmed", "voter"),
    [(-1, True), (0, True), (1, False)],  # confirmed the day before, the day of and the day after the meeting
)
def test_a_member_confirmed_after_the_meeting_had_no_vote_at_it(world, confirmed, voter):
    """Quorum: the roll is taken on the meeting's day; a 预备党员 confirmed the day after is not a voter."""
    person = MemberFactory(
        organisation=world.branch_a,
        joined_on=_meeting_day() - timedelta(days=400),
        confirmed_on=_meeting_day() + timedelta(days=confirmed),
    )
    meeting = _held(world, [T.GENERAL_MEETING])
    [check] = selectors.meeting_quorum(meeting)
    assert (person.pk in check.voters) is voter
    # 张书记 and 王党员 are 正式党员 throughout; 预备党员甲 never counts.
    assert check.voting_expected == (3 if voter else 2)


@pytest.mark.parametrize(
    ("starts", "ends", "voter"),
    [
        (-30, -1, True),  # ended the day before the meeting
        (-30, 0, False),  # its last day is the meeting day
        (0, 300, False),  # began on the meeting day
        (1, 300, True),  # began the day after
    ],
)
def test_a_member_under_probation_on_the_day_is_not_a_voter(world, starts, ends, voter):
    """留党察看 removes the vote for its duration: not counted among the voters of a quorum on those days."""
    day = _meeting_day()
    person = MemberFactory(
        organisation=world.branch_a,
        probation_starts_on=day + timedelta(days=starts),
        probation_ends_on=day + timedelta(days=ends),
    )
    meeting = _held(world, [T.GENERAL_MEETING])
    [check] = selectors.meeting_quorum(meeting)
    assert (person.pk in check.voters) is voter


def test_finalising_stores_the_roll_and_later_changes_change_nothing(client, world):
    """At finalising, who had a vote and the figures are kept with the record; a 转正 recorded, a probation begun
    or a member added afterwards leave the detail page, the minutes and the selectors' figures as they were."""
    late = _confirmed_the_day_after(world)
    meeting = _held(world, [T.GENERAL_MEETING])
    _all_present(meeting)
    services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))
    meeting.refresh_from_db()
    [stored] = meeting.quorum_roll
    assert stored["voters"] == sorted([world.secretary_a_member.pk, world.member_a.pk])
    assert (stored["expected"], stored["present"], stored["needed"], stored["met"]) == (2, 2, 2, True)
    assert late.pk not in stored["voters"]

    # Afterwards: the 转正 date is corrected to before the meeting, one voter goes under probation, another 正式党员
    # joins the branch with an old 转正 date.
    late.confirmed_on = _meeting_day() - timedelta(days=5)
    late.save()
    world.member_a.probation_starts_on = _meeting_day() - timedelta(days=100)
    world.member_a.probation_ends_on = _meeting_day() + timedelta(days=100)
    world.member_a.save()
    MemberFactory(organisation=world.branch_a)
    assert selectors.quorum_as_of_day(meeting)[0].voting_expected == 3  # what a recomputation would say

    [check] = selectors.meeting_quorum(Meeting.objects.get(pk=meeting.pk))
    assert (check.voting_expected, check.voting_present, check.needed, check.met) == (2, 2, 2, True)
    client.force_login(world.reviewer)
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "有表决权应到 2 人，实到 2 人，至少需 2 人" in html
    assert "表决权按会议当日核定" in html
    text = pdf_text(minutes_pdf(selectors.meeting_detail_queryset(_admin_scope(world)).get(pk=meeting.pk)))
    assert "有表决权应到 2 人，实到 2 人，至少需 2 人，达到法定人数" in text


def _admin_scope(world):
    from members.access import scope_for

    return scope_for(world.admin)


def test_finalise_refuses_by_the_roll_of_the_day(world):
    """The quorum check at finalising uses the day's roll: 2 of 3 voters present is a quorum although a fourth
    正式党员 today (confirmed after the meeting) was absent."""
    MemberFactory(name="正式丙", organisation=world.branch_a)
    late = _confirmed_the_day_after(world)
    meeting = _held(world, [T.GENERAL_MEETING])
    entries = [
        AttendanceEntry(
            a.member,
            AttendanceState.ABSENT if a.member.pk in (late.pk, world.member_a.pk) else AttendanceState.PRESENT,
        )
        for a in meeting.attendances.select_related("member")
    ]
    services.attendance_record(meeting=meeting, entries=entries, by=SYSTEM)
    services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))
    meeting.refresh_from_db()
    assert (meeting.quorum_roll[0]["expected"], meeting.quorum_roll[0]["present"]) == (3, 2)
    assert meeting.without_quorum_reason == ""


def test_a_committee_meeting_counts_the_committee_in_force_on_the_day(world):
    """支部委员会: the post holders of the term in force on the meeting's day, not of one elected afterwards."""
    old_officer = MemberFactory(name="原组织委员", organisation=world.branch_a)
    new_officer = MemberFactory(name="新组织委员", organisation=world.branch_a)
    make_committee(
        world.branch_a,
        [(world.secretary_a_member, Post.SECRETARY), (old_officer, Post.ORGANISATION_OFFICER)],
        elected_on=_meeting_day() - timedelta(days=300),
    )
    meeting = _held(world, [T.COMMITTEE_MEETING])
    make_committee(
        world.branch_a,
        [(world.secretary_a_member, Post.SECRETARY), (new_officer, Post.ORGANISATION_OFFICER)],
        elected_on=_meeting_day() + timedelta(days=1),
    )
    [check] = selectors.meeting_quorum(meeting)
    assert set(check.voters) == {world.secretary_a_member.pk, old_officer.pk}


def test_a_finalised_record_without_a_stored_roll_is_judged_as_of_its_day(world):
    """A record written straight to the database (a bulk load) has no stored roll: its figures are taken as of its
    day, as for a record not yet finalised."""
    late = _confirmed_the_day_after(world)
    starts_at = timezone.make_aware(datetime.combine(_meeting_day(), time(9)))
    meeting = make_meeting(
        world.branch_a, [T.GENERAL_MEETING], starts_at=starts_at, attendees=[late, world.member_a], present=[late]
    )
    assert meeting.quorum_roll is None
    [check] = selectors.meeting_quorum(meeting)
    assert late.pk not in check.voters and check.voting_present == 0


def test_the_migration_fills_the_roll_of_finalised_records_from_the_status_dates(world):
    """Existing finalised records get their stored roll from the best information kept: the status dates as of the
    meeting's day and the committee term in force; open records and those with a roll are left alone."""
    migration = importlib.import_module("meetings.migrations.0005_fill_quorum_roll")
    late = _confirmed_the_day_after(world)
    starts_at = timezone.make_aware(datetime.combine(_meeting_day(), time(9)))
    people = [world.secretary_a_member, world.member_a, late]
    general = make_meeting(world.branch_a, [T.GENERAL_MEETING, T.PARTY_LECTURE], starts_at=starts_at,
                           attendees=people, present=people, is_election=True)  # fmt: skip
    committee = make_meeting(world.branch_a, [T.COMMITTEE_MEETING], starts_at=starts_at,
                             attendees=[world.secretary_a_member], present=[])  # fmt: skip
    held = make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=starts_at, status=MeetingStatus.HELD)
    lecture = make_meeting(world.branch_a, [T.PARTY_LECTURE], starts_at=starts_at)
    kept = make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=starts_at)
    Meeting.objects.filter(pk=kept.pk).update(quorum_roll=[])

    migration.fill(apps, None)

    general.refresh_from_db()
    assert general.quorum_roll == [
        {
            "type": T.GENERAL_MEETING,
            "voters": sorted([world.secretary_a_member.pk, world.member_a.pk]),
            "expected": 2,
            "present": 2,
            "needed": 2,
            "met": True,
            "election": True,
        }
    ]
    committee.refresh_from_db()
    assert committee.quorum_roll == [
        {
            "type": T.COMMITTEE_MEETING,
            "voters": [world.secretary_a_member.pk],
            "expected": 1,
            "present": 0,
            "needed": 1,
            "met": False,
            "election": False,
        }
    ]
    for untouched, roll in ((held, None), (lecture, None), (kept, [])):
        untouched.refresh_from_db()
        assert untouched.quorum_roll == roll
    # The stored figures agree with what the portal computes as of the day for the same record.
    expected = [c.as_stored() for c in selectors.quorum_as_of_day(general)]
    assert general.quorum_roll == expected


def test_the_detail_page_of_an_open_record_counts_as_of_its_day(client, world):
    """Not yet finalised: the page shows the day's roll (the member confirmed afterwards not counted)."""
    _confirmed_the_day_after(world)
    meeting = _held(world, [T.GENERAL_MEETING])
    client.force_login(world.secretary_a)
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "有表决权应到 2 人" in html


def test_without_quorum_the_figures_are_stored_with_the_reason(world):
    """A record finalised without a quorum keeps the reason and the short figures."""
    meeting = _held(world, [T.GENERAL_MEETING])
    services.attendance_record(
        meeting=meeting,
        entries=[
            AttendanceEntry(a.member, AttendanceState.ABSENT) for a in meeting.attendances.select_related("member")
        ], by=SYSTEM
    )
    with pytest.raises(DomainError, match="应到2人，实到0人"):
        services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))
    services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a), without_quorum_reason="抢修任务")
    meeting.refresh_from_db()
    assert meeting.quorum_roll[0]["met"] is False and meeting.without_quorum_reason == "抢修任务"


def test_records_written_in_bulk_get_their_roll_once(world):
    """`quorum_rolls_store` (for seeders writing past the services) stores the day's roll of finalised records
    without one, and leaves the others; a second run stores nothing."""
    late = _confirmed_the_day_after(world)
    starts_at = timezone.make_aware(datetime.combine(_meeting_day(), time(9)))
    bulk = make_meeting(world.branch_a, [T.GENERAL_MEETING], starts_at=starts_at, attendees=[late], present=[late])
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=starts_at)
    make_meeting(world.branch_b, [T.GENERAL_MEETING], starts_at=starts_at)
    versions = bulk.history.count()
    assert services.quorum_rolls_store(organisation_path=world.p1.path, by=SYSTEM) == 1
    bulk.refresh_from_db()
    assert bulk.quorum_roll == [c.as_stored() for c in selectors.quorum_as_of_day(bulk)]
    assert late.pk not in bulk.quorum_roll[0]["voters"] and bulk.history.count() == versions
    assert services.quorum_rolls_store(organisation_path=world.p1.path, by=SYSTEM) == 0

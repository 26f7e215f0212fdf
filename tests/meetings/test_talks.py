"""谈心谈话 as a per-person obligation: the record names its two people; compliance counts members, not records."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.errors import DomainError
from meetings import selectors, services
from meetings.models import Meeting, MeetingType
from meetings.rules import GREEN, RED
from members.access import SYSTEM
from members.models import Post, Status
from tests.factories import MemberFactory, hold_talks, make_committee, make_meeting, make_org

pytestmark = pytest.mark.django_db

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9):
    return datetime(y, m, d, hh, tzinfo=SH)


def talks_2025(branch, today=date(2026, 1, 5)):
    [result] = selectors.compliance_for_branches([branch], "2025", today=today)
    return result.for_type(T.HEART_TO_HEART_TALK)


def test_talks_count_members_who_had_one(world):
    """谈心谈话 (each member at least once a year): "N of M members have had a talk"; green only when all have."""
    assert (talks_2025(world.branch_a).required, talks_2025(world.branch_a).held) == (3, 0)
    make_meeting(
        world.branch_a,
        [T.HEART_TO_HEART_TALK],
        starts_at=at(2025, 3, 1),
        attendees=[world.secretary_a_member, world.member_a],
        present=[world.secretary_a_member, world.member_a],
    )
    item = talks_2025(world.branch_a)
    assert (item.required, item.held, item.status) == (3, 2, RED)
    assert "2/3" in item.talk_summary
    hold_talks(world.branch_a, at(2025, 11, 1))
    assert talks_2025(world.branch_a).status == GREEN


def test_a_talk_without_its_people_or_absent_counts_for_nobody(world):
    """A record without its two people, or a person marked absent, or a draft counts for nobody."""
    make_meeting(world.branch_a, [T.HEART_TO_HEART_TALK], starts_at=at(2025, 3, 1))
    make_meeting(
        world.branch_a,
        [T.HEART_TO_HEART_TALK],
        starts_at=at(2025, 3, 2),
        attendees=[world.secretary_a_member, world.member_a],
        present=[world.member_a],
    )
    make_meeting(
        world.branch_a,
        [T.HEART_TO_HEART_TALK],
        starts_at=at(2025, 3, 3),
        status="held",
        attendees=[world.secretary_a_member],
        present=[world.secretary_a_member],
    )
    assert talks_2025(world.branch_a).held == 1


def test_talks_are_owed_from_the_joining_month(world):
    """A member who joined in December owes a talk that year; one who joined the next year does not."""
    MemberFactory(
        organisation=world.branch_a, status=Status.PROBATIONARY, joined_on=date(2025, 12, 31), confirmed_on=None
    )
    MemberFactory(
        organisation=world.branch_a, status=Status.PROBATIONARY, joined_on=date(2026, 1, 1), confirmed_on=None
    )
    assert talks_2025(world.branch_a).required == 4


def test_committee_members_talk_with_each_other(world):
    """With a 支委会 (7 正式党员), each committee member must also have talked with another committee member."""
    branch = make_org(world.p1, code="TALK7")
    people = [MemberFactory(organisation=branch) for _ in range(7)]
    make_committee(
        branch,
        [(people[0], Post.SECRETARY), (people[1], Post.ORGANISATION_OFFICER), (people[2], Post.PUBLICITY_OFFICER)],
    )
    for a, b in [(people[0], people[3]), (people[1], people[4]), (people[2], people[5]), (people[6], people[3])]:
        make_meeting(branch, [T.HEART_TO_HEART_TALK], starts_at=at(2025, 5, 1), attendees=[a, b], present=[a, b])
    item = talks_2025(branch)
    assert (item.held, item.required, item.committee_held, item.committee_required, item.status) == (7, 7, 0, 3, RED)
    for a, b in [(people[0], people[1]), (people[2], people[0])]:
        make_meeting(branch, [T.HEART_TO_HEART_TALK], starts_at=at(2025, 6, 1), attendees=[a, b], present=[a, b])
    item = talks_2025(branch)
    assert (item.committee_held, item.status) == (3, GREEN)
    assert "支委之间 3/3" in item.talk_summary


def test_unit_year_gives_the_same_talk_figures(world):
    """The branch page's read (unit_year) counts the same members as the engine."""
    hold_talks(world.branch_a, at(2025, 3, 1))
    MemberFactory(organisation=world.branch_a)
    engine = talks_2025(world.branch_a, today=date(2025, 12, 20))
    [(_month, page)] = selectors.unit_year(world.branch_a, 2025, date(2025, 12, 20)).calendar()[-1:]
    assert page.for_type(T.HEART_TO_HEART_TALK) == engine
    assert (engine.held, engine.required) == (3, 4)


def _plan(world, **changes):
    starts = timezone.localtime() + timezone.timedelta(days=1)
    return {
        "types": [T.HEART_TO_HEART_TALK],
        "organisation": world.branch_a.pk,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "topic": "谈心谈话",
        **changes,
    }


def test_the_talk_form_requires_two_different_members(client, world):
    """The plan form of a 谈心谈话 asks for 谈话人 and 谈话对象, two different members; they are the two expected."""
    client.force_login(world.secretary_a)
    url = reverse("meetings:create")
    page = client.post(url, _plan(world)).content.decode()
    assert "谈心谈话应填写谈话双方" in page
    same = _plan(world, talker=world.member_a.pk, talk_partner=world.member_a.pk)
    assert "谈话双方应为两名不同的党员" in client.post(url, same).content.decode()
    outsider = _plan(world, talker=world.member_a.pk, talk_partner=world.member_b.pk)
    assert client.post(url, outsider).status_code == 200
    assert not Meeting.objects.exists()
    good = _plan(world, talker=world.secretary_a_member.pk, talk_partner=world.member_a.pk)
    assert client.post(url, good).status_code == 302
    meeting = Meeting.objects.get()
    assert set(meeting.attendances.values_list("member_id", flat=True)) == {
        world.secretary_a_member.pk,
        world.member_a.pk,
    }


def test_the_services_keep_a_talk_to_two_people(world):
    """meeting_plan and attendees_set refuse a 谈心谈话 with other than two people."""
    starts = timezone.now() + timezone.timedelta(days=1)
    with pytest.raises(DomainError):
        services.meeting_plan(
            organisation=world.branch_a,
            types=[T.HEART_TO_HEART_TALK],
            starts_at=starts,
            topic="谈心",
            attendees=[world.member_a],
            by=SYSTEM,
        )
    meeting = services.meeting_plan(
        organisation=world.branch_a,
        types=[T.HEART_TO_HEART_TALK],
        starts_at=starts,
        topic="谈心",
        attendees=[world.member_a, world.secretary_a_member],
        by=SYSTEM,
    )
    with pytest.raises(DomainError):
        services.attendees_set(meeting=meeting, members=[world.member_a], by=SYSTEM)


def test_the_grouped_talk_figures_equal_the_per_member_read(world):
    """`talk_figures` (set-based on PostgreSQL) counts what `talk_members` counts member by member: talks per
    member, committee members, and those who talked with another committee member."""
    from django.db.models import Count, Q

    from meetings import rules
    from meetings.compliance import talks

    branch = make_org(world.p1, code="TALKSET")
    people = [MemberFactory(organisation=branch) for _ in range(8)]
    make_committee(
        branch,
        [(people[0], Post.SECRETARY), (people[1], Post.ORGANISATION_OFFICER), (people[2], Post.PUBLICITY_OFFICER)],
    )
    for a, b in [(people[0], people[1]), (people[2], people[5]), (people[6], people[3]), (people[6], people[4])]:
        make_meeting(branch, [T.HEART_TO_HEART_TALK], starts_at=at(2025, 5, 1), attendees=[a, b], present=[a, b])
    hold_talks(world.branch_a, at(2025, 3, 1))
    MemberFactory(organisation=world.branch_a)
    ids = [world.branch_a.pk, world.branch_b.pk, branch.pk]
    year = rules.period_range("year", 2025)
    expected: dict[int, talks.TalkFigures] = {}
    rows = (
        talks.talk_members(year, Q(organisation_id__in=ids))
        .values_list("organisation_id", "talks", "on_committee", "committee_talked")
        .annotate(n=Count("id"))
        .order_by()
    )
    for organisation_id, n_talks, on_committee, committee_talked, n in rows:
        figures = expected.setdefault(organisation_id, talks.TalkFigures())
        figures.members_by_talks[n_talks] = figures.members_by_talks.get(n_talks, 0) + n
        if on_committee:
            figures.committee += n
            figures.committee_talked += n if committee_talked else 0
    found = talks.talk_figures(ids, year)
    assert found == expected
    assert (found[branch.pk].committee, found[branch.pk].committee_talked) == (3, 2)
    assert found[branch.pk].members_by_talks == {0: 1, 1: 6, 2: 1}

"""Cached meetings pages (meetings.compliance.page_cache): served again until something in the part of the tree
they show changes, never shared between readers of different parts, and never deciding what a role may do."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches import services as branch_services
from branches.models import Organisation
from meetings import services
from meetings.compliance import page_cache
from meetings.models import AttendanceState, MeetingType
from members import services as member_services
from members.access import SYSTEM
from members.models import Member
from tests.factories import listed, make_meeting

pytestmark = pytest.mark.django_db

T = MeetingType
URL = reverse("meetings:list")


def _get(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def _topics(response) -> set[str]:
    return {m.topic for m in listed(response)}


def _plan(organisation, topic: str, **extra):
    return services.meeting_plan(
        organisation=organisation,
        types=[T.THEME_DAY],
        starts_at=timezone.now() + timedelta(days=3),
        topic=topic,
        **{"by": SYSTEM, **extra},
    )


def test_a_second_request_is_served_from_the_cache_with_fewer_queries(client, world):
    """The same page again costs only the queries of the request itself (session, user, scope, bell), and shows
    the same rows."""
    make_meeting(world.branch_a, topic="甲支部主题党日")
    client.force_login(world.secretary_a)
    first, fresh = _get(client)
    second, cached = _get(client)
    assert _topics(first) == _topics(second) == {"甲支部主题党日"}
    assert [m.pk for m in first.context["meetings"]] == [m.pk for m in second.context["meetings"]]
    assert first.context["page_obj"] == second.context["page_obj"]
    assert cached < fresh and cached <= 5
    third, again = _get(client)
    assert again == cached


def test_a_change_in_the_readers_subtree_shows_at_once(client, world):
    """Planning, recording, cancelling and deleting through the services show on the next request of everyone who
    reads that branch: its secretary, the reviewer above it, the admin."""
    readers = {"secretary_a": world.secretary_a, "reviewer": world.reviewer, "admin": world.admin}
    for user in readers.values():
        client.force_login(user)
        assert _topics(_get(client)[0]) == set()

    meeting = _plan(world.branch_a, "新安排的主题党日")
    for role, user in readers.items():
        client.force_login(user)
        assert _topics(_get(client)[0]) == {"新安排的主题党日"}, role

    services.meeting_cancel(meeting=meeting, reason="改期", by=SYSTEM)
    client.force_login(world.reviewer)
    assert "已取消" in _get(client)[0].content.decode()

    services.meeting_delete(meeting=meeting, by=SYSTEM)
    for role, user in readers.items():
        client.force_login(user)
        assert _topics(_get(client)[0]) == set(), role


def test_attendance_moves_the_figures_of_a_cached_row(client, world):
    """Registering attendance changes the row's 实到/应到 on the next request."""
    meeting = services.meeting_plan(
        organisation=world.branch_a,
        types=[T.THEME_DAY],
        starts_at=timezone.now() - timedelta(hours=2),
        topic="学习",
        by=SYSTEM,
    )
    client.force_login(world.secretary_a)
    before = _get(client)[0].content.decode()
    attendees = meeting.attendances.select_related("member")
    entries = [services.AttendanceEntry(a.member, AttendanceState.PRESENT) for a in attendees]
    services.attendance_record(meeting=meeting, entries=entries, by=SYSTEM)
    services.meeting_record(meeting=meeting, version=meeting.version, minutes="会议内容", by=SYSTEM)
    after = _get(client)[0].content.decode()
    assert before != after
    assert f"{len(entries)} / {len(entries)}" in after


def test_a_change_elsewhere_leaves_the_page_cached(client, world):
    """A meeting planned in branch B does not make branch A's secretary's page render again; the admin's does."""
    make_meeting(world.branch_a, topic="甲支部主题党日")
    client.force_login(world.secretary_a)
    _get(client)
    cached = _get(client)[1]
    _plan(world.branch_b, "乙支部新会议")
    response, queries = _get(client)
    assert queries == cached
    assert _topics(response) == {"甲支部主题党日"}
    client.force_login(world.admin)
    assert "乙支部新会议" in _topics(_get(client)[0])


def test_readers_of_different_parts_of_the_tree_never_share_a_page(client, world):
    """Branch B's secretary asking for the same URL right after branch A's gets B's rows, not A's cached page."""
    make_meeting(world.branch_a, topic="甲支部主题党日")
    make_meeting(world.branch_b, topic="乙支部主题党日")
    client.force_login(world.secretary_a)
    assert _topics(_get(client)[0]) == {"甲支部主题党日"}
    client.force_login(world.secretary_b)
    assert _topics(_get(client)[0]) == {"乙支部主题党日"}
    client.force_login(world.member_user)  # a member of branch A: A's rows, which may be the secretary's cached page
    assert _topics(_get(client)[0]) == {"甲支部主题党日"}


def test_what_a_role_may_do_is_not_taken_from_a_shared_page(client, world):
    """A member and the secretary of the same branch read the same rows, but only the secretary gets 新建会议."""
    make_meeting(world.branch_a, topic="甲支部主题党日")
    client.force_login(world.secretary_a)
    assert reverse("meetings:create") in _get(client)[0].content.decode()
    client.force_login(world.member_user)
    page = _get(client)[0].content.decode()
    assert "甲支部主题党日" in page
    assert reverse("meetings:create") not in page


def test_renaming_a_host_or_an_organisation_shows_in_cached_rows(client, world):
    """The rows show the host's and the organisation's names: changing either (through the members and branches
    services, whose hooks meetings registers) renders the page again."""
    host = world.secretary_a_member
    make_meeting(world.branch_a, topic="甲支部主题党日", host=host)
    client.force_login(world.reviewer)
    assert host.name in _get(client)[0].content.decode()

    member = Member.objects.get(pk=host.pk)
    member_services.member_update(member=member, data={"name": "改名后的书记"}, version=member.version, by=SYSTEM)
    assert "改名后的书记" in _get(client)[0].content.decode()

    branch = Organisation.objects.get(pk=world.branch_a.pk)
    branch_services.organisation_update(organisation=branch, data={"name": "改名后的甲支部"}, by=SYSTEM)
    assert "改名后的甲支部" in _get(client)[0].content.decode()


def test_the_list_works_when_the_cache_is_unreachable(client, world, monkeypatch):
    """A cache that cannot be read makes the page render from the database, never an error page."""
    make_meeting(world.branch_a, topic="甲支部主题党日")

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "get", broken)
    client.force_login(world.secretary_a)
    assert _topics(_get(client)[0]) == {"甲支部主题党日"}


def _keys(world) -> dict[str, str]:
    """The compliance overview's key of each organisation (it moves when the page must be rendered again)."""
    units = {"root": world.root, "p1": world.p1, "p2": world.p2, "a": world.branch_a, "b": world.branch_b}
    return {name: page_cache.key("compliance", [org.path], org.pk) for name, org in units.items()}


def _renewed(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_a_meeting_renews_the_pages_of_its_branch_and_above_only(world):
    before = _keys(world)
    _plan(world.branch_a, "甲支部主题党日")
    assert _renewed(before, _keys(world)) == {"root", "p1", "a"}


def test_a_transfer_renews_the_pages_of_both_branches(world):
    """A member moving from branch A to branch B changes both branches' 正式党员 counts."""
    before = _keys(world)
    member = Member.objects.get(pk=world.member_a.pk)
    data = {"organisation": world.branch_b, "party_group": None}
    member_services.member_update(member=member, data=data, version=member.version, by=SYSTEM)
    assert _renewed(before, _keys(world)) == {"root", "p1", "p2", "a", "b"}


def test_a_requirement_renews_every_page(world):
    """An override set on P2 applies to the whole subtree below it: every page is rendered again."""
    before = _keys(world)
    services.requirement_override_set(
        organisation=world.p2, meeting_type=T.PARTY_LECTURE, period="month", count=1, by=SYSTEM
    )
    assert _renewed(before, _keys(world)) == set(before)

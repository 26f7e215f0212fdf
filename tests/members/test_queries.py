"""The roster, the record and the history cost the same number of queries at 5 and at 50 members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from members.access import SYSTEM
from members.models import Member, Post
from tests.factories import MemberFactory, make_committee

pytestmark = pytest.mark.django_db


def _grow_branch(world, total: int) -> None:
    """Fill branch A up to `total` members, some in the party group."""
    have = Member.objects.filter(organisation=world.branch_a).count()
    for i in range(total - have):
        MemberFactory(organisation=world.branch_a, party_group=world.group_a1 if i % 2 else None)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["secretary_a", "reviewer", "admin"])
def test_roster_queries_do_not_grow_with_members(client, world, settings, role, django_assert_num_queries):
    """The roster page costs the same number of queries with 5 and with 50 members (one page shown)."""
    settings.PAGE_SIZE = 100
    client.force_login(world.users()[role])
    url = reverse("members:list") + "?ordering=name"
    _grow_branch(world, 5)
    small = _queries(client, url)
    _grow_branch(world, 50)
    with django_assert_num_queries(small):
        client.get(url)


def test_roster_query_count_is_small_and_fixed(client, world, django_assert_num_queries):
    """Session, user, scope (3), organisation choices, count and rows: nothing per row."""
    client.force_login(world.secretary_a)
    _grow_branch(world, 5)
    baseline = _queries(client, reverse("members:list"))
    _grow_branch(world, 50)
    with django_assert_num_queries(baseline):
        client.get(reverse("members:list"))
    assert baseline <= 10


def test_detail_queries_do_not_grow_with_posts_or_members(client, world, django_assert_num_queries):
    """The record page costs the same with 5 and with 50 members in the branch, and with more committee posts."""
    client.force_login(world.secretary_a)
    member = world.secretary_a_member
    url = reverse("members:detail", args=[member.pk])
    _grow_branch(world, 5)
    small = _queries(client, url)
    _grow_branch(world, 50)
    make_committee(world.branch_a, [(member, Post.SECRETARY)])
    make_committee(world.branch_a, [(member, Post.SECRETARY)])
    with django_assert_num_queries(small):
        client.get(url)


def test_history_queries_do_not_grow_with_versions(client, world, django_assert_num_queries):
    """The history page costs the same with 5 and with 50 saved versions."""
    client.force_login(world.secretary_a)
    url = reverse("members:history", args=[world.member_a.pk])

    def save_versions(count: int) -> None:
        for i in range(count):
            member = Member.objects.get(pk=world.member_a.pk)
            services.member_update(member=member, data={"work_unit": f"单位{i}"}, version=member.version, by=SYSTEM)

    save_versions(4)
    small = _queries(client, url)
    save_versions(45)
    with django_assert_num_queries(small):
        client.get(url)

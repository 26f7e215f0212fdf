"""My tasks, the member's home and the completion page load in the same number of queries at two data sizes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Member
from tests.factories import MemberFactory

from .helpers import assign

pytestmark = pytest.mark.django_db


def _grow(world, tasks: int, members: int) -> list:
    for _ in range(members):
        MemberFactory(organisation=world.branch_a)
    return [assign(world.branch_a) for _ in range(tasks)]


def _count(client, url) -> int:
    client.get(url)  # the session is loaded once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["study:mine", "dashboards:mine"])
def test_member_pages_bounded(world, url_name):
    """我的学习任务 and 我的待办: the same queries with 2 tasks as with 30 (and 30 more members)."""
    client = Client()
    client.force_login(world.member_user)
    _grow(world, 2, 0)
    small = _count(client, reverse(url_name))
    _grow(world, 28, 30)
    large = _count(client, reverse(url_name))
    assert small == large <= 15


@pytest.mark.parametrize("url_name", ["study:detail", "study:members", "study:list"])
def test_completion_pages_bounded(world, url_name):
    """The completion pages (by branch, by member) and the task list: the same queries at 5 and 60 members."""
    client = Client()
    client.force_login(world.secretary_a)
    small_task = _grow(world, 1, 2)[0]
    args = [] if url_name == "study:list" else [small_task.pk]
    small = _count(client, reverse(url_name, args=args))
    large_task = _grow(world, 5, 55)[-1]
    assert Member.objects.count() > 55
    args = [] if url_name == "study:list" else [large_task.pk]
    large = _count(client, reverse(url_name, args=args))
    assert small == large <= 15

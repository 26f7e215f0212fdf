"""The development pages: the pipeline board and the funnel cost the same number of queries at two data sizes; a
secretary records a step from a person's path; a broken rule comes back on the form, nothing saved."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from development.models import Step
from members.models import Member, Status
from tests.development.helpers import candidate, general_meeting, voters
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _grow(world, count: int) -> None:
    """`count` more people on the path in branches A and B, each with a few steps."""
    for i in range(count):
        branch = world.branch_a if i % 2 else world.branch_b
        candidate(branch, name=f"发展对象{Member.objects.count()}")
        MemberFactory(organisation=branch, status=Status.APPLICANT, applied_on=date(2026, 11, 1), joined_on=None,
                      confirmed_on=None, birth_date=date(2000, 1, 1))  # fmt: skip


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("secretary_a", "board_a"),
        ("reviewer", "board_p1"),
        ("admin", "board_root"),
        ("admin", "funnel_root"),
        ("reviewer", "funnel_p1"),
    ],
)
def test_board_and_funnel_queries_do_not_grow(client, world, settings, role, page, django_assert_num_queries):
    """The pipeline board and the funnel cost the same number of queries with 4 and with 40 people on the path."""
    settings.PAGE_SIZE = 100
    urls = {
        "board_a": reverse("development:board", args=[world.branch_a.pk]) + "?stage=candidate",
        "board_p1": reverse("development:board", args=[world.p1.pk]),
        "board_root": reverse("development:board", args=[world.root.pk]) + "?state=overdue",
        "funnel_root": reverse("development:funnel", args=[world.root.pk]),
        "funnel_p1": reverse("development:funnel", args=[world.p1.pk]),
    }
    client.force_login(world.users()[role])
    _grow(world, 2)
    small = _queries(client, urls[page])
    _grow(world, 20)
    with django_assert_num_queries(small):
        client.get(urls[page])
    assert small <= 15


def test_the_board_shows_the_next_step_and_its_deadline(client, world):
    """Who is at which stage, their next step, its earliest date and its deadline, with a state label."""
    person = candidate(world.branch_a, name="发展对象丁")
    client.force_login(world.secretary_a)
    body = client.get(reverse("development:board", args=[world.branch_a.pk])).content.decode()
    assert person.name in body and "支部党员大会讨论接收预备党员" in body and "2026年6月6日" in body


def test_the_funnel_counts_each_stage(client, world):
    """The funnel of P1 counts branch A's 发展对象 and 预备党员."""
    candidate(world.branch_a)
    client.force_login(world.reviewer)
    response = client.get(reverse("development:funnel", args=[world.p1.pk]))
    total = response.context["total"]
    assert total.by_stage["candidate"] == 1 and total.by_stage["probationary"] == 1


def test_a_secretary_records_the_admission_vote_from_the_path(client, world):
    """From the path, the secretary records the vote at a finalised 支部党员大会: the figures come from its roll."""
    voters(world.branch_a, 4)
    person = candidate(world.branch_a)
    meeting = general_meeting(world.branch_a, present=6)
    client.force_login(world.secretary_a)
    path = client.get(reverse("development:path", args=[person.pk])).content.decode()
    assert "记录：支部党员大会讨论接收预备党员" in path
    url = reverse("development:record", args=[person.pk])
    data = {"kind": "admission_vote", "meeting": meeting.pk, "votes_for": 6, "votes_against": 0, "votes_abstaining": 0}
    too_many = client.post(url, {**data, "votes_against": 1})
    assert too_many.status_code == 200 and "超过到会有表决权的正式党员人数" in too_many.content.decode()
    assert not Step.objects.filter(member=person, kind="admission_vote").exists()
    response = client.post(url, data)
    assert response.status_code == 302
    vote = Step.objects.get(member=person, kind="admission_vote")
    assert (vote.voting_entitled, vote.voting_present, vote.passed) == (6, 6, True)

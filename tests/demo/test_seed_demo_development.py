"""`seed_demo`'s development of members (issue 14): people at every stage with their steps, one late step, one
extension, admission votes linked to finalised 支部党员大会 records, the journey's 发展对象 ready; built once."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo import reminders, tree
from development.models import Path, Step
from meetings.models import MeetingStatus
from members.models import Member, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_reminders(monkeypatch):
    monkeypatch.setattr(reminders, "reminders_load", lambda **kwargs: None)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_people_at_every_stage_with_their_path():
    """Every stage has people with a next step; a late approval and an extension show; votes link to records."""
    _seed()
    stages = set(Path.objects.exclude(next_step="").values_list("member__status", flat=True))
    assert stages == {Status.APPLICANT, Status.ACTIVIST, Status.CANDIDATE, Status.PROBATIONARY}
    assert Step.objects.filter(kind="admission_approval", is_late=True).exists()
    extension = Step.objects.get(kind="extension")
    assert extension.member.organisation.code == tree.SECRETARY2_BRANCH and extension.extension_months == 6
    votes = Step.objects.filter(kind="admission_vote").select_related("meeting", "member")
    linked = [v for v in votes if v.meeting_id]  # a branch silent before the vote has no record to link
    assert len(linked) >= len(votes) - 1 and all(v.meeting.status == MeetingStatus.FINALISED for v in linked)
    assert all(v.passed for v in votes)
    assert all(v.member.joined_on == v.done_on for v in votes)
    journey = (
        Member.objects.filter(organisation__code=tree.SECRETARY_BRANCH, status=Status.CANDIDATE)
        .exclude(development_steps__kind="political_review")
        .order_by("pk")
        .first()
    )
    assert journey is not None and journey.development_path.next_step == "political_review"
    before = Step.objects.count()
    assert "发展党员：已存在" in _seed()
    assert Step.objects.count() == before

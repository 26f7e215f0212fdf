"""`seed_demo`'s transfers and mobile members: one in flight between the two demo secretaries' branches (seen by
both), one completed, one out of the portal, two 流动党员 with their whereabouts; built once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from demo import meeting_history, reminders, tree
from members.models import Member, Transfer, TransferStatus
from notifications.models import Notice, NoticeKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_meeting_history(monkeypatch):
    """The transfers do not need the two years of meetings (tests/demo/test_seed_demo_meetings.py loads those)."""
    monkeypatch.setattr(meeting_history, "meetings_load", lambda **kwargs: None)
    monkeypatch.setattr(reminders, "reminders_load", lambda **kwargs: None)


def test_the_demo_has_transfers_both_ways_and_mobile_members(client):
    """secretary2 finds a transfer from secretary's branch waiting (and a notice of it); one the other way was
    accepted; one leaves the portal; the mobile list shows where two members are. A second run adds nothing."""
    call_command("seed_demo", stdout=StringIO())
    users = get_user_model().objects
    pending = Transfer.objects.get(status=TransferStatus.PENDING, to_organisation__code=tree.SECRETARY2_BRANCH)
    assert pending.from_organisation.code == tree.SECRETARY_BRANCH
    assert pending.member.organisation.code == tree.SECRETARY_BRANCH  # still on the sending roster
    done = Transfer.objects.get(status=TransferStatus.ACCEPTED)
    assert done.member.organisation.code == tree.SECRETARY_BRANCH and done.decided_on > done.started_on
    assert Transfer.objects.filter(status=TransferStatus.PENDING, to_organisation__isnull=True).count() == 1
    assert Notice.objects.filter(kind=NoticeKind.TRANSFER_INCOMING, user__username="secretary2").count() == 1

    for username in ("secretary", "secretary2"):
        client.force_login(users.get(username=username))
        assert pending.member.name in client.get(reverse("members:transfers") + "?state=pending").content.decode()
    client.force_login(users.get(username="secretary"))
    page = client.get(reverse("members:mobile")).content.decode()
    assert "广东省深圳市南山区" in page and "应转接组织关系" in page
    assert Member.objects.filter(is_mobile=True, away_place__gt="").count() >= 2

    count = Transfer.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Transfer.objects.count() == count == 4
    assert Member.objects.filter(status="transferred_out").count() == 1

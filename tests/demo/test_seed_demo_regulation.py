"""`seed_demo`'s cases of the regulation (issue 12, cases 1, 3 and 6), visible to the `committee` reviewer: a branch
founded mid-year whose earlier months are not due, small with a 书记 and a 宣传委员 (a structure warning, no 支委会
owed), and 谈心谈话 counted per member; built once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from branches.models import Organisation
from demo import meeting_history, regulation_cases, reminders
from meetings import selectors
from meetings.models import MeetingType
from meetings.rules import NEUTRAL

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_meeting_history(monkeypatch):
    monkeypatch.setattr(meeting_history, "meetings_load", lambda **kwargs: None)
    monkeypatch.setattr(reminders, "reminders_load", lambda **kwargs: None)


def test_branch_founded_mid_year_small_and_warned(client):
    """Case 1: months ending before the founding day owe nothing; case 3: the 支委会 is not owed and the branch page
    warns about the post beyond 书记; seeding again adds nothing."""
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    branch = Organisation.objects.get(code=regulation_cases.FOUNDED_MID_YEAR)
    today = timezone.localdate()
    founded = regulation_cases.founded_on(today)
    assert branch.founded_on == founded
    calendar = dict(selectors.unit_year(branch, founded.year, today).calendar())
    for month, result in calendar.items():
        theme = result.for_type(MeetingType.THEME_DAY)
        if month.end <= founded:
            assert (theme.required, theme.status) == (0, NEUTRAL)
        elif month.start <= today:
            assert theme.required == 1
        assert result.for_type(MeetingType.COMMITTEE_MEETING).required == 0
    client.force_login(get_user_model().objects.get(username="committee"))
    page = client.get(reverse("branches:detail", args=[branch.pk])).content.decode()
    assert 'data-code="posts_without_committee"' in page
    assert selectors.theme_days_of([branch]) == {branch.pk: regulation_cases.FIXED_THEME_DAY}

"""The `compliance` command, the compliance page, the branch page and the alerts agree on the same data: a branch
founded mid-year (only periods ending after the founding day are due) and a missed month that later meetings do not
make up for (monthly means monthly)."""

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetings import selectors
from meetings.models import MeetingType
from members.access import SYSTEM
from members.models import Post
from notifications import services as notification_services
from notifications.models import Notice, NoticeKind
from tests.factories import MemberFactory, make_committee, make_meeting, make_org

pytestmark = pytest.mark.django_db

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2027, 1, 5)


@pytest.fixture
def founded_mid_august(world):
    """A branch founded on 2026-08-15 that held its 主题党日 in August, September, twice in November and in
    December, and none in October."""
    branch = make_org(world.p1, code="AUG", founded_on=date(2026, 8, 15))
    secretary = MemberFactory(organisation=branch)
    MemberFactory(organisation=branch)
    make_committee(branch, [(secretary, Post.SECRETARY)])
    for month, day in [(8, 20), (9, 10), (11, 5), (11, 20), (12, 8)]:
        make_meeting(branch, [T.THEME_DAY], starts_at=datetime(2026, month, day, 9, tzinfo=SH))
    return branch


def _command(branch, period):
    out = StringIO()
    call_command("compliance", org=branch.code, period=period, format="json", today=TODAY.isoformat(), stdout=out)
    [row] = json.loads(out.getvalue())
    return row["types"]["theme_day"]


def test_command_page_and_branch_page_agree(client, world, founded_mid_august):
    """Year 2026: 5 months due (from the founding month), 4 met, red for October; July is not due anywhere."""
    branch = founded_mid_august
    year = _command(branch, "2026")
    assert (year["required"], year["held"], year["status"]) == (5, 4, "red")
    assert _command(branch, "2026-07")["required"] == 0
    assert (_command(branch, "2026-10")["status"], _command(branch, "2026-Q4")["status"]) == ("red", "red")

    client.force_login(world.admin)
    response = client.get(reverse("meetings:compliance", args=[branch.pk]) + "?period=2026")
    [(result, _label, cells)] = response.context["rows"]
    [cell] = [c for c in cells if c.meeting_type == T.THEME_DAY]
    assert (cell.required, cell.held, cell.status) == (year["required"], year["held"], year["status"])

    calendar = dict(selectors.unit_year(branch, 2026, TODAY).calendar())
    by_month = {month.n: item.for_type(T.THEME_DAY) for month, item in calendar.items()}
    assert [by_month[n].required for n in range(1, 13)] == [0] * 7 + [1] * 5
    assert [by_month[n].status for n in (8, 9, 10, 11, 12)] == ["green", "green", "red", "green", "green"]
    for n in range(1, 13):
        assert _command(branch, f"2026-{n:02d}")["status"] == by_month[n].status


def test_alerts_agree(world, founded_mid_august):
    """The alerts: no overdue 主题党日 for July (before the founding), one for October (missed, not made up)."""
    branch = founded_mid_august
    for today in (date(2026, 8, 2), date(2026, 11, 2), date(2026, 12, 2)):
        notification_services.compliance_alerts_create(today=today, by=SYSTEM)
    overdue = Notice.objects.filter(kind=NoticeKind.OVERDUE, organisation=branch, key__contains="theme_day")
    assert sorted({n.key.split("|")[2] for n in overdue}) == ["2026-10"]

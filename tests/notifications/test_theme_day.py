"""主题党日 on its fixed day: a reminder to the secretary when it slips (once per branch and month), never a red
mark; the fixed day is inherited from the nearest organisation that sets one."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from meetings import selectors
from meetings import services as meeting_services
from meetings.models import MeetingType
from meetings.rules import RED
from members.access import SYSTEM
from notifications import services
from notifications.models import Notice, NoticeKind
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9):
    return datetime(y, m, d, hh, tzinfo=SH)


def _slips(world):
    return Notice.objects.filter(kind=NoticeKind.THEME_DAY_SLIPPED)


def test_fixed_day_is_inherited_from_the_nearest_setting(world):
    """The nearest organisation on the way up that sets a fixed day wins."""
    meeting_services.theme_day_set(organisation=world.root, day_of_month=10, by=SYSTEM)
    meeting_services.theme_day_set(organisation=world.p1, day_of_month=15, by=SYSTEM)
    assert selectors.theme_days_of([world.branch_a, world.branch_b]) == {world.branch_a.pk: 15, world.branch_b.pk: 10}


@pytest.mark.parametrize(("today", "expected"), [(date(2026, 5, 15), 0), (date(2026, 5, 16), 1)])
def test_the_day_passing_without_a_theme_day_reminds_the_secretary(world, today, expected):
    """On the fixed day nothing; from the day after, the secretary is reminded, once (a re-run adds nothing)."""
    meeting_services.theme_day_set(organisation=world.branch_a, day_of_month=15, by=SYSTEM)
    make_meeting(world.branch_a, [MeetingType.THEME_DAY], starts_at=at(2026, 4, 15))  # April held on the day
    services.compliance_alerts_create(today=today, by=SYSTEM)
    services.compliance_alerts_create(today=today, by=SYSTEM)
    notices = list(_slips(world))
    assert len(notices) == expected
    if notices:
        assert notices[0].member == world.secretary_a_member and "2026-05" in notices[0].key


def test_a_theme_day_on_another_day_reminds_but_is_no_red_mark(world):
    """Held on the 10th while the fixed day is the 15th: a reminder, and the month's 主题党日 is still green."""
    meeting_services.theme_day_set(organisation=world.branch_a, day_of_month=15, by=SYSTEM)
    make_meeting(world.branch_a, [MeetingType.THEME_DAY], starts_at=at(2026, 5, 10))
    services.compliance_alerts_create(today=date(2026, 5, 11), by=SYSTEM)
    assert _slips(world).filter(key__contains="|2026-05|").count() == 1
    [result] = selectors.compliance_for_branches([world.branch_a], "2026-05", today=date(2026, 6, 1))
    assert result.for_type(MeetingType.THEME_DAY).status != RED


def test_no_fixed_day_no_reminder(world):
    """Without a fixed day set anywhere above, nothing is sent."""
    services.compliance_alerts_create(today=date(2026, 5, 20), by=SYSTEM)
    assert not _slips(world).exists()

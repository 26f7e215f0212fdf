"""Shared helpers of the notifications tests: planning through the real service, sending at a chosen time."""

from datetime import datetime, timedelta

from django.utils import timezone

from meetings.services import meeting_plan
from members.access import SYSTEM, scope_for
from notifications import services
from notifications.models import Notice, NoticeKind


def plan(world, *, starts_in: timedelta = timedelta(days=3), attendees=None, by=None, **kwargs):
    """Plan a 主题党日 of branch A through the meetings service (so the reminder hook runs)."""
    return meeting_plan(
        organisation=world.branch_a,
        types=kwargs.pop("types", ["theme_day"]),
        starts_at=kwargs.pop("starts_at", None) or timezone.now() + starts_in,
        topic=kwargs.pop("topic", "学习党章"),
        attendees=attendees,
        by=scope_for(by or world.secretary_a),
        **kwargs,
    )


def reminders(meeting, **filters):
    return Notice.objects.filter(meeting=meeting, kind=NoticeKind.MEETING_REMINDER, **filters)


def sweep_and_send(now: datetime) -> dict[str, int]:
    """What beat and the worker do at `now`: sweep due notices and send every chunk."""
    totals = {"sent": 0, "retried": 0, "failed": 0, "unreachable": 0, "skipped": 0}
    for chunk in services.notices_sweep(now=now, by=SYSTEM):
        for key, value in services.notices_send(notice_ids=chunk, now=now, by=SYSTEM).items():
            totals[key] += value
    return totals

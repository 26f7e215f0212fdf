"""Reminders of 发展党员 steps falling due: to the branch secretary, once per person, step and deadline."""

from datetime import date

import pytest
from django_celery_beat.models import PeriodicTask

from members.access import SYSTEM
from notifications.development import development_reminders_create
from notifications.models import Notice, NoticeKind
from notifications.tasks import development_reminders_task
from tests.development.helpers import candidate

pytestmark = pytest.mark.django_db


def test_a_step_falling_due_reminds_the_secretary_once(world):
    """The talk due a month after the application (细则第六条) reminds branch A's secretary 14 days before its
    deadline; a second run (or the next day's) adds nothing for the same step."""
    person = candidate(world.branch_a, steps={}, status="applicant")  # applied 2025-01-06: the talk was due 2025-02-06
    assert development_reminders_create(today=date(2025, 1, 22), by=SYSTEM) == 0  # 15 days before: not yet
    assert development_reminders_create(today=date(2025, 1, 23), by=SYSTEM) == 1
    assert development_reminders_create(today=date(2025, 1, 24), by=SYSTEM) == 0
    notice = Notice.objects.get(kind=NoticeKind.DEVELOPMENT_DUE)
    assert (notice.user_id, notice.member_id, notice.organisation_id) == (
        world.secretary_a.pk,
        world.secretary_a_member.pk,
        world.branch_a.pk,
    )
    assert person.name in notice.title and "2025年2月6日" in notice.body
    assert notice.link.endswith(f"/development/person/{person.pk}/")


def test_the_task_runs_daily_from_a_beat_row(world):
    """The task is scheduled as an editable django-celery-beat row and needs no arguments."""
    assert PeriodicTask.objects.filter(task="notifications.tasks.development_reminders_task").exists()
    candidate(world.branch_b, steps={}, status="applicant")
    assert development_reminders_task() == 1  # the talk is long overdue today: reminded once
    assert development_reminders_task() == 0

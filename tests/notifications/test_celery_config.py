"""Celery is set for reliability: time limits on every notifications task, a lease above the send limit and a
Redis visibility timeout above every limit, beat schedules as editable database rows."""

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from notifications import tasks

TASKS = [tasks.notices_sweep_task, tasks.notices_send_task, tasks.compliance_alerts_task]


@pytest.mark.parametrize("task", TASKS)
def test_every_task_has_a_time_limit_and_acks_late(task):
    """Each task has hard and soft time limits and is acknowledged only after it ran (a crash redelivers it)."""
    assert task.time_limit and task.soft_time_limit and task.soft_time_limit < task.time_limit
    assert task.acks_late and task.reject_on_worker_lost


def test_visibility_timeout_and_lease_exceed_the_time_limits():
    """Redis redelivers a message only after any task holding it would have been killed, and the sweep re-claims
    a row only after the worker sending it would have been killed."""
    longest = max([settings.CELERY_TASK_TIME_LIMIT, *(t.time_limit for t in TASKS)])
    assert longest < settings.CELERY_REDIS_VISIBILITY_TIMEOUT
    assert tasks.notices_send_task.time_limit < settings.NOTIFICATIONS_LEASE_SECONDS


@pytest.mark.django_db
def test_beat_schedules_are_database_rows():
    """The sweep runs every minute and the alerts each morning (Asia/Shanghai), as rows admins can edit."""
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    sweep = PeriodicTask.objects.get(task="notifications.tasks.notices_sweep_task")
    alerts = PeriodicTask.objects.get(task="notifications.tasks.compliance_alerts_task")
    assert sweep.enabled and (sweep.interval.every, sweep.interval.period) == (1, "minutes")
    assert alerts.enabled and (alerts.crontab.hour, alerts.crontab.minute) == ("7", "30")
    assert str(alerts.crontab.timezone) == "Asia/Shanghai"


@pytest.mark.django_db
def test_every_scheduled_job_names_a_registered_task_with_limits():
    """Each beat row (migrations write them) names a task the worker knows, with time limits and late
    acknowledgement: a row naming a plain function would fail every morning without a word."""
    from config.celery import app

    app.loader.import_default_modules()
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert names
    for name in names:
        assert name in app.tasks, f"{name} is scheduled but is not a Celery task"
        task = app.tasks[name]
        assert task.time_limit and task.soft_time_limit and task.acks_late and task.reject_on_worker_lost, name

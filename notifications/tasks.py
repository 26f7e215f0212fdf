"""Celery tasks: thin, id-based and harmless to re-run; the database rows are the source of truth, not the queue."""

import time

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from members.access import SYSTEM

from . import development, services, transfers
from .dues import dues_arrears_alerts_create


@shared_task(time_limit=120, soft_time_limit=100, acks_late=True, reject_on_worker_lost=True)
def notices_sweep_task() -> int:
    """Every minute (beat): claim due notices in chunks and enqueue one send task per chunk after commit."""
    chunks = services.notices_sweep(by=SYSTEM)
    for chunk in chunks:
        transaction.on_commit(lambda ids=chunk: notices_send_task.delay(ids))
    return len(chunks)


SEND_TIME_LIMIT = settings.NOTIFICATIONS_SEND_TIME_LIMIT
SEND_SOFT_TIME_LIMIT = max(SEND_TIME_LIMIT - max(SEND_TIME_LIMIT // 10, 1), 1)


@shared_task(
    time_limit=SEND_TIME_LIMIT, soft_time_limit=SEND_SOFT_TIME_LIMIT, acks_late=True, reject_on_worker_lost=True
)
def notices_send_task(notice_ids: list[int]) -> dict[str, int]:
    """Send one chunk; a redelivered message finds its rows claimed or sent and does nothing.

    Rows not reached well before the soft time limit go back to the sweep instead of waiting out their lease.
    """
    deadline = time.monotonic() + SEND_SOFT_TIME_LIMIT * 0.8
    return services.notices_send(notice_ids=notice_ids, deadline=deadline, by=SYSTEM)


@shared_task(time_limit=600, soft_time_limit=540, acks_late=True, reject_on_worker_lost=True)
def compliance_alerts_task() -> int:
    """Each morning: write the day's compliance alerts (once per branch, requirement and period)."""
    return services.compliance_alerts_create(today=timezone.localdate(), by=SYSTEM)


@shared_task(time_limit=600, soft_time_limit=540, acks_late=True, reject_on_worker_lost=True)
def dues_alerts_task() -> int:
    """Each morning: write the day's dues alerts (once per member, run of unpaid months, level and recipient)."""
    return dues_arrears_alerts_create(today=timezone.localdate(), by=SYSTEM)


@shared_task(time_limit=600, soft_time_limit=540, acks_late=True, reject_on_worker_lost=True)
def development_reminders_task() -> int:
    """Each morning: remind secretaries of the development steps falling due (once per person, step and deadline)."""
    return development.development_reminders_create(today=timezone.localdate(), by=SYSTEM)


@shared_task(time_limit=300, soft_time_limit=270, acks_late=True, reject_on_worker_lost=True)
def transfer_reminders_task() -> int:
    """Each morning: remind receiving branches of transfers still waiting (once per transfer)."""
    return transfers.transfer_reminders_create(today=timezone.localdate(), by=SYSTEM)

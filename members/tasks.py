"""Celery tasks of the members app: thin and harmless to re-run."""

from celery import shared_task

from . import imports
from .access import SYSTEM


@shared_task(time_limit=120, soft_time_limit=100, acks_late=True, reject_on_worker_lost=True)
def import_stages_purge_task() -> int:
    """Every 15 minutes (beat): delete roster uploads whose preview was abandoned more than an hour ago; a second
    run finds none and does nothing. Returns the number removed."""
    return imports.import_stages_purge_expired(by=SYSTEM)

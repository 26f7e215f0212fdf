"""Celery tasks of the meetings app: harmless to re-run; the meetings are the source of truth, not the queue."""

from celery import shared_task

from . import compliance


@shared_task(time_limit=1800, soft_time_limit=1700, acks_late=True, reject_on_worker_lost=True)
def month_summary_rebuild_task() -> int:
    """Nightly (beat): recount the monthly summary from the meetings and renew every cached page, so nothing written
    past the services (an import, a database repair) stays wrong for more than a day. Returns the number of rows."""
    return compliance.everything_changed(recount=True)

"""Celery tasks of evaluations: harmless to re-run; the data are the source of truth, not the queue. No task takes
anything about a ballot."""

from celery import shared_task

from members.access import SYSTEM

from .models import Scheme
from .services import scores_compute


@shared_task(time_limit=600, soft_time_limit=570, acks_late=True, reject_on_worker_lost=True)
def scheme_score_task(scheme_id: int) -> int:
    """Compute the scores of one scheme's branches (nothing for a superseded or deleted scheme)."""
    scheme = Scheme.objects.filter(pk=scheme_id, is_current=True).first()
    if scheme is None:
        return 0
    return scores_compute(scheme=scheme, by=SYSTEM)

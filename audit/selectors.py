"""Reads of the audit log: filtered by person, action and date, newest first, with the user in the same query."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def audit_events(
    *, person: str = "", action: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    """Events matching the filters (`person`: part of a login name; `since`/`until`: local days, inclusive)."""
    events = AuditEvent.objects.select_related("user").order_by("-at", "-pk")
    if person:
        events = events.filter(Q(username__icontains=person) | Q(user__username__icontains=person))
    if action:
        events = events.filter(action=action)
    zone = timezone.get_current_timezone()
    if since:
        events = events.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        events = events.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone))
    return events

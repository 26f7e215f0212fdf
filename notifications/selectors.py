"""Reads of notifications: a user's notices and unread count, failed notices, reminder offsets, delivery checks."""

from django.db.models import Count, QuerySet

from branches.models import Organisation

from . import rules
from .models import Delivery, Notice, NoticeStatus, ReminderSetting


def reminder_offsets_for(organisation: Organisation) -> tuple[int, ...]:
    """The reminder offsets an organisation uses: its own, else its nearest ancestor's, else the default (1 query)."""
    step = Organisation.steplen
    paths = [organisation.path[:i] for i in range(step, len(organisation.path) + 1, step)]
    rows = ReminderSetting.objects.filter(organisation__path__in=paths).values_list("organisation__path", "offsets")
    found = dict(rows)
    root_first = []
    for path in paths:
        try:
            root_first.append(rules.parse_offsets(found[path]) if path in found else None)
        except ValueError:
            root_first.append(None)
    return rules.nearest_offsets(root_first)


def notices_for(user) -> QuerySet[Notice]:
    """The notices a user has in the portal, newest first."""
    return Notice.objects.filter(user=user, shown_at__isnull=False).order_by("-shown_at", "-pk")


def unread_count(user) -> int:
    """How many of the user's portal notices are unread (one query)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notice.objects.filter(user=user, shown_at__isnull=False, read_at__isnull=True).count()


def notices_failed() -> QuerySet[Notice]:
    """Notices that ended failed, newest first, with what the admin page shows."""
    return (
        Notice.objects.filter(status=NoticeStatus.FAILED)
        .select_related("member", "user", "organisation")
        .order_by("-due_at", "-pk")
    )


def unreachable_by_meeting() -> QuerySet:
    """Upcoming-or-past meetings with expected attendees no channel reaches: meeting, organisation, people (1 query).

    Rows of dicts with `meeting_id`, `meeting__topic`, `meeting__starts_at`, `organisation__name` and `people`; the
    caller narrows them to the organisations it may manage.
    """
    return (
        Notice.objects.filter(status=NoticeStatus.UNREACHABLE, meeting__isnull=False)
        .values("meeting_id", "meeting__topic", "meeting__starts_at", "organisation__name")
        .annotate(people=Count("member", distinct=True))
        .order_by("-meeting__starts_at", "-meeting_id")
    )


def delivery_totals() -> dict[str, int]:
    """Notices sent and failed, and deliveries repeated on a channel (the proof that nothing went out twice)."""
    duplicates = (
        Delivery.objects.values("notice_id", "channel").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    return {
        "sent": Notice.objects.filter(status=NoticeStatus.SENT).count(),
        "failed": Notice.objects.filter(status=NoticeStatus.FAILED).count(),
        "duplicates": duplicates,
    }

"""The monthly meeting summary (`MonthSummary`) the compliance engine reads.

A row holds one organisation's meetings in one local calendar month as the engine counts them: finalised meetings
per type, the attendance of those meetings, and the start of the latest held or finalised meeting. Three ways keep
the rows equal to what the meetings say:

- `refresh` recomputes an organisation's months inside the transaction of the write that changed them (every
  writer calls `meetings.compliance.changed`, which calls it); it locks the row first, so two writers of the same
  month take turns and the second one counts the first one's meeting;
- `rebuild` recomputes every row (`meetings.compliance.everything_changed(recount=True)`: nightly by
  `meetings.tasks.month_summary_rebuild_task`, and after bulk loads);
- the engine never trusts a row beyond what it holds: a month's latest meeting after the day asked about is looked
  up in the meetings themselves.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from branches.unreadable_dates import readable, readable_q

from ..models import Attendance, AttendanceState, Meeting, MeetingStatus, MeetingTypeLink, MonthSummary

#: Statuses of a meeting that count as activity (the silent-branch check).
ACTIVE_STATUSES = (MeetingStatus.HELD, MeetingStatus.FINALISED)
BATCH = 2000


def month_of(moment: datetime) -> date:
    """The first day of the local calendar month of a moment."""
    return timezone.localtime(moment).date().replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The aware start of a local month and of the next one."""
    tz = timezone.get_default_timezone()
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime.combine(month, time.min, tzinfo=tz), datetime.combine(following, time.min, tzinfo=tz)


# --- Keeping rows up to date ---------------------------------------------------------------------------------------


def refresh(organisation_id: int, months: Iterable[date]) -> None:
    """Recompute one organisation's rows for these months from its meetings, in the caller's transaction.

    The month of a stored start that cannot be read (`branches.unreadable_dates`) is no month: it has no row.
    """
    with transaction.atomic(savepoint=False):
        for month in sorted({month for month in months if readable(month)}):
            _refresh_month(organisation_id, month)


def _refresh_month(organisation_id: int, month: date) -> None:
    MonthSummary.objects.bulk_create(
        [MonthSummary(organisation_id=organisation_id, month=month)], ignore_conflicts=True
    )
    # The lock comes before the counting: a concurrent writer of the same month waits here, then counts with a
    # snapshot that includes the meeting the first writer committed.
    row = MonthSummary.objects.select_for_update().get(organisation_id=organisation_id, month=month)
    start, end = month_bounds(month)
    meetings = Meeting.all_objects.filter(
        organisation_id=organisation_id, is_deleted=False, starts_at__gte=start, starts_at__lt=end
    )
    finalised = meetings.filter(status=MeetingStatus.FINALISED)
    held = dict(
        MeetingTypeLink.objects.filter(meeting__in=finalised).values_list("type").annotate(n=Count("id")).order_by()
    )
    attendance = Attendance.objects.filter(meeting__in=finalised).aggregate(
        expected=Count("id"), present=Count("id", filter=Q(state=AttendanceState.PRESENT))
    )
    last = meetings.filter(status__in=ACTIVE_STATUSES).aggregate(last=Max("starts_at"))["last"]
    if not held and not attendance["expected"] and last is None:
        row.delete()
        return
    row.held = held
    row.expected = attendance["expected"]
    row.present = attendance["present"]
    row.last_activity = last
    row.save()


def refresh_every_month(organisation_ids: Iterable[int]) -> None:
    """Recompute every month of these organisations: those with a row and those with a meeting (one query finds
    them), each as `refresh` does."""
    tz = timezone.get_default_timezone()
    ids = sorted(set(organisation_ids))
    found: dict[int, set[date]] = defaultdict(set)
    for organisation_id, month in MonthSummary.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "month"
    ):
        found[organisation_id].add(month)
    meetings = (
        Meeting.all_objects.filter(readable_q("starts_at"), organisation_id__in=ids)
        .annotate(year=ExtractYear("starts_at", tzinfo=tz), month=ExtractMonth("starts_at", tzinfo=tz))
        .values_list("organisation_id", "year", "month")
        .distinct()
        .order_by()
    )
    for organisation_id, year, month in meetings:
        if year is not None:
            found[organisation_id].add(date(year, month, 1))
    for organisation_id in ids:
        refresh(organisation_id, found[organisation_id])


def rebuild(using_apps=None) -> int:
    """Recompute every row from the meetings; returns the number of rows.

    On PostgreSQL the table is locked against writers (readers go on) for the rebuild: a meeting saved meanwhile
    waits to refresh its month until the rebuild commits, then counts with the rebuilt rows in place, so neither
    can undo the other. `using_apps`: a migration's historical models (the migration that creates the table).
    """
    models = _Models(using_apps)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{models.MonthSummary._meta.db_table}" IN EXCLUSIVE MODE')
        rows = _aggregate_all(models)
        models.MonthSummary._base_manager.all().delete()
        batch = []
        for (organisation_id, month), (held, expected, present, last) in rows.items():
            batch.append(
                models.MonthSummary(
                    organisation_id=organisation_id,
                    month=month,
                    held=held,
                    expected=expected,
                    present=present,
                    last_activity=last,
                )
            )
            if len(batch) >= BATCH:
                models.MonthSummary._base_manager.bulk_create(batch)
                batch = []
        models.MonthSummary._base_manager.bulk_create(batch)
    return len(rows)


class _Models:
    """The models `rebuild` reads and writes: the app's own, or a migration's historical ones."""

    def __init__(self, using_apps=None):
        for name in ("Attendance", "Meeting", "MeetingTypeLink", "MonthSummary"):
            model = using_apps.get_model("meetings", name) if using_apps else globals()[name]
            setattr(self, name, model)


def _aggregate_all(models: _Models) -> dict[tuple[int, date], list]:
    """Every organisation's months, computed by the database in three grouped queries.

    Meetings whose stored start cannot be read (a year BC, or too near year 9999 for local time) have no month and
    are left out.
    """
    tz = timezone.get_default_timezone()
    rows: dict[tuple[int, date], list] = defaultdict(lambda: [{}, 0, 0, None])
    finalised = Q(meeting__status=MeetingStatus.FINALISED, meeting__is_deleted=False) & readable_q("meeting__starts_at")
    by_month = {
        "year": ExtractYear("meeting__starts_at", tzinfo=tz),
        "month": ExtractMonth("meeting__starts_at", tzinfo=tz),
    }

    links = (
        models.MeetingTypeLink._base_manager.filter(finalised)
        .annotate(**by_month)
        .values_list("meeting__organisation_id", "year", "month", "type")
        .annotate(n=Count("id"))
        .order_by()
    )
    for organisation_id, year, month, meeting_type, n in links.iterator(chunk_size=BATCH):
        if year is not None:  # SQLite cannot read some text that sorts as a readable date
            rows[(organisation_id, date(year, month, 1))][0][meeting_type] = n

    attendance = (
        models.Attendance._base_manager.filter(finalised)
        .annotate(**by_month)
        .values_list("meeting__organisation_id", "year", "month")
        .annotate(expected=Count("id"), present=Count("id", filter=Q(state=AttendanceState.PRESENT)))
        .order_by()
    )
    for organisation_id, year, month, expected, present in attendance.iterator(chunk_size=BATCH):
        if year is not None:
            row = rows[(organisation_id, date(year, month, 1))]
            row[1], row[2] = expected, present

    last = (
        models.Meeting._base_manager.filter(readable_q("starts_at"), is_deleted=False, status__in=ACTIVE_STATUSES)
        .annotate(year=ExtractYear("starts_at", tzinfo=tz), month=ExtractMonth("starts_at", tzinfo=tz))
        .values_list("organisation_id", "year", "month")
        .annotate(last=Max("starts_at"))
        .order_by()
    )
    for organisation_id, year, month, moment in last.iterator(chunk_size=BATCH):
        if year is not None:
            rows[(organisation_id, date(year, month, 1))][3] = moment
    return rows

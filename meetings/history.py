"""A meeting record's change history (django-simple-history) as lines a person can read, like the member's and
the organisation's history pages (it reuses their `Change` and `HistoryEntry`)."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from branches.selectors import Change, HistoryEntry
from members.models import Member

from .models import Meeting


def meeting_history(meeting: Meeting) -> QuerySet:
    """The saved versions of a meeting record, newest first, with the user who saved each."""
    return meeting.history.select_related("history_user").order_by("-history_date", "-history_id")


#: Fields whose changes the history page shows (bookkeeping such as `version` is left out).
HISTORY_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "topic",
    "agenda",
    "host",
    "recorder",
    "lecturer",
    "lecturer_name",
    "lecture_title",
    "is_election",
    "status",
    "minutes",
    "decisions",
    "is_backfilled",
    "without_quorum_reason",
    "cancelled_reason",
    "is_deleted",
)


def meeting_history_entries(records: list, *, base=None) -> list[HistoryEntry]:
    """Describe each of `records` (newest first) against the next older one, as the members' and organisations'
    history pages do; `base` is the version just before the last of them (from the next page), if any.
    People are named with one query."""
    kinds = {"+": _("创建"), "~": _("修改"), "-": _("删除")}
    fields = [Meeting._meta.get_field(name) for name in HISTORY_FIELDS]
    every = [*records, base] if base is not None else list(records)
    people_ids = {getattr(r, f.attname) for r in every for f in fields if f.is_relation} - {None}
    names = dict(Member.all_objects.filter(pk__in=people_ids).values_list("pk", "name")) if people_ids else {}
    entries = []
    for record, older in zip(records, [*records[1:], base], strict=True):
        changes = []
        if older is not None and record.history_type != "+":
            for model_field in fields:
                old, new = getattr(older, model_field.attname), getattr(record, model_field.attname)
                if old != new:
                    changes.append(
                        Change(
                            str(model_field.verbose_name),
                            _history_value(model_field, old, names),
                            _history_value(model_field, new, names),
                        )
                    )
        entries.append(
            HistoryEntry(record=record, kind=str(kinds.get(record.history_type, kinds["~"])), changes=changes)
        )
    return entries


def _history_value(model_field, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if model_field.is_relation:
        return names.get(value, str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)

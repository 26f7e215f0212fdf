"""A meeting record's change history (django-simple-history) as lines a person can read, like the member's and
the organisation's history pages (it reuses their `Change` and `HistoryEntry`)."""

from collections import defaultdict
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from branches.selectors import Change, HistoryEntry
from members.models import Member

from .models import (
    Attendance,
    AttendanceState,
    Guest,
    GuestKind,
    Meeting,
    MeetingAttachment,
    MeetingPhoto,
    MeetingType,
    MeetingTypeLink,
)


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


def with_related_changes(meeting: Meeting, entries: list[HistoryEntry], *, base=None) -> list[HistoryEntry]:
    """Add to each entry the changes of the meeting's types, expected people, attendance, guests, photos and
    attachments saved with it, so that every change shows in the record's history (at most six queries).

    Each service writes those rows first and the meeting's own version last (planning too), so a row belongs to
    the first version saved at or after it; rows of the version below the page (`base`) or older are left out.
    """
    if not entries:
        return entries
    oldest_first = sorted(range(len(entries)), key=lambda i: entries[i].record.history_date)
    since = base.history_date if base is not None else None
    rows = _related_rows(meeting, until=entries[oldest_first[-1]].record.history_date)
    member_ids = {row.member_id for kind, row in rows if kind == "attendance"}
    names = dict(Member.all_objects.filter(pk__in=member_ids).values_list("pk", "name")) if member_ids else {}
    previous: dict[tuple[str, int], object] = {}
    found: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for kind, row in rows:
        before = previous.get((kind, row.id))
        previous[(kind, row.id)] = row
        if since is not None and row.history_date <= since:
            continue
        owner = next(i for i in oldest_first if entries[i].record.history_date >= row.history_date)
        change = _describe(kind, row, before, names)
        if change:
            found[owner].append(change)
    for index, changes in found.items():
        entries[index].changes.extend(_grouped(changes))
    return entries


def _related_rows(meeting: Meeting, until) -> list[tuple[str, object]]:
    """(kind, historical row) of the meeting's types, attendance and guests up to `until`, oldest first."""
    sources = (
        ("type", MeetingTypeLink.history.model),
        ("attendance", Attendance.history.model),
        ("guest", Guest.history.model),
        ("photo", MeetingPhoto.history.model),
        ("attachment", MeetingAttachment.history.model),
    )
    rows = []
    for kind, model in sources:
        found = model.objects.filter(meeting_id=meeting.pk, history_date__lte=until).order_by("history_date", "pk")
        rows.extend((kind, row) for row in found)
    rows.sort(key=lambda pair: (pair[1].history_date, pair[1].pk))
    return rows


def _describe(kind: str, row, before, names: dict) -> tuple[str, str, str] | None:
    """(label, old, new) for one historical row compared with the same object's previous row."""
    added, removed = row.history_type == "+", row.history_type == "-"
    if kind == "type":
        label = str(MeetingType(row.type).label) if row.type in MeetingType.values else row.type
        return (str(_("会议类型")), label if removed else "", label if added else "") if (added or removed) else None
    if kind == "guest":
        text = f"{row.name}（{GuestKind(row.kind).label if row.kind in GuestKind.values else row.kind}）"
        if added or removed:
            return (str(_("列席人员")), text if removed else "", text if added else "")
        return None
    if kind in ("photo", "attachment"):
        label = str(_("会议照片")) if kind == "photo" else str(_("附件"))
        text = (row.caption or str(_("照片"))) if kind == "photo" else row.original_name
        return (label, text if removed else "", text if added else "") if (added or removed) else None
    name = names.get(row.member_id, str(row.member_id))
    if added or removed:
        return (str(_("应到人员")), name if removed else "", name if added else "")
    if before is not None and (before.state, before.leave_reason) == (row.state, row.leave_reason):
        return None
    # Rows loaded in bulk (imports, the demo) may have no earlier version: the old state is then unknown.
    return (f"{_('出席情况')} · {name}", _state_text(before) if before is not None else "", _state_text(row))


def _state_text(row) -> str:
    label = str(AttendanceState(row.state).label) if row.state in AttendanceState.values else row.state
    return f"{label}（{row.leave_reason}）" if row.leave_reason else label


def _grouped(changes: list[tuple[str, str, str]]) -> list[Change]:
    """One line per added or removed kind ("应到人员: 张三、李四"), one per attendance change."""
    lines: dict[tuple[str, bool], list[str]] = defaultdict(list)
    result = []
    for label, old, new in changes:
        if label.startswith(str(_("出席情况"))):
            result.append(Change(label, old or "—", new))
        else:
            lines[(label, bool(new))].append(new or old)
    for (label, is_added), values in lines.items():
        text = "、".join(values)
        result.insert(0, Change(label, "—" if is_added else text, text if is_added else "—"))
    return result

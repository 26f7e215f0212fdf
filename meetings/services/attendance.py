"""Who is expected, who came, and guests."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.errors import DomainError
from members.access import Scope
from members.models import Member

from .. import rules
from ..models import (
    Attendance,
    AttendanceState,
    Guest,
    GuestKind,
    Meeting,
)
from .common import AttendanceEntry, _bump, _changed, _check_attendees, _check_talk_pair, _lock, _require, _require_open


@transaction.atomic
def attendees_set(*, meeting: Meeting, members: Iterable[Member], by: Scope, version: int | None = None) -> Meeting:
    """Make the expected list exactly `members`: new people are added as expected, those left out removed."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, version)
    _require_open(meeting)
    people = _check_attendees(meeting.organisation, members)
    _check_talk_pair(meeting.types, people)
    wanted = {p.pk for p in people}
    for attendance in meeting.attendances.exclude(member_id__in=wanted):
        attendance.delete()
    present = set(meeting.attendances.values_list("member_id", flat=True))
    for person in people:
        if person.pk not in present:
            Attendance.objects.create(meeting=meeting, member=person)
    _bump(meeting)
    _changed(meeting, "attendees")
    return meeting


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, entries: Iterable[AttendanceEntry], by: Scope, version: int | None = None
) -> Meeting:
    """Record present / on leave (with a reason) / absent for people of the branch; new people join the list.

    Leave may be recorded before the meeting; present and absent only once it has started.
    """
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, version)
    _require_open(meeting)
    entries = list(entries)
    _check_attendees(meeting.organisation, [e.member for e in entries])
    started = rules.can_be_held(meeting.starts_at, timezone.now())
    existing = {a.member_id: a for a in meeting.attendances.all()}
    for entry in entries:
        if entry.state not in AttendanceState.values:
            raise DomainError(_("出席情况无效。"), field="state")
        reason = (entry.leave_reason or "").strip()
        if entry.state == AttendanceState.LEAVE and not reason:
            raise DomainError(_("请填写%(name)s的请假原因。") % {"name": entry.member.name}, field="leave_reason")
        if entry.state in (AttendanceState.PRESENT, AttendanceState.ABSENT) and not started:
            raise DomainError(_("会议尚未召开，不能登记出席或缺席。"), field="state")
        if entry.state != AttendanceState.LEAVE:
            reason = ""
        attendance = existing.get(entry.member.pk) or Attendance(meeting=meeting, member=entry.member)
        if attendance.pk and attendance.state == entry.state and attendance.leave_reason == reason:
            continue
        attendance.state = entry.state
        attendance.leave_reason = reason
        attendance.save()
    _bump(meeting)
    _changed(meeting, "attendance")
    return meeting


@transaction.atomic
def guest_add(*, meeting: Meeting, name: str, by: Scope, kind: str = GuestKind.OTHER, note: str = "") -> Guest:
    """Add a guest (an 积极分子, an observer from above, another visitor) to a meeting."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, None)
    _require_open(meeting)
    if not (name or "").strip():
        raise DomainError(_("请填写列席人员姓名。"), field="name")
    if kind not in GuestKind.values:
        raise DomainError(_("列席人员类别无效。"), field="kind")
    guest = Guest.objects.create(meeting=meeting, name=name.strip(), kind=kind, note=note.strip())
    _bump(meeting)
    return guest


@transaction.atomic
def guest_remove(*, guest: Guest, by: Scope) -> None:
    _require(by.may_manage_meeting(guest.meeting))
    meeting = _lock(guest.meeting, None)
    _require_open(meeting)
    guest.delete()
    _bump(meeting)

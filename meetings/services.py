"""Every write to a meeting: plan, attendance, record, finalise, amend, cancel, delete, uploads, requirements."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.dates import date_range_problems
from branches.errors import DomainError, NotPermitted
from branches.models import Level, Organisation
from members.access import Scope
from members.models import Member

from . import compliance, rules, selectors, uploads
from .models import (
    Amendment,
    Attendance,
    AttendanceState,
    Guest,
    GuestKind,
    Meeting,
    MeetingAttachment,
    MeetingPhoto,
    MeetingStatus,
    MeetingType,
    MeetingTypeLink,
    Period,
    RequirementOverride,
    ThemeDaySetting,
)
from .uploads import attachment_check  # noqa: F401 - the attachment check other apps' uploads use (study files)

#: Fields `meeting_update` may set (the organisation, status and record fields go through their own services).
EDITABLE_FIELDS = (
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
)
#: Text fields of a finalised record that an amendment may correct.
AMENDABLE_FIELDS = ("topic", "place", "agenda", "minutes", "decisions", "lecture_title", "lecturer_name")
STALE_MESSAGE = gettext_lazy("该会议记录已被他人修改，您的修改未保存。请刷新页面后重新填写。")
#: `hook(meeting, event)` runs inside the transaction of every change to a meeting's time, people or state (events:
#: planned, updated, attendees, attendance, finalised, cancelled, deleted, restored); apps above meetings
#: (notifications, study) register here in their `ready()`, so meetings imports none of them.
meeting_changed_hooks: list[Callable[[Meeting, str], None]] = []


def _changed(meeting: Meeting, event: str) -> None:
    for hook in meeting_changed_hooks:
        hook(meeting, event)


def _compliance_changed(meeting: Meeting, *, recount: bool) -> None:
    """The cached pages showing the meeting (the list, the compliance overview; where it is and where it was) are
    rendered again; with `recount`, the month it is in (and the one it was in, when its time moved) is counted
    again for the compliance engine."""
    before = getattr(meeting, "_before", None)
    organisations, moments = [meeting.organisation_id], [meeting.starts_at]
    if before is not None:
        organisations.append(before[0])
        moments.append(before[1])
    compliance.changed(organisations, months=moments if recount else ())


def compliance_everything_changed(*, recount: bool = False) -> int:
    """`meetings.compliance.everything_changed`, for writers outside meetings (seeders, bulk loads, which import only
    the services): every cached page is renewed and, with `recount` (meetings written in bulk), the whole monthly
    summary rebuilt first; returns the rows rebuilt."""
    return compliance.everything_changed(recount=recount)


@dataclass(frozen=True)
class AttendanceEntry:
    """One line of the attendance screen."""

    member: Member
    state: str
    leave_reason: str = ""


# --- Checks --------------------------------------------------------------------------------------------------------


def _lock(meeting: Meeting, version: int | None) -> Meeting:
    """Re-read the meeting under a row lock; refuse when it is gone or someone saved it since `version`."""
    current = Meeting.all_objects.select_for_update().filter(pk=meeting.pk).first()
    if current is None or current.is_deleted:
        raise DomainError(_("该会议记录已被删除。"))
    if version is not None and current.version != version:
        raise DomainError(str(STALE_MESSAGE))
    meeting._before = (current.organisation_id, current.starts_at)
    for name in ("version", "status", "recorded_at", "is_backfilled", "is_deleted"):
        setattr(meeting, name, getattr(current, name))
    return meeting


def _full_clean(meeting: Meeting) -> None:
    """Field-level checks (lengths, choices) as a domain error on the first bad field."""
    try:
        meeting.full_clean(exclude=["organisation", "host", "recorder", "lecturer", "created_by", "finalised_by"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc


def _require(allowed: bool) -> None:
    """Refuse a caller (`by`) without the permission the service needs (the pages answer 404)."""
    if not allowed:
        raise NotPermitted


def meeting_closed_reason(meeting: Meeting) -> str | None:
    """Why the services refuse to change a meeting's plan, people or record (None: they accept): a finalised
    record changes only by amendments; a cancelled or deleted meeting not at all (the admin shows these read-only)."""
    if meeting.is_deleted:
        return _("该会议记录已被删除。")
    if meeting.status == MeetingStatus.FINALISED:
        return _("该会议记录已归档，不能直接修改；如需更正，请提交更正说明。")
    if meeting.status == MeetingStatus.CANCELLED:
        return _("该会议已取消，不能修改。")
    return None


def _require_open(meeting: Meeting) -> None:
    reason = meeting_closed_reason(meeting)
    if reason is not None:
        raise DomainError(reason)


def _bump(meeting: Meeting, *fields: str, recount: bool = False) -> None:
    meeting.version += 1
    meeting.save(update_fields=[*fields, "version", "updated_at"])
    _compliance_changed(meeting, recount=recount)


def _clean_types(types: Iterable[str], organisation: Organisation) -> list[str]:
    chosen = [t for t in MeetingType.values if t in set(types)]
    if not chosen or len(chosen) != len(set(types)):
        raise DomainError(_("请选择会议类型。"), field="types")
    if rules.owes_secretary_lecture(organisation.level) and chosen != [MeetingType.PARTY_LECTURE]:
        raise DomainError(_("党委在此只记录党委书记讲党课，会议类型请选“党课”。"), field="types")
    is_group = organisation.level == Level.PARTY_GROUP
    if MeetingType.GROUP_MEETING in chosen and not is_group:
        raise DomainError(_("党小组会应由党小组召开。"), field="types")
    if is_group and {MeetingType.GENERAL_MEETING, MeetingType.COMMITTEE_MEETING} & set(chosen):
        raise DomainError(_("支部党员大会和支部委员会应由党支部召开。"), field="types")
    return chosen


def _check_organisation(organisation: Organisation) -> None:
    """Meetings are held by branches and party groups; a 党委 records here its 书记's yearly 党课 (支部工作条例
    §16)."""
    if organisation.level not in (Level.BRANCH, Level.PARTY_GROUP) and not rules.owes_secretary_lecture(
        organisation.level
    ):
        raise DomainError(_("会议应由党支部或党小组召开。"), field="organisation")


def _check_people(organisation: Organisation, data: dict) -> None:
    if rules.owes_secretary_lecture(organisation.level):
        # A 党委's lecture: its 书记 (or another speaker) from any branch below it.
        for key in ("host", "recorder", "lecturer"):
            person: Member | None = data.get(key)
            if person is not None and not Member.objects.filter(
                pk=person.pk, organisation__path__startswith=organisation.path
            ).exists():
                raise DomainError(_("%(name)s不是本组织所属党支部的党员。") % {"name": person.name}, field=key)
        return
    branch = selectors.branch_of(organisation)
    for key in ("host", "recorder", "lecturer"):
        person = data.get(key)
        if person is not None and (person.organisation_id != branch.pk or person.is_deleted):
            raise DomainError(_("%(name)s不是本支部党员。") % {"name": person.name}, field=key)


def _check_times(starts_at: datetime, ends_at: datetime | None, status: str) -> None:
    if not rules.ends_after_start(starts_at, ends_at):
        raise DomainError(_("结束时间不能早于开始时间。"), field="ends_at")
    if status in (MeetingStatus.HELD, MeetingStatus.FINALISED) and not rules.can_be_held(starts_at, timezone.now()):
        raise DomainError(_("会议尚未召开，不能记录为已召开。"), field="starts_at")


def _check_dates(times: dict[str, datetime | None]) -> None:
    """The start and end given lie in `rules.MEETING_TIME_RANGE` (ten years back to two years ahead)."""
    problems = date_range_problems(times, rules.MEETING_DATE_RANGES)
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=field)


def _check_attendees(organisation: Organisation, members: Iterable[Member]) -> list[Member]:
    people = list({m.pk: m for m in members}.values())
    if rules.owes_secretary_lecture(organisation.level):
        allowed = set(selectors.members_who_may_attend(organisation).values_list("pk", flat=True))
        for person in people:
            if person.pk not in allowed:
                message = _("%(name)s不是本组织委员会成员，不能列入参会人员。") % {"name": person.name}
                raise DomainError(message, field="attendees")
        return people
    branch = selectors.branch_of(organisation)
    for person in people:
        if person.organisation_id != branch.pk or person.is_deleted:
            message = _("%(name)s不是本支部党员，不能列入参会人员。") % {"name": person.name}
            raise DomainError(message, field="attendees")
    return people


def _check_talk_pair(types: Sequence[str], people: list[Member]) -> None:
    """A 谈心谈话 record names its two people: exactly two different members (`rules.talk_is_pair`)."""
    if not rules.talk_is_pair(list(types), len(people)):
        raise DomainError(_("谈心谈话应记录谈话双方两人。"), field="attendees")


def _set_types(meeting: Meeting, types: list[str]) -> None:
    existing = set(meeting.type_links.values_list("type", flat=True))
    for link in meeting.type_links.exclude(type__in=types):
        link.delete()  # one by one, so the history keeps each removal
    for meeting_type in types:
        if meeting_type not in existing:
            MeetingTypeLink.objects.create(meeting=meeting, type=meeting_type)
    if hasattr(meeting, "_prefetched_objects_cache"):
        meeting._prefetched_objects_cache.pop("type_links", None)


# --- Plan and edit -------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_plan(
    *,
    organisation: Organisation,
    types: Sequence[str],
    starts_at: datetime,
    topic: str,
    ends_at: datetime | None = None,
    place: str = "",
    agenda: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    lecturer: Member | None = None,
    lecturer_name: str = "",
    lecture_title: str = "",
    is_election: bool = False,
    attendees: Iterable[Member] | None = None,
    by: Scope,
) -> Meeting:
    """Plan a meeting; expected attendees default to those the types call for (all members, committee, group)."""
    _check_organisation(organisation)
    _require(by.may_plan_meeting(organisation))
    chosen = _clean_types(types, organisation)
    data = {"host": host, "recorder": recorder, "lecturer": lecturer}
    _check_people(organisation, data)
    _check_dates({"starts_at": starts_at, "ends_at": ends_at})
    _check_times(starts_at, ends_at, MeetingStatus.PLANNED)
    if not (topic or "").strip():
        raise DomainError(_("请填写会议主题。"), field="topic")
    if attendees is None:
        people = list(selectors.members_expected_for(organisation, chosen))
    else:
        people = _check_attendees(organisation, attendees)
        _check_talk_pair(chosen, people)
    meeting = Meeting(
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        topic=topic.strip(),
        agenda=agenda,
        host=host,
        recorder=recorder,
        lecturer=lecturer,
        lecturer_name=lecturer_name,
        lecture_title=lecture_title,
        is_election=is_election and MeetingType.GENERAL_MEETING in chosen,
        created_by_id=by.user_id,
    )
    _full_clean(meeting)
    # The record's first version is written after its types and people, as every later service writes its rows
    # before the meeting's new version: the history page shows each row with the version it belongs to.
    meeting.skip_history_when_saving = True
    meeting.save()
    _compliance_changed(meeting, recount=False)
    del meeting.skip_history_when_saving
    for meeting_type in chosen:
        MeetingTypeLink.objects.create(meeting=meeting, type=meeting_type)
    for person in people:
        Attendance.objects.create(meeting=meeting, member=person)
    Meeting.history.bulk_history_create([meeting])
    _changed(meeting, "planned")
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, version: int, data: dict, by: Scope, types: Sequence[str] | None = None
) -> Meeting:
    """Save a plan's changes unless someone saved the meeting since `version` was read (the first change stays)."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, version)
    _require_open(meeting)
    values = {key: value for key, value in data.items() if key in EDITABLE_FIELDS}
    merged = {key: values.get(key, getattr(meeting, key)) for key in EDITABLE_FIELDS}
    _check_people(meeting.organisation, merged)
    _check_dates({"starts_at": merged["starts_at"], "ends_at": merged["ends_at"]})
    _check_times(merged["starts_at"], merged["ends_at"], meeting.status)
    if "topic" in values and not (values["topic"] or "").strip():
        raise DomainError(_("请填写会议主题。"), field="topic")
    chosen = _clean_types(types, meeting.organisation) if types is not None else meeting.types
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.is_election = bool(merged["is_election"]) and MeetingType.GENERAL_MEETING in chosen
    _full_clean(meeting)
    if types is not None:
        _set_types(meeting, chosen)
    meeting.version += 1
    meeting.save()
    _compliance_changed(meeting, recount=True)
    _changed(meeting, "updated")
    return meeting


@transaction.atomic
def meeting_save(
    *,
    meeting: Meeting,
    version: int,
    data: dict,
    types: Sequence[str] | None = None,
    minutes: str = "",
    decisions: str = "",
    by: Scope,
) -> Meeting:
    """Save the edit page in one step: the plan's changes, then the record once minutes are written.

    A stale `version` refuses the whole save (the first change stays); minutes for a meeting that has not yet
    started are refused, and the plan's changes with them.
    """
    meeting_update(meeting=meeting, version=version, data=data, types=types, by=by)
    if (minutes or "").strip() or meeting.status == MeetingStatus.HELD:
        meeting_record(meeting=meeting, version=meeting.version, minutes=minutes, decisions=decisions, by=by)
    return meeting


# --- Attendance and guests -----------------------------------------------------------------------------------------


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


# --- Record, finalise, amend ---------------------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    version: int,
    minutes: str,
    decisions: str = "",
    ends_at: datetime | None = None,
    by: Scope,
) -> Meeting:
    """Log a meeting as held with its minutes and decisions (a draft until finalised).

    The first record marks it 补录 (backfilled) when entered more than MEETING_BACKFILL_DAYS after the meeting.
    """
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, version)
    _require_open(meeting)
    new_end = ends_at if ends_at is not None else meeting.ends_at
    _check_dates({"ends_at": ends_at})
    _check_times(meeting.starts_at, new_end, MeetingStatus.HELD)
    if not (minutes or "").strip():
        raise DomainError(_("请填写会议内容。"), field="minutes")
    now = timezone.now()
    meeting.minutes = minutes
    meeting.decisions = decisions
    meeting.ends_at = new_end
    if meeting.recorded_at is None:
        meeting.recorded_at = now
        meeting.is_backfilled = rules.is_backfilled(
            timezone.localdate(meeting.starts_at), timezone.localdate(now), settings.MEETING_BACKFILL_DAYS
        )
    meeting.status = MeetingStatus.HELD
    _bump(meeting, "minutes", "decisions", "ends_at", "recorded_at", "is_backfilled", "status", recount=True)
    return meeting


@transaction.atomic
def meeting_finalise(
    *, meeting: Meeting, by: Scope, without_quorum_reason: str = "", version: int | None = None
) -> Meeting:
    """Lock a meeting record (归档); later changes become amendments.

    Quorum by the rules, with the roll taken as of the meeting's day; without it the secretary must give a reason,
    which the record shows. Who had a vote and the figures are stored with the record (`Meeting.quorum_roll`).
    """
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, version)
    if meeting.status == MeetingStatus.FINALISED:
        raise DomainError(_("该会议记录已归档。"))
    if meeting.status != MeetingStatus.HELD:
        raise DomainError(_("请先填写会议记录，再归档。"))
    unmarked = meeting.attendances.filter(state=AttendanceState.EXPECTED).count()
    if unmarked:
        raise DomainError(_("还有%(n)d人未登记出席情况，请登记后再归档。") % {"n": unmarked}, field="attendance")
    if not rules.talk_is_pair(meeting.types, meeting.attendances.count()):
        raise DomainError(_("谈心谈话应记录谈话双方两人。"), field="attendance")
    if MeetingType.PARTY_LECTURE in meeting.types and not (
        (meeting.lecturer_id or meeting.lecturer_name.strip()) and meeting.lecture_title.strip()
    ):
        raise DomainError(_("党课应填写授课人和党课题目。"), field="lecture_title")
    reason = (without_quorum_reason or "").strip()
    # Who had a vote is decided as of the meeting's day and kept with the record (Quorum: "a finalised record keeps
    # the roll as it was").
    checks = selectors.quorum_as_of_day(meeting)
    short = [check for check in checks if not check.met]
    if short and not reason:
        check = short[0]
        raise DomainError(
            _(
                "%(type)s未达到法定人数（应到%(expected)d人，实到%(present)d人，至少需%(needed)d人），请说明原因后再归档。"
            )
            % {
                "type": check.label,
                "expected": check.voting_expected,
                "present": check.voting_present,
                "needed": check.needed,
            },
            field="without_quorum_reason",
        )
    meeting.without_quorum_reason = reason if short else ""
    meeting.quorum_roll = [check.as_stored() for check in checks]
    meeting.status = MeetingStatus.FINALISED
    meeting.finalised_at = timezone.now()
    meeting.finalised_by_id = by.user_id
    _bump(meeting, "without_quorum_reason", "quorum_roll", "status", "finalised_at", "finalised_by", recount=True)
    _changed(meeting, "finalised")
    return meeting


@transaction.atomic
def quorum_rolls_store(*, by: Scope, organisation_path: str = "") -> int:
    """Store the roll (`Meeting.quorum_roll`) of finalised records written in bulk, past `meeting_finalise` (a
    seeder), that have none: taken as of each meeting's day, as finalising takes it. Returns how many were stored;
    a second run finds none. Run by seeders and commands (`by` is SYSTEM or an admin)."""
    _require(by.may_run_scheduled_jobs())
    missing = Meeting.all_objects.filter(
        status=MeetingStatus.FINALISED,
        quorum_roll__isnull=True,
        organisation__path__startswith=organisation_path,
        type_links__type__in=[t for t in MeetingType.values if rules.quorum_applies(t)],
    ).distinct()
    stored = 0
    for meeting in missing.select_related("organisation").prefetch_related("type_links"):
        roll = [check.as_stored() for check in selectors.quorum_as_of_day(meeting)]
        # Not a new version of the record: the roll it had on the day, as the migration fills it for old records.
        Meeting.all_objects.filter(pk=meeting.pk).update(quorum_roll=roll)
        stored += 1
    return stored


@transaction.atomic
def meeting_amend(*, meeting: Meeting, by: Scope, field: str, new_value: str, reason: str) -> Amendment:
    """Correct a finalised record: the new value takes effect, the original stays in the amendment, visible.

    An amendment names its author, so `by` is a user (not `SYSTEM`).
    """
    _require(by.may_manage_meeting(meeting) and by.user_id is not None)
    _lock(meeting, None)
    if meeting.status != MeetingStatus.FINALISED:
        raise DomainError(_("只有已归档的会议记录需要提交更正；未归档的记录可直接修改。"))
    if field not in AMENDABLE_FIELDS:
        raise DomainError(_("该项目不能更正。"), field="field")
    if not (reason or "").strip():
        raise DomainError(_("请填写更正原因。"), field="reason")
    meeting.refresh_from_db(fields=[field])
    old_value = getattr(meeting, field) or ""
    new_value = new_value or ""
    if new_value == old_value:
        raise DomainError(_("更正后的内容与原内容相同。"), field="new_value")
    if field == "topic" and not new_value.strip():
        raise DomainError(_("请填写会议主题。"), field="new_value")
    max_length = Meeting._meta.get_field(field).max_length
    if max_length and len(new_value) > max_length:
        raise DomainError(_("内容不能超过%(n)d个字。") % {"n": max_length}, field="new_value")
    amendment = Amendment.objects.create(
        meeting=meeting,
        author_id=by.user_id,
        reason=reason.strip(),
        field=field,
        old_value=old_value,
        new_value=new_value,
    )
    setattr(meeting, field, new_value)
    _bump(meeting, field)
    return amendment


# --- Cancel, delete, restore ---------------------------------------------------------------------------------------


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: Scope, reason: str = "", version: int | None = None) -> Meeting:
    """Cancel a planned meeting (a held one has happened and is finalised or deleted instead)."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, version)
    if meeting.status != MeetingStatus.PLANNED:
        raise DomainError(_("只能取消尚未召开的会议。"))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_reason = (reason or "").strip()[:200]
    _bump(meeting, "status", "cancelled_reason", recount=True)
    _changed(meeting, "cancelled")
    return meeting


@transaction.atomic
def meeting_delete(*, meeting: Meeting, by: Scope) -> None:
    """Move a meeting to the recycle bin; `meeting_restore` brings it back (secretary or admin)."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, None)
    meeting.is_deleted = True
    meeting.deleted_at = timezone.now()
    _bump(meeting, "is_deleted", "deleted_at", recount=True)
    _changed(meeting, "deleted")


@transaction.atomic
def meeting_restore(*, meeting: Meeting, by: Scope) -> None:
    """Bring a meeting back from the recycle bin."""
    _require(by.may_manage_meeting(meeting))
    if not Meeting.all_objects.filter(pk=meeting.pk, is_deleted=True).exists():
        raise DomainError(_("该会议记录未被删除。"))
    meeting.is_deleted = False
    meeting.deleted_at = None
    meeting.version += 1
    meeting.save(update_fields=["is_deleted", "deleted_at", "version", "updated_at"])
    _compliance_changed(meeting, recount=True)
    _changed(meeting, "restored")


# --- Photos and attachments ----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_photo_add(*, meeting: Meeting, upload, by: Scope, caption: str = "") -> MeetingPhoto:
    """Add a photo, re-encoded as JPEG without metadata under a random name (the member photo rules)."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, None)
    _require_open(meeting)
    content = uploads.photo_clean(upload)
    photo = MeetingPhoto(meeting=meeting, caption=(caption or "").strip()[:120], uploaded_by_id=by.user_id)
    photo.image.save(content.name, content, save=False)
    photo.save()
    _bump(meeting)
    return photo


@transaction.atomic
def meeting_photo_remove(*, photo: MeetingPhoto, by: Scope) -> None:
    _require(by.may_manage_meeting(photo.meeting))
    meeting = _lock(photo.meeting, None)
    _require_open(meeting)
    _delete_file_on_commit(photo.image)
    photo.delete()
    _bump(meeting)


@transaction.atomic
def meeting_attachment_add(*, meeting: Meeting, upload, by: Scope) -> MeetingAttachment:
    """Attach a PDF or Office document (checked by extension and content, size-capped) under a random name."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, None)
    _require_open(meeting)
    checked = uploads.attachment_check(upload)
    attachment = MeetingAttachment(
        meeting=meeting,
        original_name=checked.original_name,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by_id=by.user_id,
    )
    attachment.file.save(checked.content.name, checked.content, save=False)
    attachment.save()
    _bump(meeting)
    return attachment


@transaction.atomic
def meeting_attachment_remove(*, attachment: MeetingAttachment, by: Scope) -> None:
    _require(by.may_manage_meeting(attachment.meeting))
    meeting = _lock(attachment.meeting, None)
    _require_open(meeting)
    _delete_file_on_commit(attachment.file)
    attachment.delete()
    _bump(meeting)


def _delete_file_on_commit(file_field) -> None:
    storage, name = file_field.storage, file_field.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Requirements --------------------------------------------------------------------------------------------------


@transaction.atomic
def requirement_override_set(
    *, organisation: Organisation, meeting_type: str, period: str, count: int, by: Scope
) -> RequirementOverride:
    """Set an organisation's own requirement for a type, for its whole subtree (nearer settings still win)."""
    _require(by.may_set_requirements(organisation))
    if meeting_type not in MeetingType.values:
        raise DomainError(_("会议类型无效。"), field="meeting_type")
    if period not in Period.values:
        raise DomainError(_("周期无效。"), field="period")
    if count is None or count < 0:
        raise DomainError(_("次数不能为负数。"), field="count")
    if not rules.requirement_allowed(rules.Requirement(meeting_type, period, count)):
        national = rules.default_requirement(meeting_type)
        raise DomainError(
            _("%(type)s的频次是全国性规定（%(period)s %(count)d 次），只能提高，不能降低或取消。")
            % {
                "type": MeetingType(meeting_type).label,
                "period": Period(national.period).label,
                "count": national.count,
            },
            field="count",
        )
    override, _created = RequirementOverride.objects.update_or_create(
        organisation=organisation, meeting_type=meeting_type, defaults={"period": period, "count": count}
    )
    compliance.everything_changed()  # the requirement applies to the whole subtree below
    return override


@transaction.atomic
def requirement_override_clear(*, organisation: Organisation, meeting_type: str, by: Scope) -> None:
    """Remove an organisation's own setting; the nearest ancestor's (or the default) applies again."""
    _require(by.may_set_requirements(organisation))
    for override in RequirementOverride.objects.filter(organisation=organisation, meeting_type=meeting_type):
        override.delete()
    compliance.everything_changed()


@transaction.atomic
def theme_day_set(*, organisation: Organisation, day_of_month: int | None, by: Scope) -> ThemeDaySetting | None:
    """Set (or, with None, clear) the fixed day of 主题党日 for an organisation and its subtree (nearer settings win).

    Only a reminder follows from it (notifications), never a compliance figure: no page needs renewing.
    """
    _require(by.may_set_requirements(organisation))
    if day_of_month is None:
        ThemeDaySetting.objects.filter(organisation=organisation).delete()
        return None
    if not rules.duties.THEME_DAY_FIRST <= day_of_month <= rules.duties.THEME_DAY_LAST:
        raise DomainError(_("固定日应在1至31之间。"), field="day_of_month")
    setting, _created = ThemeDaySetting.objects.update_or_create(
        organisation=organisation, defaults={"day_of_month": day_of_month}
    )
    return setting

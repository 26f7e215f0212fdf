"""Record, finalise and amend a meeting; store the roll; cancel, delete and restore."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.errors import DomainError
from members.access import Scope

from .. import rules, selectors
from ..models import (
    Amendment,
    AttendanceState,
    Meeting,
    MeetingStatus,
    MeetingType,
)
from .common import (
    AMENDABLE_FIELDS,
    _bump,
    _changed,
    _check_dates,
    _check_times,
    _compliance_changed,
    _lock,
    _require,
    _require_open,
)


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

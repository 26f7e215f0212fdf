"""Plan a meeting, edit it, save its record in one step."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from branches.errors import DomainError
from branches.models import Organisation
from members.access import Scope
from members.models import Member

from .. import selectors
from ..models import (
    Attendance,
    Meeting,
    MeetingStatus,
    MeetingType,
    MeetingTypeLink,
)
from .common import (
    EDITABLE_FIELDS,
    _changed,
    _check_attendees,
    _check_dates,
    _check_organisation,
    _check_people,
    _check_talk_pair,
    _check_times,
    _clean_types,
    _compliance_changed,
    _full_clean,
    _lock,
    _require,
    _require_open,
    _set_types,
)
from .records import meeting_record


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

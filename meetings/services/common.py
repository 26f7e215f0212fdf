"""What every meeting write shares: the hooks after a write, the checks, the optimistic lock."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.dates import date_range_problems
from branches.errors import DomainError, NotPermitted
from branches.models import Level, Organisation
from members.models import Member

from .. import compliance, rules, selectors
from ..models import (
    Meeting,
    MeetingStatus,
    MeetingType,
    MeetingTypeLink,
)

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
            if (
                person is not None
                and not Member.objects.filter(pk=person.pk, organisation__path__startswith=organisation.path).exists()
            ):
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

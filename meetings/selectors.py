"""Every non-trivial read of meetings, and the compliance reads (`meetings.compliance`) other apps and the views
use: this module is where they find them, so the compliance package can change inside without their knowing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches.models import Level, Organisation
from members.access import Scope
from members.models import MEMBER_STATUSES, CommitteePost, Member, Status

from . import rules
from .compliance.engine import (  # noqa: F401  (re-exported: the compliance reads other apps use)
    NOT_YET_DUE_LABEL,
    STATUS_LABELS,
    BranchCompliance,
    TypeCompliance,
    compliance_for_branches,
    compliance_units,
)
from .compliance.overview import (  # noqa: F401  (re-exported: the compliance reads other apps use)
    ComplianceOverview,
    compliance_of_units,
    compliance_overview,
)
from .compliance.requirements import (  # noqa: F401  (re-exported: the compliance reads other apps use)
    RequirementSource,
    requirement_sources,
    requirements_for,
)
from .compliance.unit_year import (  # noqa: F401  (re-exported: the compliance reads other apps use)
    ArrangedMeeting,
    UnitYear,
    compliance_year_calendar,
    due_this_month,
    unit_year,
)
from .models import Amendment, Attendance, AttendanceState, Meeting, MeetingStatus, MeetingType, MeetingTypeLink

# --- The tree around a meeting -------------------------------------------------------------------------------------


def branch_of(organisation: Organisation) -> Organisation:
    """The branch a party group belongs to (a branch is its own)."""
    if organisation.level == Level.PARTY_GROUP:
        return Organisation.objects.get_parent(organisation)
    return organisation


def members_of(organisation: Organisation) -> QuerySet[Member]:
    """Party members (预备 and 正式) of a branch, or of a party group."""
    members = Member.objects.filter(status__in=MEMBER_STATUSES)
    if organisation.level == Level.PARTY_GROUP:
        return members.filter(party_group=organisation)
    return members.filter(organisation=organisation)


def committee_members_of(organisation: Organisation) -> QuerySet[Member]:
    """Holders of a post in the current committee term of a branch (a party group: of its branch)."""
    branch = branch_of(organisation)
    holders = CommitteePost.objects.current().filter(term__organisation=branch).values("member_id")
    return Member.objects.filter(pk__in=holders)


def members_expected_for(organisation: Organisation, types: Iterable[str]) -> QuerySet[Member]:
    """Who is expected at a meeting of these types ("who attends"): all members, the committee, the group."""
    sources = rules.expected_attendees(list(types))
    q = Q(pk__in=[])
    if rules.ALL_MEMBERS in sources:
        q |= Q(pk__in=members_of(organisation).values("pk"))
    if rules.COMMITTEE in sources:
        q |= Q(pk__in=committee_members_of(organisation).values("pk"))
    if rules.GROUP in sources and organisation.level == Level.PARTY_GROUP:
        q |= Q(pk__in=members_of(organisation).values("pk"))
    return Member.objects.filter(q).order_by("name", "pk")


def members_who_may_attend(organisation: Organisation) -> QuerySet[Member]:
    """Everyone who may be put on a meeting's list: party members of the meeting's branch."""
    return Member.objects.filter(organisation=branch_of(organisation), status__in=MEMBER_STATUSES).order_by(
        "name", "pk"
    )


# --- Meetings a user may see ---------------------------------------------------------------------------------------


def meetings_visible_to(scope: Scope) -> QuerySet[Meeting]:
    """Meetings in the user's read scope, plus (for a member) those of their own branch and its party groups."""
    meetings = Meeting.objects.select_related("organisation", "host", "recorder").prefetch_related("type_links")
    return meetings.filter(scope.meetings_readable_q())


def meetings_by_day(
    scope: Scope, first: date, last: date, *, organisation: Organisation | None = None
) -> dict[date, list[Meeting]]:
    """The meetings a user may read starting on each local day from `first` to `last` (inclusive), in order of their
    start; only those under `organisation` when given (the calendar's month, one query)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    meetings = meetings_visible_to(scope).filter(starts_at__gte=start, starts_at__lt=end)
    if organisation is not None:
        meetings = meetings.filter(organisation__path__startswith=organisation.path)
    by_day: dict[date, list[Meeting]] = {}
    for meeting in meetings.order_by("starts_at", "pk"):
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    return by_day


def meetings_for_list(scope: Scope) -> QuerySet[Meeting]:
    """The meeting list: visible meetings with their attendance figures, newest first.

    The figures are correlated subqueries, not a join with GROUP BY: the database then counts the attendance of
    the page's rows only, and reads the newest meetings from the (-starts_at, -id) index instead of aggregating and
    sorting every visible meeting (bench figure 2: the root's list grew with the data).
    """
    return (
        meetings_visible_to(scope)
        .annotate(
            expected_count=_attendance_count(),
            present_count=_attendance_count(state=AttendanceState.PRESENT),
        )
        .order_by("-starts_at", "-pk")
    )


def _attendance_count(**filters) -> Coalesce:
    rows = Attendance.objects.filter(meeting=OuterRef("pk"), **filters).order_by().values("meeting")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def meeting_detail_queryset(scope: Scope) -> QuerySet[Meeting]:
    """Visible meetings with everything the detail page and the minutes show, in a fixed number of queries."""
    return (
        meetings_visible_to(scope)
        .select_related("lecturer", "finalised_by", "created_by")
        .prefetch_related(
            Prefetch(
                "attendances", queryset=Attendance.objects.select_related("member").order_by("member__name", "pk")
            ),
            "guests",
            "photos",
            "attachments",
            Prefetch("amendments", queryset=Amendment.objects.select_related("author")),
        )
    )


def meetings_deleted_for(scope: Scope) -> QuerySet[Meeting]:
    """Deleted meetings (the recycle bin) in the part of the tree the user manages."""
    return (
        Meeting.all_objects.filter(is_deleted=True)
        .filter(scope.meetings_managed_q())
        .select_related("organisation")
        .prefetch_related("type_links")
        .order_by("-deleted_at", "-pk")
    )


def meetings_upcoming_for(member: Member, now: datetime | None = None) -> QuerySet[Meeting]:
    """Planned meetings a member is expected at that have not yet ended, soonest first."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(attendances__member=member, status=MeetingStatus.PLANNED)
        .filter(Q(starts_at__gte=now) | Q(ends_at__gte=now))
        .select_related("organisation", "host")
        .prefetch_related("type_links")
        .order_by("starts_at", "pk")
    )


def attendance_history_for(member: Member) -> QuerySet[Attendance]:
    """A member's own attendance at held and finalised meetings, newest first."""
    return (
        Attendance.objects.filter(
            member=member,
            meeting__is_deleted=False,
            meeting__status__in=(MeetingStatus.HELD, MeetingStatus.FINALISED),
        )
        .select_related("meeting", "meeting__organisation")
        .prefetch_related("meeting__type_links")
        .order_by("-meeting__starts_at", "-pk")
    )


# --- Quorum --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumCheck:
    """The quorum figures of one type of a meeting, for the finalise page."""

    meeting_type: str
    voting_expected: int
    voting_present: int
    needed: int
    met: bool

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)


def meeting_quorum(meeting: Meeting) -> list[QuorumCheck]:
    """Quorum of each type of the meeting that has one (支部委员会, 支部党员大会).

    支部委员会: the current committee's post holders are expected; 支部党员大会: every 正式党员 of the branch
    (or group) is expected, whether on the list or not, so removing people from the list cannot make a quorum.
    预备党员 are not counted.
    """
    checks = []
    present_ids = set(meeting.attendances.filter(state=AttendanceState.PRESENT).values_list("member_id", flat=True))
    for meeting_type in meeting.types:
        if not rules.quorum_applies(meeting_type):
            continue
        if meeting_type == MeetingType.COMMITTEE_MEETING:
            voters = set(committee_members_of(meeting.organisation).values_list("pk", flat=True))
            election = False
        else:
            voters = set(members_of(meeting.organisation).filter(status=Status.FULL).values_list("pk", flat=True))
            election = meeting.is_election
        present = len(voters & present_ids)
        needed = rules.quorum_needed(meeting_type, len(voters), election)
        met = rules.quorum_met(meeting_type, len(voters), present, election)
        checks.append(QuorumCheck(meeting_type, len(voters), present, needed, met))
    return checks


def meetings_recent_in(scope: Scope, organisation: Organisation, limit: int) -> list[Meeting]:
    """The latest meetings of an organisation's subtree that the user may read, newest first, each with
    `type_label_list` (its types' labels in the order of `MeetingType`), in one query."""
    # Each type a bit: one small subquery per meeting shown (by the meeting's index), not a list of types per row
    # from a second query.
    bits = {meeting_type: 1 << i for i, meeting_type in enumerate(MeetingType.values)}
    mask = Sum(
        Case(*(When(type=t, then=Value(bit)) for t, bit in bits.items()), default=Value(0)),
        distinct=True,
        output_field=IntegerField(),
    )
    links = MeetingTypeLink.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
    meetings = list(
        meetings_visible_to(scope)
        .prefetch_related(None)
        .filter(organisation__path__startswith=organisation.path)
        .annotate(type_mask=Subquery(links.annotate(mask=mask).values("mask"), output_field=IntegerField()))
        .order_by("-starts_at", "-pk")[:limit]
    )
    for meeting in meetings:
        meeting.type_label_list = [
            str(MeetingType(meeting_type).label) for meeting_type, bit in bits.items() if (meeting.type_mask or 0) & bit
        ]
    return meetings

"""Every non-trivial read of meetings, and the compliance reads (`meetings.compliance`) other apps and the views
use: this module is where they find them, so the compliance package can change inside without their knowing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches.dates import local_day
from branches.models import CommitteeTerm, Level, Organisation
from members import rules as member_rules
from members.access import Scope
from members.models import MEMBER_STATUSES, CommitteePost, Member, Post

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
from .compliance.theme_day import ThemeDaySlip, theme_day_slips, theme_days_of  # noqa: F401  (re-exported)
from .compliance.unit_page import UnitPage, unit_page  # noqa: F401  (re-exported: the branch page's compliance)
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


def secretary_of(organisation: Organisation) -> Member | None:
    """The holder of 书记 in an organisation's current committee term, if any."""
    return Member.objects.filter(
        committee_posts__term__organisation=branch_of(organisation),
        committee_posts__term__is_current=True,
        committee_posts__post=Post.SECRETARY,
    ).first()


def members_expected_for(organisation: Organisation, types: Iterable[str]) -> QuerySet[Member]:
    """Who is expected at a meeting of these types ("who attends"): all members, the committee, the group.

    A 党委's own meeting (its 书记's yearly 党课, given for the whole subtree, whose branches keep their own
    records) expects the 党委's committee.
    """
    if rules.owes_secretary_lecture(organisation.level):
        return committee_members_of(organisation).order_by("name", "pk")
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
    """Everyone who may be put on a meeting's list, or host, record or lecture at it: party members of the meeting's
    branch; for a 党委's own meeting, the holders of a post in its current committee term."""
    if rules.owes_secretary_lecture(organisation.level):
        return committee_members_of(organisation).order_by("name", "pk")
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
    """The quorum figures of one type of a meeting: who had a vote on the day (`voters`), how many of them were
    present, how many were needed and whether the quorum was met. A finalised record keeps these as they were
    (`Meeting.quorum_roll`)."""

    meeting_type: str
    voting_expected: int
    voting_present: int
    needed: int
    met: bool
    voters: tuple[int, ...] = ()
    election: bool = False

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    def as_stored(self) -> dict:
        """The form `Meeting.quorum_roll` keeps, one entry per type."""
        return {
            "type": self.meeting_type,
            "voters": list(self.voters),
            "expected": self.voting_expected,
            "present": self.voting_present,
            "needed": self.needed,
            "met": self.met,
            "election": self.election,
        }

    @classmethod
    def from_stored(cls, entry: dict) -> "QuorumCheck":
        return cls(
            meeting_type=entry["type"],
            voting_expected=entry["expected"],
            voting_present=entry["present"],
            needed=entry["needed"],
            met=entry["met"],
            voters=tuple(entry.get("voters") or ()),
            election=bool(entry.get("election")),
        )


def meeting_day(meeting: Meeting) -> date:
    """The local calendar day a meeting was held on: the day its roll is taken."""
    return local_day(meeting.starts_at)


def _voters_among(people: Iterable[tuple], day: date) -> set[int]:
    """The ids of those with a vote on `day` among (id, status, joined_on, confirmed_on, probation from, until)."""
    return {
        pk
        for pk, status, joined, confirmed, probation_from, probation_until in people
        if member_rules.has_vote_on(
            status=status,
            joined_on=joined,
            confirmed_on=confirmed,
            probation_starts_on=probation_from,
            probation_ends_on=probation_until,
            day=day,
        )
    }


_VOTE_FIELDS = ("pk", "status", "joined_on", "confirmed_on", "probation_starts_on", "probation_ends_on")


def committee_term_on(organisation: Organisation, day: date) -> CommitteeTerm | None:
    """The committee term in force on `day`: the latest elected on or before it; the current one when none was
    (a meeting before the first election recorded)."""
    terms = CommitteeTerm.objects.filter(organisation=branch_of(organisation)).order_by("-elected_on", "-pk")
    return terms.filter(elected_on__lte=day).first() or terms.filter(is_current=True).first()


def voters_on(meeting_type: str, organisation: Organisation, day: date) -> set[int]:
    """Who had a vote at a meeting of this type held on `day` (Quorum: "Who may vote is decided on the day of the
    meeting"): for a 支部委员会 the post holders of the term in force that day, for a 支部党员大会 every member of
    the branch (or group); each only when a 正式党员 on that day and not under 留党察看
    (`members.rules.has_vote_on`)."""
    if meeting_type == MeetingType.COMMITTEE_MEETING:
        term = committee_term_on(organisation, day)
        if term is None:
            return set()
        people = Member.objects.filter(committee_posts__term=term)
    else:
        people = members_of(organisation)
    return _voters_among(people.values_list(*_VOTE_FIELDS), day)


def quorum_as_of_day(meeting: Meeting) -> list[QuorumCheck]:
    """The quorum of each type of the meeting that has one (支部委员会, 支部党员大会), with the roll taken as of the
    meeting's day from the records as they stand (`voters_on`).

    Every voter counts as expected, whether on the list or not, so removing people from the list cannot make a
    quorum; 预备党员 and members under 留党察看 are not counted.
    """
    checks = []
    types = [t for t in meeting.types if rules.quorum_applies(t)]
    if not types:
        return checks
    day = meeting_day(meeting)
    present_ids = set(meeting.attendances.filter(state=AttendanceState.PRESENT).values_list("member_id", flat=True))
    for meeting_type in types:
        voters = voters_on(meeting_type, meeting.organisation, day)
        election = meeting.is_election and meeting_type == MeetingType.GENERAL_MEETING
        present = len(voters & present_ids)
        needed = rules.quorum_needed(meeting_type, len(voters), election)
        met = rules.quorum_met(meeting_type, len(voters), present, election)
        checks.append(QuorumCheck(meeting_type, len(voters), present, needed, met, tuple(sorted(voters)), election))
    return checks


def meeting_quorum(meeting: Meeting) -> list[QuorumCheck]:
    """The quorum figures a page, the minutes or a service shows for a meeting: those stored when it was finalised
    (the record never changes its roll afterwards), otherwise taken as of the meeting's day (`quorum_as_of_day`)."""
    if meeting.status == MeetingStatus.FINALISED and meeting.quorum_roll is not None:
        return [QuorumCheck.from_stored(entry) for entry in meeting.quorum_roll]
    return quorum_as_of_day(meeting)


# --- The 党委书记's yearly 党课 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretaryLecture:
    """Whether a 党委's 书记 gave the yearly 党课 for its subtree (支部工作条例 §16) in a year: the finalised 党课
    meetings of the 党委 whose lecturer held 书记 (in the term in force on the day, or the current one)."""

    organisation: Organisation
    year: rules.PeriodRange
    required: int
    lectures: tuple[Meeting, ...]
    status: str
    secretary_name: str

    @property
    def held(self) -> int:
        return len(self.lectures)

    @property
    def status_label(self) -> str:
        if self.status == rules.NEUTRAL and self.required > 0:
            return str(NOT_YET_DUE_LABEL)
        return str(STATUS_LABELS[self.status])


def lecturing_committees_under(organisation: Organisation) -> QuerySet[Organisation]:
    """The 党委 (基层党委 and higher) in an organisation's subtree, itself included, in tree order; none below a
    党总支 or a branch (a 党委 sits above them)."""
    if not rules.owes_secretary_lecture(organisation.level):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        path__startswith=organisation.path, level__in=rules.LECTURING_COMMITTEE_LEVELS
    ).order_by("path")


def secretary_lectures(
    committees: Iterable[Organisation], year: rules.PeriodRange, today: date
) -> list[SecretaryLecture]:
    """For each 党委, its 书记's 党课 in `year` and the status (`rules.secretary_lecture_status`), in the order given;
    two queries whatever the number of 党委."""
    committees = list(committees)
    if not committees:
        return []
    ids = [c.pk for c in committees]
    start, end = rules.period_datetimes(year, timezone.get_default_timezone())
    lectures = (
        Meeting.objects.filter(
            organisation_id__in=ids,
            status=MeetingStatus.FINALISED,
            type_links__type=MeetingType.PARTY_LECTURE,
            lecturer__isnull=False,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .only("pk", "organisation_id", "lecturer_id", "starts_at", "topic", "lecture_title")
        .order_by("starts_at", "pk")
    )
    # 书记 of each term of each 党委: (elected_on, is_current, member id, name), newest first.
    secretaries: dict[int, list[tuple]] = {}
    posts = (
        CommitteePost.objects.filter(term__organisation_id__in=ids, post=Post.SECRETARY)
        .order_by("-term__elected_on", "-term_id")
        .values_list("term__organisation_id", "term__elected_on", "term__is_current", "member_id", "member__name")
    )
    for organisation_id, elected_on, is_current, member_id, name in posts:
        secretaries.setdefault(organisation_id, []).append((elected_on, is_current, member_id, name))
    given: dict[int, list[Meeting]] = {}
    for meeting in lectures:
        day = local_day(meeting.starts_at)
        terms = secretaries.get(meeting.organisation_id, [])
        in_force = next((t for t in terms if t[0] <= day), None)
        holders = {t[2] for t in terms if t[1]} | ({in_force[2]} if in_force else set())
        if meeting.lecturer_id in holders:
            given.setdefault(meeting.organisation_id, []).append(meeting)
    results = []
    for committee in committees:
        counted = tuple(given.get(committee.pk, ()))
        current = next((t[3] for t in secretaries.get(committee.pk, []) if t[1]), "")
        results.append(
            SecretaryLecture(
                organisation=committee,
                year=year,
                required=rules.secretary_lecture_required(year, committee.founded_on),
                lectures=counted,
                status=rules.secretary_lecture_status(len(counted), year, today, committee.founded_on),
                secretary_name=current,
            )
        )
    return results


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

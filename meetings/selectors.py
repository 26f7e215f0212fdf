"""Every non-trivial read of meetings, and the compliance reads (`meetings.compliance`) other apps and the views
use: this module is where they find them, so the compliance package can change inside without their knowing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches.dates import local_day
from branches.models import Level, Organisation
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
from .roll import (  # noqa: F401  (re-exported: the roll and quorum of a meeting)
    QuorumCheck,
    branch_of,
    committee_term_on,
    meeting_day,
    meeting_quorum,
    members_of,
    quorum_as_of_day,
    voters_on,
)

# --- The tree around a meeting -------------------------------------------------------------------------------------


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

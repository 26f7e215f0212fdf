"""Every non-trivial read of meetings, and the compliance engine the pages and the `compliance` command share."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Level, Organisation
from branches.unreadable_dates import readable_q
from members.access import Scope
from members.models import MEMBER_STATUSES, CommitteePost, Member, Status

from . import page_cache, rules, summary
from .models import (
    Amendment,
    Attendance,
    AttendanceState,
    Meeting,
    MeetingStatus,
    MeetingType,
    MeetingTypeLink,
    MonthSummary,
    Period,
    RequirementOverride,
)
from .rules import PeriodRange, Requirement

STATUS_LABELS = {
    rules.GREEN: _("已完成"),
    rules.YELLOW: _("即将到期"),
    rules.RED: _("逾期"),
    rules.NEUTRAL: _("不适用"),
}
#: A requirement with time left that is not yet due soon: neutral (grey), but not "不适用".
NOT_YET_DUE_LABEL = _("未到期")

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
    return Member.objects.filter(committee_posts__term__organisation=branch, committee_posts__term__is_current=True)


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


# --- Compliance engine ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeCompliance:
    """Required and held meetings of one type, counted in `window`, and the resulting status."""

    meeting_type: str
    required: int
    held: int
    status: str
    window: PeriodRange

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    @property
    def status_label(self) -> str:
        if self.status == rules.NEUTRAL and self.required > 0:
            return str(NOT_YET_DUE_LABEL)
        return str(STATUS_LABELS[self.status])

    def as_dict(self) -> dict:
        return {
            "type": self.meeting_type,
            "required": self.required,
            "held": self.held,
            "status": self.status,
            "window": self.window.code,
        }


@dataclass(frozen=True)
class BranchCompliance:
    """One branch's (or party group's) compliance for a period."""

    organisation: Organisation
    period: PeriodRange
    types: tuple[TypeCompliance, ...]
    expected: int
    present: int
    last_activity: date | None
    silent: bool
    _by_type: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._by_type.update({t.meeting_type: t for t in self.types})

    @property
    def attendance_rate(self) -> float | None:
        return rules.attendance_rate(self.present, self.expected)

    @property
    def status(self) -> str:
        return rules.overall_status([t.status for t in self.types if t.required > 0])

    @property
    def required_types(self) -> list[TypeCompliance]:
        return [t for t in self.types if t.required > 0]

    def for_type(self, meeting_type: str) -> TypeCompliance:
        return self._by_type[meeting_type]

    def as_dict(self) -> dict:
        rate = self.attendance_rate
        return {
            "organisation": self.organisation.code,
            "name": self.organisation.name,
            "level": self.organisation.level,
            "period": self.period.code,
            "status": self.status,
            "attendance_rate": None if rate is None else round(rate, 4),
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "silent": self.silent,
            "types": {t.meeting_type: t.as_dict() for t in self.types},
        }


def _ancestor_paths(path: str) -> list[str]:
    """The paths of an organisation and its ancestors, root first (treebeard materialised paths)."""
    step = Organisation.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def _requirements(organisations: Sequence[Organisation]) -> dict[int, dict[str, Requirement]]:
    """Each organisation's requirements: defaults, overridden by the nearest ancestor that sets one (one query)."""
    paths = {p for o in organisations for p in _ancestor_paths(o.path)}
    by_path: dict[str, dict[str, Requirement]] = defaultdict(dict)
    rows = RequirementOverride.objects.filter(organisation__path__in=paths).values_list(
        "organisation__path", "meeting_type", "period", "count"
    )
    for path, meeting_type, period, count in rows:
        by_path[path][meeting_type] = Requirement(meeting_type, period, count)
    types = MeetingType.values
    defaults = {meeting_type: rules.default_requirement(meeting_type) for meeting_type in types}
    result = {}
    for organisation in organisations:
        chain = [
            (depth, by_path[path]) for depth, path in enumerate(_ancestor_paths(organisation.path)) if path in by_path
        ]
        if not chain:  # most organisations: nobody on the way up sets anything
            result[organisation.pk] = defaults
            continue
        requirements = dict(defaults)
        for meeting_type in types:
            candidates = [(depth, own[meeting_type]) for depth, own in chain if meeting_type in own]
            requirements[meeting_type] = rules.nearest_override(candidates) or defaults[meeting_type]
        result[organisation.pk] = requirements
    return result


@dataclass(frozen=True)
class RequirementSource:
    """The requirement in force for one meeting type and where it comes from (None: the rules' default)."""

    meeting_type: str
    requirement: Requirement
    source: Organisation | None
    own: RequirementOverride | None

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    @property
    def period_label(self) -> str:
        return str(Period(self.requirement.period).label)

    @property
    def is_national(self) -> bool:
        """A national frequency can be raised for a subtree but not lowered."""
        return self.meeting_type in rules.NATIONAL_TYPES


def requirement_sources(organisation: Organisation) -> list[RequirementSource]:
    """For the requirement settings page: per checked type, the effective requirement, the organisation whose
    setting it is (nearest ancestor wins; None for the default) and this organisation's own setting (one query)."""
    chain = _ancestor_paths(organisation.path)
    overrides = RequirementOverride.objects.filter(organisation__path__in=chain).select_related("organisation")
    by_type: dict[str, list[tuple[int, RequirementOverride]]] = defaultdict(list)
    for override in overrides:
        by_type[override.meeting_type].append((len(override.organisation.path), override))
    result = []
    for meeting_type in rules.COMPLIANCE_TYPES:
        found = by_type.get(meeting_type, [])
        nearest = max(found, key=lambda pair: pair[0])[1] if found else None
        requirement = (
            Requirement(meeting_type, nearest.period, nearest.count)
            if nearest
            else rules.default_requirement(meeting_type)
        )
        own = nearest if nearest is not None and nearest.organisation_id == organisation.pk else None
        result.append(RequirementSource(meeting_type, requirement, nearest.organisation if nearest else None, own))
    return result


def requirements_for(organisation: Organisation) -> dict[str, Requirement]:
    """The requirement of every meeting type for an organisation (defaults, or the nearest ancestor's setting)."""
    return _requirements([organisation])[organisation.pk]


@dataclass
class _Figures:
    """Everything the engine needs for a set of units over one calendar year, fetched in a fixed number of queries."""

    requirements: dict[int, dict[str, Requirement]]
    full_members: dict[int, int]
    committee_sizes: dict[int, int]
    held: dict[tuple[int, str], list[int]]  # (organisation, type) → finalised meetings by month number (1-12)
    attendance: dict[int, tuple[list[int], list[int]]]  # organisation → (expected, present) by month number
    last_activity: dict[int, date]

    def held_in(self, organisation_id: int, meeting_type: str, window: PeriodRange) -> int:
        months = self.held.get((organisation_id, meeting_type))
        if months is None:
            return 0
        first, last = _month_span(window)
        return sum(months[first : last + 1])

    def attendance_in(self, organisation_id: int, window: PeriodRange) -> tuple[int, int]:
        months = self.attendance.get(organisation_id)
        if months is None:
            return 0, 0
        first, last = _month_span(window)
        return sum(months[0][first : last + 1]), sum(months[1][first : last + 1])


@lru_cache(maxsize=64)
def _month_span(window: PeriodRange) -> tuple[int, int]:
    """The first and last month number a window covers (every unit asks for the same few windows)."""
    months = [m.n for m in window.months()]
    return months[0], months[-1]


def _figures(units: Sequence[Organisation], year: int, as_of: date) -> _Figures:
    """The year's figures of these units from the monthly summary (one row per unit and month, not every meeting)."""
    ids = [u.pk for u in units]
    held: dict[tuple[int, str], list[int]] = {}
    attendance: dict[int, tuple[list[int], list[int]]] = {}
    rows = MonthSummary.objects.filter(
        organisation_id__in=ids, month__gte=date(year, 1, 1), month__lte=date(year, 12, 1)
    ).values_list("organisation_id", "month", "held", "expected", "present")
    for organisation_id, month, held_by_type, expected, present in rows:
        n = month.month
        for meeting_type, count in held_by_type.items():
            held.setdefault((organisation_id, meeting_type), [0] * 13)[n] += count
        expected_by_month, present_by_month = attendance.setdefault(organisation_id, ([0] * 13, [0] * 13))
        expected_by_month[n] += expected
        present_by_month[n] += present

    branch_ids = [u.pk for u in units if u.level != Level.PARTY_GROUP]
    full_members = dict(
        Member.objects.filter(organisation_id__in=branch_ids, status=Status.FULL)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    committee_sizes = dict(
        CommitteePost.objects.filter(
            term__organisation_id__in=branch_ids, term__is_current=True, member__is_deleted=False
        )
        .values_list("term__organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _Figures(
        requirements=_requirements(units),
        full_members=full_members,
        committee_sizes=committee_sizes,
        held=held,
        attendance=attendance,
        last_activity=_last_activity(units, as_of),
    )


def _common_path(paths: list[str]) -> str:
    step = Organisation.steplen
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[:-step]
    return common


#: Up to this many units, the last activity is looked up under each unit's own path.
FEW_UNITS = 100


def _last_activity(units: Sequence[Organisation], as_of: date) -> dict[int, date]:
    """The local date of each unit's latest held or finalised meeting up to `as_of`, its party groups' included.

    Earlier months come from the monthly summary; `as_of`'s own month from the meetings up to the end of that day
    (one month of rows), so a day in the past is answered exactly.
    """
    if not units:
        return {}
    tz = timezone.get_default_timezone()
    until = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=tz)
    paths = [u.path for u in units]
    if len(paths) <= FEW_UNITS:  # a page of units from all over the tree: each one's subtree, not their common one
        under = Q(pk__in=[])
        for path in paths:
            under |= Q(path__startswith=path)
    else:
        under = Q(path__startswith=_common_path(paths))
    # The organisations first (a small table), then their rows by the (organisation, month) index.
    where = Q(organisation_id__in=Organisation.objects.filter(under).values("pk"))
    month_start = datetime.combine(as_of.replace(day=1), time.min, tzinfo=tz)
    # Months before as_of's from the summary; as_of's own month from its meetings, which stops exactly at as_of.
    latest = dict(
        MonthSummary.objects.filter(where, month__lt=as_of.replace(day=1), last_activity__isnull=False)
        .values_list("organisation__path")
        .annotate(last=Max("last_activity"))
        .order_by()
    )
    recent = (
        Meeting.objects.filter(
            where, status__in=summary.ACTIVE_STATUSES, starts_at__gte=month_start, starts_at__lt=until
        )
        .values_list("organisation__path")
        .annotate(last=Max("starts_at"))
        .order_by()
    )
    for path, last in recent:
        latest[path] = max(last, latest.get(path, last))
    # Each organisation with meetings passes its date up to the units on its path: rows × depth, not units × rows.
    unit_by_path = {unit.path: unit.pk for unit in units}
    step = Organisation.steplen
    result: dict[int, date] = {}
    for path, last in latest.items():
        day = timezone.localtime(last).date()
        for end in range(step, len(path) + 1, step):
            unit_id = unit_by_path.get(path[:end])
            if unit_id is not None and (unit_id not in result or day > result[unit_id]):
                result[unit_id] = day
    return result


def _evaluate(unit: Organisation, figures: _Figures, period: PeriodRange, today: date) -> BranchCompliance:
    is_group = unit.level == Level.PARTY_GROUP
    committee = rules.has_committee(figures.full_members.get(unit.pk, 0), figures.committee_sizes.get(unit.pk, 0))
    results = []
    for meeting_type in rules.COMPLIANCE_TYPES:
        requirement = figures.requirements[unit.pk][meeting_type]
        required, window = rules.required_in(requirement, period)
        if not rules.requirement_applies(meeting_type, is_party_group=is_group, has_committee=committee):
            required = 0
        held = figures.held_in(unit.pk, meeting_type, window)
        status = rules.compliance_status(required, held, window.start, window.end, today)
        results.append(TypeCompliance(meeting_type, required, held, status, window))
    expected, present = figures.attendance_in(unit.pk, period)
    last = figures.last_activity.get(unit.pk)
    as_of = min(today, period.end)
    return BranchCompliance(
        organisation=unit,
        period=period,
        types=tuple(results),
        expected=expected,
        present=present,
        last_activity=last,
        silent=rules.silent(last, as_of),
    )


def _as_period(period: PeriodRange | str) -> PeriodRange:
    return rules.parse_period(period) if isinstance(period, str) else period


def compliance_units(organisation: Organisation) -> QuerySet[Organisation]:
    """The branches and party groups an organisation's compliance covers (itself included), in tree order."""
    return Organisation.objects.filter(
        path__startswith=organisation.path, level__in=(Level.BRANCH, Level.PARTY_GROUP)
    ).order_by("path")


def compliance_for_branches(
    branches: Iterable[Organisation], period: PeriodRange | str, today: date | None = None
) -> list[BranchCompliance]:
    """Compliance of each branch (or party group) for a month, quarter or year, in the order given.

    Per type: the required count (defaults or the nearest ancestor's override; only types the unit owes),
    finalised meetings held in the window, and the status; also the attendance rate over the period's
    finalised meetings and the silent flag. Six queries, whatever the number of branches.
    """
    units = list(branches)
    if not units:
        return []
    period = _as_period(period)
    today = today or timezone.localdate()
    figures = _figures(units, period.year, min(today, period.end))
    return [_evaluate(unit, figures, period, today) for unit in units]


@dataclass(frozen=True)
class ComplianceOverview:
    """Every unit's overall status under an organisation, in tree order, and the types worth a column (any unit
    owes or held one): what the compliance page needs beyond the page of rows it shows."""

    statuses: tuple[tuple[int, str], ...]
    columns: tuple[str, ...]


def compliance_overview(
    organisation: Organisation, period: PeriodRange, today: date
) -> tuple[ComplianceOverview, dict[int, BranchCompliance]]:
    """The overview of an organisation's units for a period, and the units evaluated to build it (empty when the
    overview came from the cache: the page then evaluates only the units it shows).

    Cached until something under the organisation changes (meetings, members, committees; `page_cache`) and per day
    (statuses turn with the calendar).
    """
    key = page_cache.key("compliance", [organisation.path], organisation.pk, period.code, today)
    cached = page_cache.get(key)
    if cached is not None:
        return cached, {}
    results = compliance_for_branches(compliance_units(organisation), period, today=today)
    columns = tuple(
        t for t in rules.COMPLIANCE_TYPES if any(r.for_type(t).required or r.for_type(t).held for r in results)
    )
    overview = ComplianceOverview(tuple((r.organisation.pk, r.status) for r in results), columns)
    page_cache.put(key, overview, settings.COMPLIANCE_CACHE_SECONDS)
    return overview, {r.organisation.pk: r for r in results}


def compliance_of_units(
    unit_ids: Sequence[int], evaluated: dict[int, BranchCompliance], period: PeriodRange, today: date
) -> list[BranchCompliance]:
    """The compliance of these units in the order given: taken from `evaluated`, or computed for them alone."""
    if all(pk in evaluated for pk in unit_ids):
        return [evaluated[pk] for pk in unit_ids]
    units = {u.pk: u for u in Organisation.objects.filter(pk__in=list(unit_ids))}
    results = {r.organisation.pk: r for r in compliance_for_branches(units.values(), period, today=today)}
    return [results[pk] for pk in unit_ids if pk in results]


def compliance_year_calendar(
    branch: Organisation, year: int, today: date | None = None
) -> list[tuple[PeriodRange, BranchCompliance]]:
    """The branch page's compliance calendar: for each of the 12 months, every type's figures and status."""
    return unit_year(branch, year, today).calendar()


def due_this_month(branch: Organisation, today: date | None = None) -> list[TypeCompliance]:
    """What a branch still owes this month: unmet requirements whose window ends this month, or that turned
    yellow or red (a yearly 组织生活会 shows up in the last quarter of the year)."""
    today = today or timezone.localdate()
    return unit_year(branch, today.year, today).due_this_month()


# --- One unit's year, read once for its page ------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrangedMeeting:
    """A meeting arranged for later this month: planned, or held and not yet finalised."""

    pk: int
    starts_at: datetime
    types: frozenset[str]

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])


@dataclass
class _UnitFigures:
    """One unit's year as `_evaluate` reads figures (the engine's `_Figures` serves many units)."""

    requirements: dict[int, dict[str, Requirement]]
    full_members: dict[int, int]
    committee_sizes: dict[int, int]
    held: dict[tuple[str, int], int]  # (type, month number) → finalised meetings
    attendance: dict[int, tuple[int, int]]  # month number → (expected, present)
    last_activity: dict[int, date]

    def held_in(self, organisation_id: int, meeting_type: str, window: PeriodRange) -> int:
        return sum(self.held.get((meeting_type, month.n), 0) for month in window.months())

    def attendance_in(self, organisation_id: int, window: PeriodRange) -> tuple[int, int]:
        pairs = [self.attendance.get(month.n, (0, 0)) for month in window.months()]
        return sum(e for e, _p in pairs), sum(p for _e, p in pairs)


@dataclass(frozen=True)
class UnitYear:
    """A branch's (or party group's) compliance figures for a calendar year as of `today`, and (in the current
    year) its meetings arranged from today to the end of this month: the compliance calendar and "本月待办" of
    its page are both evaluated from this one read."""

    unit: Organisation
    year: int
    today: date
    figures: _UnitFigures
    arranged: tuple[ArrangedMeeting, ...]  # soonest first

    def calendar(self) -> list[tuple[PeriodRange, BranchCompliance]]:
        """For each of the year's 12 months, every type's figures and status."""
        months = rules.period_range("year", self.year).months()
        return [(month, _evaluate(self.unit, self.figures, month, self.today)) for month in months]

    def due_this_month(self) -> list[TypeCompliance]:
        """The requirements still unmet whose window ends this month, or that turned yellow or red."""
        if self.year != self.today.year:
            raise ValueError("due_this_month needs the figures of today's year")
        month = rules.period_containing(Period.MONTH, self.today)
        compliance = _evaluate(self.unit, self.figures, month, self.today)
        return [
            t
            for t in compliance.required_types
            if t.held < t.required and (t.window.end <= month.end or t.status in (rules.YELLOW, rules.RED))
        ]

    def planned_for(self, types: Iterable[str]) -> dict[str, ArrangedMeeting]:
        """The next arranged meeting of each of these types, so "本月待办" shows what is already arranged instead
        of asking to plan it again."""
        wanted = set(types)
        found: dict[str, ArrangedMeeting] = {}
        for meeting in self.arranged:
            for meeting_type in meeting.types & wanted:
                found.setdefault(meeting_type, meeting)
        return found


def _count_of(queryset: QuerySet) -> Func:
    """The number of rows of `queryset` as a scalar subquery (no GROUP BY: always one row)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
    return Subquery(counted.values("n"), output_field=IntegerField())


def unit_year(unit: Organisation, year: int, today: date | None = None) -> UnitYear:
    """Read one unit's year in two queries, whatever the number of its meetings: the unit's row joined to its
    finalised meetings of the year (and those arranged up to the end of this month) with their types and attendance,
    its 正式党员, committee size and last activity beside; then its requirements.

    It gives the same figures as the engine's `_figures([unit], year, as_of)`, which serves many units at a time
    (tests/meetings/test_unit_year.py compares them).
    """
    today = today or timezone.localdate()
    as_of = min(today, date(year, 12, 31))
    tz = timezone.get_default_timezone()
    start, end = rules.period_datetimes(rules.period_range("year", year), tz)
    wanted = Q(meetings__status=MeetingStatus.FINALISED)
    if today.year == year:
        month_end = rules.period_containing(Period.MONTH, today).end
        wanted |= Q(
            meetings__status__in=(MeetingStatus.PLANNED, MeetingStatus.HELD),
            meetings__starts_at__gte=datetime.combine(today, time.min, tzinfo=tz),
            meetings__starts_at__lt=datetime.combine(month_end + timedelta(days=1), time.min, tzinfo=tz),
        )
    in_year = Q(meetings__is_deleted=False, meetings__starts_at__gte=start, meetings__starts_at__lt=end) & wanted
    attendance = Attendance.objects.filter(meeting=OuterRef("year_meetings__pk"))
    is_branch = unit.level != Level.PARTY_GROUP
    until = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=tz)
    latest = Meeting.objects.filter(
        organisation__path__startswith=unit.path, status__in=(MeetingStatus.HELD, MeetingStatus.FINALISED)
    ).filter(readable_q("starts_at"), starts_at__lt=until)
    rows = (
        Organisation.objects.filter(pk=unit.pk)
        .annotate(year_meetings=FilteredRelation("meetings", condition=in_year))
        .values_list(
            "year_meetings__pk", "year_meetings__starts_at", "year_meetings__status", "year_meetings__type_links__type"
        )
        .annotate(
            expected=_count_of(attendance),
            present=_count_of(attendance.filter(state=AttendanceState.PRESENT)),
            full=_count_of(Member.objects.filter(organisation=unit, status=Status.FULL)) if is_branch else Value(0),
            committee=_count_of(
                CommitteePost.objects.filter(term__organisation=unit, term__is_current=True, member__is_deleted=False)
            )
            if is_branch
            else Value(0),
            last=Subquery(latest.order_by("-starts_at").values("starts_at")[:1]),
        )
        .order_by()
    )
    held: dict[tuple[str, int], int] = defaultdict(int)
    attended: dict[int, tuple[int, int]] = {}
    arranged: dict[int, tuple[datetime, set[str]]] = {}
    counted: set[int] = set()
    rows = list(rows)
    _pk, _starts_at, _status, _type, _expected, _present, full, committee, last = rows[0]  # the unit's, on every row
    for pk, starts_at, status, meeting_type, expected, present, *_unit in rows:
        if pk is None:
            continue
        if status != MeetingStatus.FINALISED:
            arranged.setdefault(pk, (starts_at, set()))[1].add(meeting_type)
            continue
        month = timezone.localtime(starts_at, tz).month
        if meeting_type is not None:
            held[(meeting_type, month)] += 1
        if pk not in counted:  # a meeting with two types is on two rows
            counted.add(pk)
            before = attended.get(month, (0, 0))
            attended[month] = (before[0] + expected, before[1] + present)
    figures = _UnitFigures(
        requirements=_requirements([unit]),
        full_members={unit.pk: full} if full else {},
        committee_sizes={unit.pk: committee} if committee else {},
        held=held,
        attendance=attended,
        last_activity={unit.pk: timezone.localtime(last, tz).date()} if last else {},
    )
    soonest = sorted(arranged.items(), key=lambda item: (item[1][0], item[0]))
    return UnitYear(
        unit=unit,
        year=year,
        today=today,
        figures=figures,
        arranged=tuple(ArrangedMeeting(pk, starts_at, frozenset(types - {None})) for pk, (starts_at, types) in soonest),
    )


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

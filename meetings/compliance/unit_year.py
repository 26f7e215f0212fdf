"""One unit's year, read once for its page: the branch page's compliance calendar and "本月待办" are both
evaluated (by the engine's `evaluate`) from the figures `unit_year` reads in two queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    DateField,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.urls import reverse
from django.utils import timezone

from branches.models import CommitteeTerm, Level, Organisation
from branches.unreadable_dates import readable_q

from .. import rules
from ..models import Attendance, AttendanceState, Meeting, MeetingStatus, MeetingType, Period
from ..rules import PeriodRange, Requirement
from .engine import BranchCompliance, TypeCompliance, evaluate
from .requirements import requirements_of
from .talks import TalkFigures, seventh_full_member_of, talk_members, talks_per_year


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
    """One unit's year as `evaluate` reads figures (the engine's `YearFigures` serves many units)."""

    requirements: dict[int, dict[str, Requirement]]
    committee_since: dict[int, date]
    first_elected_on: dict[int, date]
    talks: dict[int, TalkFigures]
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
        return [(month, evaluate(self.unit, self.figures, month, self.today)) for month in months]

    def due_this_month(self) -> list[TypeCompliance]:
        """The requirements still unmet whose window ends this month, or that turned yellow or red."""
        if self.year != self.today.year:
            raise ValueError("due_this_month needs the figures of today's year")
        month = rules.period_containing(Period.MONTH, self.today)
        compliance = evaluate(self.unit, self.figures, month, self.today)
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
    """Read one unit's year in two queries, whatever the number of its meetings: its requirements; then the unit's
    row joined to its finalised meetings of the year (and those arranged up to the end of this month) with their
    types and attendance, the day it had 7 正式党员, its first committee election, its members' 谈心谈话 and its
    last activity beside.

    It gives the same figures as the engine's `year_figures([unit], year, as_of)`, which serves many units at a time
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
    requirements = requirements_of([unit])
    talk_requirement = requirements[unit.pk][MeetingType.HEART_TO_HEART_TALK]
    per_year = talks_per_year(talk_requirement)
    talkers = talk_members(rules.period_range("year", year), Q(organisation_id=unit.pk))
    rows = (
        Organisation.objects.filter(pk=unit.pk)
        .annotate(year_meetings=FilteredRelation("meetings", condition=in_year))
        .values_list(
            "year_meetings__pk", "year_meetings__starts_at", "year_meetings__status", "year_meetings__type_links__type"
        )
        .annotate(
            expected=_count_of(attendance),
            present=_count_of(attendance.filter(state=AttendanceState.PRESENT)),
            committee_since=seventh_full_member_of(unit.pk) if is_branch else Value(None, DateField()),
            first_elected=Subquery(
                CommitteeTerm.objects.filter(organisation=unit).order_by("elected_on").values("elected_on")[:1]
            )
            if is_branch
            else Value(None, DateField()),
            owing=_count_of(talkers) if is_branch else Value(0),
            talked=_count_of(talkers.filter(talks__gte=per_year)) if is_branch else Value(0),
            committee=_count_of(talkers.filter(on_committee=True)) if is_branch else Value(0),
            committee_talked=_count_of(talkers.filter(on_committee=True, committee_talked=True))
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
    *_meeting, committee_since, first_elected, owing, talked, committee, committee_talked, last = rows[
        0
    ]  # on every row
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
    talks = TalkFigures({per_year: talked, 0: owing - talked}, committee, committee_talked)
    figures = _UnitFigures(
        requirements=requirements,
        committee_since={unit.pk: committee_since} if committee_since else {},
        first_elected_on={unit.pk: first_elected} if first_elected else {},
        talks={unit.pk: talks} if is_branch and owing else {},
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

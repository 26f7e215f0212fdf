"""The compliance engine: how many meetings of each type a branch (or party group) owes in a month, quarter or
year, how many it held, and the resulting status; also its attendance rate and whether it fell silent.

It reads the monthly summary (`month_summary`), never every meeting: a fixed number of queries whatever the number
of units. The compliance page, the branch page, the `compliance` command and the alerts of `notifications` all
evaluate through `evaluate`, so they agree (other apps reach it through `meetings.selectors`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import CommitteeTerm, Level, Organisation

from .. import rules
from ..models import Meeting, MeetingType, MonthSummary
from ..rules import PeriodRange, Requirement
from .month_summary import ACTIVE_STATUSES
from .requirements import requirements_of
from .talks import TalkFigures, seventh_full_members, talk_figures

STATUS_LABELS = {
    rules.GREEN: _("已完成"),
    rules.YELLOW: _("即将到期"),
    rules.RED: _("逾期"),
    rules.NEUTRAL: _("不适用"),
}
#: A requirement with time left that is not yet due soon: neutral (grey), but not "不适用".
NOT_YET_DUE_LABEL = _("未到期")


@dataclass(frozen=True)
class TypeCompliance:
    """Required and held meetings of one type, counted in `window`, and the resulting status."""

    meeting_type: str
    required: int
    held: int
    status: str
    window: PeriodRange
    #: 谈心谈话 only: committee members who owe a talk with another committee member, and those who had one
    #: (`required`/`held` count members: "N of M members have had a talk").
    committee_required: int = 0
    committee_held: int = 0

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    @property
    def status_label(self) -> str:
        if self.status == rules.NEUTRAL and self.required > 0:
            return str(NOT_YET_DUE_LABEL)
        return str(STATUS_LABELS[self.status])

    @property
    def is_talk(self) -> bool:
        return self.meeting_type == MeetingType.HEART_TO_HEART_TALK

    @property
    def talk_summary(self) -> str:
        """谈心谈话: "N of M members have had a talk" (and the committee's talks with each other)."""
        if not self.is_talk or not self.required:
            return ""
        text = str(_("%(held)d/%(required)d 名党员本年已谈心谈话")) % {"held": self.held, "required": self.required}
        note = self.committee_note
        return f"{text}；{note}" if note else text

    @property
    def committee_note(self) -> str:
        """谈心谈话: how many committee members have talked with another committee member ("" where not owed)."""
        if not self.is_talk or not self.committee_required:
            return ""
        values = {"held": self.committee_held, "required": self.committee_required}
        return str(_("支委之间 %(held)d/%(required)d")) % values

    def as_dict(self) -> dict:
        result = {
            "type": self.meeting_type,
            "required": self.required,
            "held": self.held,
            "status": self.status,
            "window": self.window.code,
        }
        if self.is_talk:
            result.update(committee_required=self.committee_required, committee_held=self.committee_held)
        return result


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


@dataclass
class YearFigures:
    """Everything the engine needs for a set of units over one calendar year, fetched in a fixed number of queries."""

    requirements: dict[int, dict[str, Requirement]]
    committee_since: dict[int, date]  # branch → the day it had 7 正式党员 (`branches.rules.committee_since`)
    first_elected_on: dict[int, date]  # branch → its first recorded committee election
    talks: dict[int, TalkFigures]
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


def year_figures(units: Sequence[Organisation], year: int, as_of: date) -> YearFigures:
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
    first_elected_on = dict(
        CommitteeTerm.objects.filter(organisation_id__in=branch_ids)
        .values_list("organisation_id")
        .annotate(first=Min("elected_on"))
        .order_by()
    )
    return YearFigures(
        requirements=requirements_of(units),
        committee_since=dict(seventh_full_members(branch_ids)) if branch_ids else {},
        first_elected_on=first_elected_on,
        talks=talk_figures(branch_ids, rules.period_range("year", year)),
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
        Meeting.objects.filter(where, status__in=ACTIVE_STATUSES, starts_at__gte=month_start, starts_at__lt=until)
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


def evaluate(unit: Organisation, figures: YearFigures, period: PeriodRange, today: date) -> BranchCompliance:
    """One unit's compliance for a period from figures read beforehand (`year_figures`, or `unit_year`'s).

    Per type: only what the unit owes (`rules.requirement_applies`: the 支委会 only with 7 or more 正式党员), from
    the day it applies (`rules.requirement_starts_on`: founding, and the committee's first election), judged in
    each of the requirement's own windows (`rules.compliance_over_windows`: month by month); 谈心谈话 per member
    (`rules.talk_status`).
    """
    is_group = unit.level == Level.PARTY_GROUP
    committee_since = figures.committee_since.get(unit.pk)
    committee = committee_since is not None  # it has had 7 正式党员 (`branches.rules.committee_since`)
    results = []
    for meeting_type in rules.COMPLIANCE_TYPES:
        requirement = figures.requirements[unit.pk][meeting_type]
        windows = rules.requirement_windows(requirement, period)
        held_by_window = [(window, figures.held_in(unit.pk, meeting_type, window)) for window in windows]
        window = windows[0] if len(windows) == 1 else period
        if not rules.requirement_applies(meeting_type, is_party_group=is_group, has_committee=committee):
            results.append(TypeCompliance(meeting_type, 0, sum(h for _w, h in held_by_window), rules.NEUTRAL, window))
            continue
        starts_on = rules.requirement_starts_on(
            meeting_type,
            founded_on=unit.founded_on,
            committee_since=committee_since,
            first_elected_on=figures.first_elected_on.get(unit.pk),
        )
        if meeting_type == MeetingType.HEART_TO_HEART_TALK and requirement.count > 0:
            results.append(_talks(unit, figures, requirement, period, starts_on, committee, today))
            continue
        required, held, status = rules.compliance_over_windows(requirement.count, held_by_window, starts_on, today)
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


def _talks(unit, figures, requirement, period, starts_on, committee, today) -> TypeCompliance:
    """谈心谈话 over the year that encloses the period: N of M members have had a talk (`rules.talk_status`)."""
    year = period.enclosing("year")
    coverage = figures.talks.get(unit.pk, TalkFigures()).coverage(requirement, committee)
    due = rules.period_due(year, starts_on)
    return TypeCompliance(
        MeetingType.HEART_TO_HEART_TALK,
        coverage.members if due else 0,
        coverage.talked,
        rules.talk_status(coverage, year, starts_on, today),
        year,
        committee_required=coverage.committee if due else 0,
        committee_held=coverage.committee_talked,
    )


def as_period(period: PeriodRange | str) -> PeriodRange:
    """A period given as its code ("2025-03", "2025-Q1", "2025") or already parsed."""
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
    finalised meetings and the silent flag. Seven queries, whatever the number of branches.
    """
    units = list(branches)
    if not units:
        return []
    period = as_period(period)
    today = today or timezone.localdate()
    figures = year_figures(units, period.year, min(today, period.end))
    return [evaluate(unit, figures, period, today) for unit in units]

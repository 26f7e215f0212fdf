"""Organisational life rules (domain-rules.md, "Organisational life") as pure functions of plain values.

Sources: 《中国共产党支部工作条例（试行）》 (2018) for 三会一课, 主题党日, 组织生活会, 民主评议党员, 谈心谈话
and quorum; the quarterly 党课 is local practice (a default any organisation can override for its subtree).
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from branches.rules import COMMITTEE_LEVELS, PARTY_FOUNDED, DateRange

from ..models import MeetingType, Period

GREEN, YELLOW, RED, NEUTRAL = "green", "yellow", "red", "neutral"
STATUSES = (GREEN, YELLOW, RED, NEUTRAL)

MONTHS_IN = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}
SILENT_AFTER_DAYS = 30
YELLOW_MIN_DAYS = 7

#: 开始时间 and 结束时间 of a meeting: from ten years back (a record entered late) to two years ahead (a plan).
MEETING_TIME_RANGE = DateRange(years_back=10, years_ahead=2)
MEETING_DATE_RANGES = {"starts_at": MEETING_TIME_RANGE, "ends_at": MEETING_TIME_RANGE}
#: A compliance period asked about: from the Party's founding to as far ahead as a meeting can be planned.
PERIOD_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=2)

#: Types the compliance engine checks; "other" is never required.
COMPLIANCE_TYPES: tuple[str, ...] = tuple(t for t in MeetingType.values if t != MeetingType.OTHER)


# --- Requirements -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """How many meetings of a type an organisation must hold per period (count 0: not required)."""

    meeting_type: str
    period: str
    count: int


DEFAULT_REQUIREMENTS: dict[str, Requirement] = {
    r.meeting_type: r
    for r in (
        # 支部党员大会: "一般每季度召开1次" (national).
        Requirement(MeetingType.GENERAL_MEETING, Period.QUARTER, 1),
        # 支部委员会: once a month (national).
        Requirement(MeetingType.COMMITTEE_MEETING, Period.MONTH, 1),
        # 党小组会: once a month (national).
        Requirement(MeetingType.GROUP_MEETING, Period.MONTH, 1),
        # 党课: once a quarter (default; nationally the 书记 gives at least one a year).
        Requirement(MeetingType.PARTY_LECTURE, Period.QUARTER, 1),
        # 主题党日: once a month, on a fixed day (national).
        Requirement(MeetingType.THEME_DAY, Period.MONTH, 1),
        # 组织生活会: at least once a year, usually in Q4 (national).
        Requirement(MeetingType.ORGANISATIONAL_LIFE_MEETING, Period.YEAR, 1),
        # 民主评议党员: once a year (national).
        Requirement(MeetingType.MEMBER_APPRAISAL, Period.YEAR, 1),
        # 谈心谈话: each at least once a year (national).
        Requirement(MeetingType.HEART_TO_HEART_TALK, Period.YEAR, 1),
        Requirement(MeetingType.OTHER, Period.YEAR, 0),
    )
}


#: Types whose frequency is a national rule ("Organisational life" table); 党课's quarterly count is a default.
NATIONAL_TYPES: frozenset[str] = frozenset(COMPLIANCE_TYPES) - {MeetingType.PARTY_LECTURE}


def requirement_allowed(requirement: Requirement) -> bool:
    """Configurable defaults ("Organisational life"): an organisation may set any requirement for a **default**
    type (党课), but for a **national** type only one at least as strict as the national rule: a period as long
    or shorter, and at least the national count per national period (3 a quarter is not "once a month")."""
    if requirement.meeting_type not in NATIONAL_TYPES:
        return True
    national = default_requirement(requirement.meeting_type)
    if MONTHS_IN[requirement.period] > MONTHS_IN[national.period]:
        return False
    per_national_period = requirement.count * (MONTHS_IN[national.period] // MONTHS_IN[requirement.period])
    return per_national_period >= national.count


def default_requirement(meeting_type: str) -> Requirement:
    """The national (or default) frequency of a meeting type, from the "Organisational life" table."""
    return DEFAULT_REQUIREMENTS[meeting_type]


def requirement_applies(meeting_type: str, *, is_party_group: bool, has_committee: bool) -> bool:
    """Who holds which meeting ("who attends" column of "Organisational life").

    - 党小组会 is held by party groups, and party groups owe nothing else (their members attend the branch's);
    - 支部委员会 is owed only by a branch that has a committee (`branches.rules.has_committee`: 7 or more 正式党员;
      `duties.requirement_starts_on` says from which day);
    - every other type is owed by branches.
    """
    if is_party_group:
        return meeting_type == MeetingType.GROUP_MEETING
    if meeting_type == MeetingType.GROUP_MEETING:
        return False
    if meeting_type == MeetingType.COMMITTEE_MEETING:
        return has_committee
    return meeting_type != MeetingType.OTHER


def nearest_override(ancestor_overrides: list[tuple[int, Requirement]]) -> Requirement | None:
    """Configurable defaults: among (depth, requirement) set by an organisation and its ancestors, the deepest wins."""
    if not ancestor_overrides:
        return None
    return max(ancestor_overrides, key=lambda pair: pair[0])[1]


# --- Periods ------------------------------------------------------------------------------------------------------

_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|[Qq](?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class PeriodRange:
    """A calendar month, quarter or year (dates in Asia/Shanghai, both ends included)."""

    kind: str
    year: int
    n: int
    start: date
    end: date

    @property
    def code(self) -> str:
        """'2026-11', '2026-Q3' or '2026' — the form the `compliance` command takes."""
        if self.kind == Period.MONTH:
            return f"{self.year}-{self.n:02d}"
        if self.kind == Period.QUARTER:
            return f"{self.year}-Q{self.n}"
        return str(self.year)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return self.code

    def enclosing(self, kind: str) -> "PeriodRange":
        """The period of `kind` that contains this one (itself when it is already that coarse or coarser)."""
        if MONTHS_IN[kind] <= MONTHS_IN[self.kind]:
            return self
        return period_containing(kind, self.start)

    def months(self) -> list["PeriodRange"]:
        """The calendar months this period covers, in order."""
        first = self.start.month
        return [period_range(Period.MONTH, self.year, m) for m in range(first, first + MONTHS_IN[self.kind])]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_bounds(kind: str, year: int, n: int = 1) -> tuple[date, date]:
    """First and last day of month `n`, quarter `n` or the year (Asia/Shanghai calendar dates)."""
    if kind == Period.MONTH:
        if not 1 <= n <= 12:
            raise ValueError(f"month {n}")
        first_month, months = n, 1
    elif kind == Period.QUARTER:
        if not 1 <= n <= 4:
            raise ValueError(f"quarter {n}")
        first_month, months = 3 * (n - 1) + 1, 3
    elif kind == Period.YEAR:
        first_month, months = 1, 12
    else:
        raise ValueError(f"period kind {kind!r}")
    start = date(year, first_month, 1)
    next_month = first_month + months
    after = date(year + 1, 1, 1) if next_month > 12 else date(year, next_month, 1)
    return start, after - timedelta(days=1)


def period_range(kind: str, year: int, n: int = 1) -> PeriodRange:
    start, end = period_bounds(kind, year, n)
    return PeriodRange(str(kind), year, n if kind != Period.YEAR else 1, start, end)


def parse_period(text: str) -> PeriodRange:
    """Parse '2026-11' (a month), '2026-Q3' (a quarter) or '2026' (a year); ValueError otherwise."""
    match = _PERIOD_RE.match((text or "").strip())
    if not match:
        raise ValueError(f"period {text!r}")
    year = int(match["year"])
    if year < 1921:  # the Party was founded in 1921; nothing earlier is a sensible period
        raise ValueError(f"period {text!r}")
    if match["month"]:
        return period_range(Period.MONTH, year, int(match["month"]))
    if match["quarter"]:
        return period_range(Period.QUARTER, year, int(match["quarter"]))
    return period_range(Period.YEAR, year)


def period_allowed(period: PeriodRange, today: date) -> bool:
    """A period asked about starts within `PERIOD_RANGE`: not before 1921, at most two years ahead."""
    return PERIOD_RANGE.contains(period.start, today)


def period_containing(kind: str, day: date) -> PeriodRange:
    """The month, quarter or year of `kind` that contains a (local) date."""
    if kind == Period.MONTH:
        return period_range(kind, day.year, day.month)
    if kind == Period.QUARTER:
        return period_range(kind, day.year, (day.month - 1) // 3 + 1)
    return period_range(kind, day.year)


def period_datetimes(period: PeriodRange, tz: tzinfo) -> tuple[datetime, datetime]:
    """The aware instants [start, end) of a period in a time zone: from local midnight of the first day
    to local midnight after the last (2026-03-31 23:59 in Shanghai is in Q1 although UTC says 15:59)."""
    return (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=tz),
    )


def required_in(requirement: Requirement, period: PeriodRange) -> tuple[int, PeriodRange]:
    """Required count of a requirement for a period, and the window the held meetings are counted in.

    A requirement as frequent as the period or more (monthly, viewed by quarter) multiplies: 3 for a quarter.
    A less frequent one (yearly, viewed by month) is judged over its own enclosing period (the year).
    """
    if MONTHS_IN[requirement.period] <= MONTHS_IN[period.kind]:
        return requirement.count * (MONTHS_IN[period.kind] // MONTHS_IN[requirement.period]), period
    return requirement.count, period.enclosing(requirement.period)


# --- Status -------------------------------------------------------------------------------------------------------


def compliance_status(required: int, held: int, period_start: date, period_end: date, today: date) -> str:
    """Compliance of a branch for a period, per meeting type ("Organisational life"):

    - nothing required → neutral;
    - held at least the required count (minutes finalised) → green;
    - the period ended without it → red;
    - time left: yellow when less than a quarter of the period (or 7 days, whichever is longer) remains,
      otherwise neutral (also neutral for a period not yet begun).
    """
    if required <= 0:
        return NEUTRAL
    if held >= required:
        return GREEN
    if today > period_end:
        return RED
    if today < period_start:
        return NEUTRAL
    length = (period_end - period_start).days + 1
    remaining = (period_end - today).days + 1  # today still counts
    if remaining < max(length / 4, YELLOW_MIN_DAYS):
        return YELLOW
    return NEUTRAL


def worst_status(statuses: list[str]) -> str:
    """The status a branch shows overall: red over yellow over green over neutral."""
    for status in (RED, YELLOW, GREEN):
        if status in statuses:
            return status
    return NEUTRAL


def overall_status(required_statuses: list[str]) -> str:
    """A branch's overall status for a period, from the statuses of the types it is required to hold:
    red if any is overdue, else yellow if any is due soon, else neutral while any is still open with time
    left (a branch is not "done" before it has held everything), else green; nothing required → neutral."""
    if not required_statuses:
        return NEUTRAL
    for status in (RED, YELLOW, NEUTRAL):
        if status in required_statuses:
            return status
    return GREEN


def silent(last_activity: date | None, today: date, days: int = SILENT_AFTER_DAYS) -> bool:
    """静默支部: no recorded activity of any kind for more than 30 days (or none ever)."""
    return last_activity is None or (today - last_activity).days > days


def attendance_rate(present: int, expected: int) -> float | None:
    """Share of expected attendees present (those on leave are still expected); None when nobody was expected."""
    if expected <= 0:
        return None
    return present / expected


# --- Quorum ------------------------------------------------------------------------------------------------------


def quorum_applies(meeting_type: str) -> bool:
    """Only 支部委员会 and 支部党员大会 have a quorum."""
    return meeting_type in (MeetingType.COMMITTEE_MEETING, MeetingType.GENERAL_MEETING)


def quorum_needed(meeting_type: str, voting_expected: int, election: bool = False) -> int:
    """The fewest voters present for a quorum (0 where the type has none).

    - 支部委员会: more than half of the committee members;
    - 支部党员大会: more than half of the members with voting rights; an election at least four fifths.
    """
    if not quorum_applies(meeting_type):
        return 0
    if meeting_type == MeetingType.GENERAL_MEETING and election:
        return math.ceil(voting_expected * 4 / 5)
    return voting_expected // 2 + 1


def quorum_met(meeting_type: str, voting_expected: int, voting_present: int, election: bool = False) -> bool:
    """Quorum rule of "Organisational life": 支部委员会 more than half of its members present; 支部党员大会 more
    than half of the members with voting rights, four fifths for an election. 预备党员 have no vote and are not
    counted (callers pass voting members only); a member on leave is still expected."""
    if not quorum_applies(meeting_type):
        return True
    return voting_present >= quorum_needed(meeting_type, voting_expected, election)


# --- The 党委书记's 党课 --------------------------------------------------------------------------------------------

#: 支部工作条例 §16: the 书记 of each 党委 (a 基层党委 or a higher 党委) gives at least one 党课 a year for its subtree.
SECRETARY_LECTURES_PER_YEAR = 1
#: The levels that are a 党委 and owe it (as stored by `branches.models.Level`).
LECTURING_COMMITTEE_LEVELS = COMMITTEE_LEVELS


def owes_secretary_lecture(level: str) -> bool:
    """支部工作条例 §16: each 党委 (基层党委 and higher) owes a yearly 党课 by its 书记; branches and 党总支 do not."""
    return level in LECTURING_COMMITTEE_LEVELS


def secretary_lecture_required(year: PeriodRange, founded_on: date | None) -> int:
    """How many 党课 by the 书记 a 党委 owes in a year: one (支部工作条例 §16), once the year ends after the day the
    党委 was founded (a requirement applies from the founding day: only periods ending after it are due)."""
    return SECRETARY_LECTURES_PER_YEAR if period_due(year, founded_on) else 0


def secretary_lecture_status(held: int, year: PeriodRange, today: date, founded_on: date | None = None) -> str:
    """The yearly 党课 by the 党委书记 (支部工作条例 §16) for a year: green once given, red when the year ended
    without it, yellow in the year's last quarter (`compliance_status`), neutral before; neutral when not owed."""
    return compliance_status(secretary_lecture_required(year, founded_on), held, year.start, year.end, today)


# --- Votes -------------------------------------------------------------------------------------------------------


def votes_to_pass(voting_entitled: int) -> int:
    """The fewest votes in favour that carry a decision: more than half of those entitled to vote (应到会有表决权的
    党员), not of those present — 支部党员大会 admitting a member: "more than half of the voting members in favour"."""
    return voting_entitled // 2 + 1


def vote_passed(*, voting_entitled: int, voting_present: int, in_favour: int, election: bool = False) -> bool:
    """The outcome of a vote at a 支部党员大会 ("Organisational life", Quorum; "Admission" of "Development"):

    - the meeting must have its quorum: more than half of the voting members present, at least four fifths for an
      election (`quorum_met`, the one quorum rule);
    - more than half of all those entitled to vote must be in favour (`votes_to_pass`).

    预备党员 and members under 留党察看 have no vote: callers count voters only. Impossible figures (more present than
    entitled, more in favour than present, negatives) raise ValueError.
    """
    if min(voting_entitled, voting_present, in_favour) < 0 or not in_favour <= voting_present <= voting_entitled:
        raise ValueError("vote figures: 0 <= in_favour <= voting_present <= voting_entitled")
    if not quorum_met(MeetingType.GENERAL_MEETING, voting_entitled, voting_present, election):
        return False
    return in_favour >= votes_to_pass(voting_entitled)


# --- Records ------------------------------------------------------------------------------------------------------


def is_backfilled(meeting_date: date, recorded_on: date, days: int) -> bool:
    """A record entered more than `days` (settings.MEETING_BACKFILL_DAYS, 7 by default) after its meeting is 补录."""
    return (recorded_on - meeting_date).days > days


def ends_after_start(starts_at: datetime, ends_at: datetime | None) -> bool:
    """A meeting cannot end before it starts."""
    return ends_at is None or ends_at >= starts_at


def can_be_held(starts_at: datetime, now: datetime) -> bool:
    """A meeting that has not yet started cannot be logged as held."""
    return starts_at <= now


#: Who attends each type ("who attends" column): all members, the committee, the group's members, or chosen people.
ALL_MEMBERS, COMMITTEE, GROUP, CHOSEN = "all_members", "committee", "group", "chosen"
ATTENDEES_BY_TYPE = {
    MeetingType.GENERAL_MEETING: ALL_MEMBERS,
    MeetingType.COMMITTEE_MEETING: COMMITTEE,
    MeetingType.GROUP_MEETING: GROUP,
    MeetingType.PARTY_LECTURE: ALL_MEMBERS,
    MeetingType.THEME_DAY: ALL_MEMBERS,
    MeetingType.ORGANISATIONAL_LIFE_MEETING: ALL_MEMBERS,
    MeetingType.MEMBER_APPRAISAL: ALL_MEMBERS,
    MeetingType.HEART_TO_HEART_TALK: CHOSEN,
    MeetingType.OTHER: ALL_MEMBERS,
}


def expected_attendees(types: list[str]) -> set[str]:
    """Who is expected at a meeting of these types: the union of each type's attendees."""
    return {ATTENDEES_BY_TYPE[t] for t in types}


TALK_PARTICIPANTS = 2


def talk_is_pair(types: list[str], attendees: int) -> bool:
    """谈心谈话 is recorded as a pair: exactly two people (committee ↔ member or member ↔ member)."""
    return MeetingType.HEART_TO_HEART_TALK not in types or attendees == TALK_PARTICIPANTS


# The duties of a unit over time (founding, committee, monthly windows, 谈心谈话 per person, the theme day's fixed day)
# live in `duties`; they are part of this module's interface.
from .duties import (  # noqa: E402, F401
    TalkCoverage,
    compliance_over_windows,
    fixed_theme_day,
    period_due,
    requirement_starts_on,
    requirement_windows,
    talk_owed,
    talk_status,
    theme_day_slipped,
)

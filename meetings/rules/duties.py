"""What a unit owes over time (domain-rules.md, "Quorum and compliance" and "Organisational life"), as pure
functions of plain values:

- from when: a requirement applies from the day the organisation was founded, and the 支委会 from the day the
  branch has a committee and its first election (only periods ending after that day are due);
- month by month: a requirement viewed over a longer period is met in each of its own periods (a missed month
  stays missed);
- 谈心谈话 is owed by each member, not once by the branch;
- 主题党日 on its fixed day: a day that slips is a reminder, never a red mark.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..models import MeetingType
from . import MONTHS_IN, NEUTRAL, PeriodRange, Requirement, compliance_status, overall_status, period_containing

# --- From when ------------------------------------------------------------------------------------------------------


def period_due(period: PeriodRange, applies_from: date | None) -> bool:
    """A requirement applies from the day an organisation is founded: only the periods (months, quarters, years)
    that end after that day are due (None: no founding day recorded, every period is due). The same holds for a
    day a requirement starts otherwise (the 支委会 from the branch's committee and its first election)."""
    return applies_from is None or period.end > applies_from


def requirement_starts_on(
    meeting_type: str,
    *,
    founded_on: date | None,
    committee_since: date | None = None,
    first_elected_on: date | None = None,
) -> date | None:
    """The day from which a requirement applies (`period_due`):

    - every requirement from the organisation's founding day (成立日期);
    - the monthly 支部委员会 also from the day the branch has a 支委会 (its 7th 正式党员, `branches.rules.
      committee_since`) and, where a committee term was recorded, from its first election (选举日期): a committee
      elected mid-month owes that month's 支委会, one elected on a month's last day owes it from the next.
    """
    days = [founded_on]
    if meeting_type == MeetingType.COMMITTEE_MEETING:
        days += [committee_since, first_elected_on]
    known = [day for day in days if day is not None]
    return max(known) if known else None


# --- Month by month -------------------------------------------------------------------------------------------------


def requirement_windows(requirement: Requirement, period: PeriodRange) -> list[PeriodRange]:
    """The windows a requirement is judged in for a period: its own periods within a longer one (a monthly
    requirement viewed by quarter: the three months), else the one period that encloses the view (a yearly
    requirement viewed by month: the year)."""
    if MONTHS_IN[requirement.period] >= MONTHS_IN[period.kind]:
        return [period.enclosing(requirement.period)]
    step = MONTHS_IN[requirement.period]
    months = period.months()
    return [_join(months[i : i + step], requirement.period) for i in range(0, len(months), step)]


def _join(months: list[PeriodRange], kind: str) -> PeriodRange:
    first = months[0]
    return period_containing(kind, first.start)


def compliance_over_windows(
    count: int, windows: Sequence[tuple[PeriodRange, int]], applies_from: date | None, today: date
) -> tuple[int, int, str]:
    """Required, held and status of a requirement (`count` per window) over its windows, each with its meetings
    held ("Quorum and compliance": a monthly requirement is met month by month).

    - only windows ending after `applies_from` are due (`period_due`): a year view of a monthly requirement
      counts the months from the founding month on;
    - one window: the plain status (`compliance_status`);
    - several: each window on its own; the view is green only when every due window is, red as soon as one ended
      without its meetings (`overall_status`), and a window's extra meetings are not credited to another, so the
      figure held counts at most `count` in each.
    """
    results = []
    for window, held in windows:
        required = count if period_due(window, applies_from) else 0
        results.append((required, held, compliance_status(required, held, window.start, window.end, today)))
    if len(results) == 1:
        return results[0]
    due = [(required, held, status) for required, held, status in results if required > 0]
    if not due:
        return 0, 0, NEUTRAL
    return (
        sum(required for required, _held, _status in due),
        sum(min(held, required) for required, held, _status in due),
        overall_status([status for _required, _held, status in due]),
    )


# --- 谈心谈话, each member -----------------------------------------------------------------------------------------


def talk_owed(joined_on: date | None, year: PeriodRange) -> bool:
    """谈心谈话 is a per-person obligation: a member owes a talk for a year from the month they joined (a member who
    joined in December still owes one that year); a member without a recorded 入党日期 owes one every year."""
    return joined_on is None or joined_on <= year.end


@dataclass(frozen=True)
class TalkCoverage:
    """谈心谈话 in a year: of the members who owe a talk, how many have had (at least the required number of)
    talks; of the committee members, how many have talked with another committee member."""

    members: int
    talked: int
    committee: int = 0
    committee_talked: int = 0


def talk_status(coverage: TalkCoverage, year: PeriodRange, applies_from: date | None, today: date) -> str:
    """谈心谈话 ("Organisational life": among committee members, committee ↔ members, member ↔ member; each member at
    least once a year): green only when every member who owes one has had a talk in the year and, where the branch
    has a 支委会, every committee member has talked with at least one other committee member (our reading of
    "committee members with each other": each committee member with another, not every pair); red when the year
    ended short; yellow in its last quarter (`compliance_status`); neutral when nobody owes one or the year is not
    due (`period_due`)."""
    if not period_due(year, applies_from):
        return NEUTRAL
    required = coverage.members + coverage.committee
    held = min(coverage.talked, coverage.members) + min(coverage.committee_talked, coverage.committee)
    return compliance_status(required, held, year.start, year.end, today)


# --- 主题党日 on its fixed day ------------------------------------------------------------------------------------

#: A fixed day of the month for 主题党日 (固定主题党日): 1 to 31; a month without that day uses its last day.
THEME_DAY_FIRST, THEME_DAY_LAST = 1, 31


def fixed_theme_day(day_of_month: int, month: PeriodRange) -> date:
    """主题党日 "once a month, on a fixed day" (national): the fixed day in a month; the 29th–31st fall on the
    month's last day when it is shorter."""
    return month.start.replace(day=min(day_of_month, month.end.day))


def theme_day_slipped(fixed_on: date, held_on: Iterable[date], today: date) -> bool:
    """主题党日 on its fixed day (national; a reminder, never a red mark): the month's theme day slipped when none
    was held on the fixed day and either one was held on another day of the month or the fixed day has passed
    (judged from the day after it)."""
    days = set(held_on)
    if fixed_on in days:
        return False
    return bool(days) or today > fixed_on

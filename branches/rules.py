"""Organisation rules from 《中国共产党支部工作条例（试行）》, as pure functions of plain values."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

#: Domains whose branches serve five-year terms (村 and 社区); all others serve three.
FIVE_YEAR_TERM_DOMAINS = frozenset({"rural", "community"})
MIN_FULL_MEMBERS_TO_FORM = 3
MAX_BRANCH_MEMBERS = 50
#: 正式党员 from which a branch has a 支部委员会 (below: a 书记, and a 副书记 if needed); read through `has_committee`.
COMMITTEE_THRESHOLD = 7
COMMITTEE_MIN, COMMITTEE_USUAL_MAX, COMMITTEE_MAX = 3, 5, 7
#: The posts a branch without a 支委会 may have (as stored by `members.models.Post`).
POSTS_WITHOUT_COMMITTEE = frozenset({"secretary", "deputy_secretary"})
TERM_DUE_SOON_DAYS = 90
#: The Party was founded in 1921: no organisation, election or appointment is dated before it.
PARTY_FOUNDED = date(1921, 1, 1)


# --- Date ranges ---------------------------------------------------------------------------------------------------


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later (earlier when negative); 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateRange:
    """The dates a field accepts, both ends included: each end is a fixed date or a number of years from today
    (`years_back` before it, `years_ahead` after it; 0 is today itself).

    Every date the portal accepts has one, defined in the rules of the app that owns the field; forms, services,
    imports and the admin check it through `branches.dates`.
    """

    earliest: date | None = None
    years_back: int | None = None
    latest: date | None = None
    years_ahead: int | None = None

    def __post_init__(self):
        if (self.earliest is None) == (self.years_back is None) or (self.latest is None) == (self.years_ahead is None):
            raise ValueError("a date range needs exactly one of each: earliest or years_back, latest or years_ahead")

    def bounds(self, today: date) -> tuple[date, date]:
        """The first and the last day accepted on `today`."""
        earliest = self.earliest if self.earliest is not None else years_after(today, -self.years_back)
        latest = self.latest if self.latest is not None else years_after(today, self.years_ahead)
        return earliest, latest

    def contains(self, day: date, today: date) -> bool:
        earliest, latest = self.bounds(today)
        return earliest <= day <= latest


#: 成立日期 of an organisation: from the Party's founding to today.
FOUNDED_ON_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=0)
#: 选举日期 of a committee term: an election is recorded once held, so from the Party's founding to today.
ELECTED_ON_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=0)
#: 任期届满日期: at most the longest term (5 years) and a year's extension after an election held today at the latest.
TERM_ENDS_ON_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=6)
#: 延期至 (an approved extension's end): within the same bounds as a term's end.
EXTENDED_UNTIL_RANGE = TERM_ENDS_ON_RANGE
#: 延期批准日期: an approval already given, so from the Party's founding to today.
EXTENSION_APPROVED_ON_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=0)
#: 任命日期 of a reviewer: appointments may be entered up to a year ahead.
APPOINTED_ON_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=1)
#: 截止日期 of a reviewer appointment: up to ten years ahead.
APPOINTMENT_ENDS_ON_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=10)

ORGANISATION_DATE_RANGES = {"founded_on": FOUNDED_ON_RANGE}
TERM_DATE_RANGES = {
    "elected_on": ELECTED_ON_RANGE,
    "term_ends_on": TERM_ENDS_ON_RANGE,
    "extended_until": EXTENDED_UNTIL_RANGE,
    "extension_approved_on": EXTENSION_APPROVED_ON_RANGE,
}
APPOINTMENT_DATE_RANGES = {"appointed_on": APPOINTED_ON_RANGE, "ends_on": APPOINTMENT_ENDS_ON_RANGE}


# --- Terms ---------------------------------------------------------------------------------------------------------

#: Levels whose committee is elected for a term (换届): every level but the 党小组 (which has a 组长, no committee).
#: As stored by `models.Level`; the rules take plain values.
BRANCH, GENERAL_BRANCH, PRIMARY_COMMITTEE, SUPERIOR_COMMITTEE = (
    "branch",
    "general_branch",
    "primary_committee",
    "superior_committee",
)
ELECTING_LEVELS = (SUPERIOR_COMMITTEE, PRIMARY_COMMITTEE, GENERAL_BRANCH, BRANCH)
#: Levels that are a 党委 (a 基层党委 or a higher 党委): their committees serve five years whatever the domain.
COMMITTEE_LEVELS = (SUPERIOR_COMMITTEE, PRIMARY_COMMITTEE)
#: An extension of a term (延期换届) is at most one year and needs the superior's approval.
EXTENSION_MAX_YEARS = 1


def term_years(domain: str, level: str = BRANCH) -> int:
    """Term (换届): 党支部 and 党总支 serve 5 years in 村 and 社区 and 3 years elsewhere; a 基层党委 (and a higher
    党委) serves 5 years."""
    if level in COMMITTEE_LEVELS:
        return 5
    return 5 if domain in FIVE_YEAR_TERM_DOMAINS else 3


def term_ends_on(domain: str, elected_on: date, level: str = BRANCH) -> date:
    """The day a committee's term ends: the election day plus the term for the organisation's level and domain."""
    return years_after(elected_on, term_years(domain, level))


def extension_allowed(term_ends_on: date, extended_until: date) -> bool:
    """Term (换届): an extension ends after the term would have and at most one year later (the superior approves
    it; the approval's date is recorded with it)."""
    return term_ends_on < extended_until <= years_after(term_ends_on, EXTENSION_MAX_YEARS)


def term_end(term_ends_on: date, extended_until: date | None) -> date:
    """The day a term actually ends: the approved extension's end when there is one, else the term's own end."""
    return extended_until if extended_until is not None else term_ends_on


def term_state(ends_on: date | None, today: date) -> str:
    """换届 warning: 'overdue' after the end, 'due_soon' within 90 days of it, else 'ok'.

    `ends_on` is the end in force (`term_end`: an approved extension moves it).
    """
    if ends_on is None:
        return "none"
    if today > ends_on:
        return "overdue"
    if (ends_on - today).days <= TERM_DUE_SOON_DAYS:
        return "due_soon"
    return "ok"


def has_committee(full_members: int) -> bool:
    """Committee (支部工作条例 §9): a branch with 7 or more 正式党员 has a 支部委员会; one with fewer has a 书记 (and a
    副书记 if needed) but no 支委会. The one place the threshold is decided."""
    return full_members >= COMMITTEE_THRESHOLD


def committee_since(full_since: list[date]) -> date | None:
    """The first day a branch had a 支部委员会 (`has_committee`): the day its 7th 正式党员 (counted by the day each
    became one) was made one; None while it has fewer than 7."""
    if not has_committee(len(full_since)):
        return None
    return sorted(full_since)[COMMITTEE_THRESHOLD - 1]


@dataclass(frozen=True)
class StructureProblem:
    code: str
    message: str


def structure_problems(
    *, full_members: int, members: int, committee_size: int, is_joint: bool, posts: Iterable[str] = ()
) -> list[StructureProblem]:
    """Check a branch's structure against the rules on forming a branch, branch size and the committee.

    - Forming a branch: at least 3 正式党员 (a 联合党支部 is the answer when fewer).
    - Branch size: normally at most 50 党员.
    - Committee (`has_committee`): 7 or more 正式党员 need a 支委会 of 3 to 5 members, at most 7; with fewer, a 书记
      (and a 副书记) but no 支委会, so any other post (`posts`: the current term's) is a structure warning.
    """
    problems = []
    if full_members < MIN_FULL_MEMBERS_TO_FORM and not is_joint:
        problems.append(StructureProblem("too_few", str(_("正式党员不足3名，应与邻近单位组建联合党支部。"))))
    if members > MAX_BRANCH_MEMBERS:
        problems.append(StructureProblem("too_many", str(_("党员超过50名，应考虑分设支部或划分党小组。"))))
    committee = has_committee(full_members)
    if committee and committee_size == 0:
        problems.append(StructureProblem("no_committee", str(_("正式党员7名以上，应成立支部委员会。"))))
    elif committee and committee_size < COMMITTEE_MIN:
        problems.append(StructureProblem("committee_small", str(_("支部委员会应由3至5人组成。"))))
    if not committee and any(post not in POSTS_WITHOUT_COMMITTEE for post in posts):
        problems.append(
            StructureProblem(
                "posts_without_committee",
                str(_("正式党员不足7名，不设支部委员会，只设书记（必要时设副书记）；其他委员职务应予调整。")),
            )
        )
    if committee_size > COMMITTEE_MAX:
        problems.append(StructureProblem("committee_large", str(_("支部委员会一般不超过7人。"))))
    return problems

"""The rules of 民主评议党员 and 支部考核 (domain-rules.md) as pure functions of plain values.

Sources: 《中国共产党支部工作条例（试行）》 §§ on 民主评议党员 (study, self-assessment, mutual assessment, ballot,
the committee's proposal confirmed by the 支部党员大会, feedback); the 优秀 share of one third is local practice
(a default any committee can set for its subtree); branch assessment schemes are each committee's own.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from branches.rules import PARTY_FOUNDED, DateRange

from .models import Grade, Step

#: The steps in their order (民主评议党员: 学习 → 自评 → 互评 → 民主测评 → 组织评定 → 党员大会确认 → 反馈).
STEPS: tuple[str, ...] = tuple(Step.values)
#: 优秀 is normally at most one third of the branch's members (default, configurable per organisation).
DEFAULT_EXCELLENT_SHARE = (1, 3)
#: The grades in order, best first.
GRADES: tuple[str, ...] = tuple(Grade.values)
#: A follow-up deadline: from the appraisal's year to two years ahead.
FOLLOW_UP_RANGE = DateRange(years_back=2, years_ahead=2)
#: An appraisal or scheme year: from the Party's founding to next year.
EARLIEST_YEAR = PARTY_FOUNDED.year


def year_allowed(year: int, this_year: int) -> bool:
    """An appraisal or a scheme is for a year between the Party's founding and next year."""
    return EARLIEST_YEAR <= year <= this_year + 1


def next_step(step: str) -> str | None:
    """The step after `step` (民主评议党员's order), None after the last."""
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def step_reached(current: str, step: str) -> bool:
    """Whether an appraisal at `current` has reached (or passed) `step`."""
    return STEPS.index(current) >= STEPS.index(step)


def excellent_cap(members: int, share: tuple[int, int] = DEFAULT_EXCELLENT_SHARE) -> int:
    """The most 优秀 grades a branch may give: its members × the share, rounded down (优秀 normally at most one
    third of the branch's members; the share is a default a committee may set for its subtree)."""
    numerator, denominator = share
    if members <= 0 or denominator <= 0:
        return 0
    return (members * numerator) // denominator


def share_valid(numerator: int, denominator: int) -> bool:
    """A 优秀 share is a fraction between 0 and 1 with a denominator from 1 to 100."""
    return 1 <= denominator <= 100 and 0 <= numerator <= denominator


def ballot_quorum(voters_expected: int) -> int:
    """The fewest ballots for a valid 民主测评: more than half of the members with a vote (as for the 支部党员大会;
    预备党员 have no vote and are not counted)."""
    return voters_expected // 2 + 1 if voters_expected > 0 else 0


def ballot_quorum_met(voters_expected: int, voted: int) -> bool:
    """A ballot may close once more than half of the members with a vote have voted."""
    return voters_expected > 0 and voted >= ballot_quorum(voters_expected)


def ballot_complete(rated: Iterable[int], voter: int, marks: dict[int, str]) -> str | None:
    """What is wrong with a ballot, or None: each voter rates every other member once, never themself, with one of
    the four grades."""
    rated = set(rated)
    if voter in marks:
        return "self"
    if set(marks) != rated - {voter}:
        return "incomplete"
    if any(grade not in GRADES for grade in marks.values()):
        return "grade"
    return None


def grades_problem(grades: dict[int, str], reasons: dict[int, str], cap: int) -> str | None:
    """What is wrong with final grades, or None: 优秀 within the cap, every 不合格 with a recorded reason."""
    if sum(1 for grade in grades.values() if grade == Grade.EXCELLENT) > cap:
        return "cap"
    if any(grade == Grade.UNQUALIFIED and not reasons.get(pk, "").strip() for pk, grade in grades.items()):
        return "reason"
    return None


# --- 支部考核 -------------------------------------------------------------------------------------------------------

#: The weights of a scheme's indicators add up to exactly 100 points.
WEIGHTS_TOTAL = 100


def weights_valid(weights: Sequence[int]) -> bool:
    """A scheme's weights are positive and add up to 100."""
    return bool(weights) and all(w > 0 for w in weights) and sum(weights) == WEIGHTS_TOTAL


def bands_valid(bands: Sequence[tuple[int, str]]) -> bool:
    """Grade bands: at least two, labels given, lowest scores strictly falling from the first band, the last from 0."""
    if len(bands) < 2 or any(not str(label).strip() for _low, label in bands):
        return False
    lows = [low for low, _label in bands]
    if any(not 0 <= low <= 100 for low in lows) or lows[-1] != 0:
        return False
    return all(a > b for a, b in zip(lows, lows[1:], strict=False))


def band_for(total: float, bands: Sequence[tuple[int, str]]) -> str:
    """The band of a score: the first (highest) band whose lowest score it reaches."""
    for low, label in bands:
        if total >= low:
            return str(label)
    return str(bands[-1][1]) if bands else ""


@dataclass(frozen=True)
class Part:
    """One indicator's share of a score: its value (0–100, None when the portal holds no figure for it), weight and
    points."""

    kind: str
    value: float | None
    weight: int

    @property
    def points(self) -> float:
        return round((self.value or 0) * self.weight / 100, 1)

    @property
    def room(self) -> float:
        """Points still to gain on this indicator (none on an indicator without a figure)."""
        return 0.0 if self.value is None else round(self.weight - self.points, 1)


def weighted_total(parts: Sequence[Part]) -> float:
    """The score out of 100: value × weight / 100 summed over the indicators with a figure, scaled to the weights
    they carry (an indicator the portal holds no figure for neither adds nor costs points), to one decimal."""
    counted = [part for part in parts if part.value is not None]
    weight = sum(part.weight for part in counted)
    if weight <= 0:
        return 0.0
    return round(sum(part.value * part.weight for part in counted) / weight, 1)


def what_would_raise(parts: Sequence[Part], limit: int = 3) -> list[Part]:
    """The indicators with the most points still to gain, most first (ties by kind), at most `limit`."""
    open_parts = [part for part in parts if part.room > 0]
    return sorted(open_parts, key=lambda part: (-part.room, part.kind))[:limit]


def share_score(good: int, total: int) -> float | None:
    """A share as a value 0–100 (None when there is nothing to count)."""
    if total <= 0:
        return None
    return round(100 * good / total, 1)


def days_silent_score(days_silent: int | None, limit: int = 30) -> float:
    """The 静默支部 indicator: full marks with activity within 30 days, falling to 0 at 90 days without any."""
    if days_silent is None:
        return 0.0
    if days_silent <= limit:
        return 100.0
    return max(0.0, round(100 - (days_silent - limit) * 100 / (2 * limit), 1))

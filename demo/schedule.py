"""The calendar of a branch or party group that keeps every rule, derived from the default requirements.

Both generated data sets (the demo and `seed_scale`) take their meetings from here, then leave some out by their
branches' habits. Which types a unit owes and how many per period come from `meetings.rules` (the
"Organisational life" table: `default_requirement` and `requirement_applies`); this module only places them on
days of the month.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from meetings import rules
from meetings.models import MeetingType


@dataclass(frozen=True)
class Slot:
    """Where a type's meetings fall: the month of its period they start in (1: the period's first month), the
    day of the month (None: the unit's 主题党日 day; a second day takes a second meeting in the same month) and
    the hour."""

    month: int
    days: tuple[int | None, ...]
    hour: int


#: A month's meetings are listed in this order. Types that fall on the same day and hour are one meeting: the
#: quarter's 党课 is given at its first 主题党日. The previous year is reviewed (组织生活会) early in the new one and
#: appraised (民主评议党员) with it.
SLOTS: dict[str, Slot] = {
    MeetingType.COMMITTEE_MEETING: Slot(1, (5,), 15),
    MeetingType.THEME_DAY: Slot(1, (None,), 9),
    MeetingType.PARTY_LECTURE: Slot(1, (None,), 9),
    MeetingType.GENERAL_MEETING: Slot(2, (25,), 14),
    MeetingType.ORGANISATIONAL_LIFE_MEETING: Slot(1, (8,), 14),
    MeetingType.MEMBER_APPRAISAL: Slot(1, (9,), 14),
    MeetingType.HEART_TO_HEART_TALK: Slot(3, (12, 26), 10),
    MeetingType.GROUP_MEETING: Slot(1, (22,), 16),
}

#: One meeting of a month: its types (the main one first), the day of the month and the hour.
Scheduled = tuple[list[str], int, int]


def days_held(requirement: rules.Requirement, slot: Slot, month: date) -> list[int | None]:
    """The days of `month` on which a unit meets `requirement`.

    The period's count is spread evenly over its months from the slot's month on, at most one a month; what is
    left over starts another round on the slot's next day (16 a year: every month on the first day and every
    third month also on the second).
    """
    months = rules.MONTHS_IN[requirement.period]
    position = (month.month - 1) % months
    days: list[int | None] = []
    left = requirement.count
    for day in slot.days:
        if left <= 0:
            break
        count = min(left, months)
        step = months // count
        if position in {(slot.month - 1 + k * step) % months for k in range(count)}:
            days.append(day)
        left -= count
    if left > 0:
        raise ValueError(f"{requirement.count} {requirement.meeting_type} a {requirement.period}: no day for them")
    return days


def month_schedule(
    month: date,
    *,
    is_party_group: bool,
    has_committee: bool,
    theme_day: int,
    requirements: Mapping[str, rules.Requirement] = MappingProxyType({}),
) -> list[Scheduled]:
    """The meetings a unit that keeps every requirement holds in `month`.

    `requirements` replaces a type's default requirement (as a `RequirementOverride` would), for a data set whose
    units hold more of it than the rules ask.
    """
    meetings: dict[tuple[int, int], list[str]] = {}
    for meeting_type, slot in SLOTS.items():
        if not rules.requirement_applies(meeting_type, is_party_group=is_party_group, has_committee=has_committee):
            continue
        requirement = requirements.get(meeting_type) or rules.default_requirement(meeting_type)
        for day in days_held(requirement, slot, month):
            meetings.setdefault((theme_day if day is None else day, slot.hour), []).append(meeting_type)
    return [(types, day, hour) for (day, hour), types in meetings.items()]

"""主题党日 on its fixed day: which units' theme day slipped in a month (a reminder for the secretary, never a red
mark). The fixed day is inherited like the requirements: the nearest organisation on the way up that sets one."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from branches.models import Level, Organisation

from .. import rules
from ..models import Meeting, MeetingStatus, MeetingType, ThemeDaySetting
from ..rules import PeriodRange
from .requirements import _ancestor_paths


@dataclass(frozen=True)
class ThemeDaySlip:
    """A unit whose 主题党日 of `month` was not held on its fixed day (`fixed_on`)."""

    organisation: Organisation
    month: PeriodRange
    fixed_on: date
    held_on: tuple[date, ...]


def theme_days_of(units: Sequence[Organisation]) -> dict[int, int]:
    """Each unit's fixed day of the month, from the nearest organisation on its way up that sets one (one query)."""
    paths = {p for unit in units for p in _ancestor_paths(unit.path)}
    by_path = dict(
        ThemeDaySetting.objects.filter(organisation__path__in=paths).values_list("organisation__path", "day_of_month")
    )
    result = {}
    for unit in units:
        found = [by_path[p] for p in _ancestor_paths(unit.path) if p in by_path]
        if found:
            result[unit.pk] = found[-1]
    return result


def theme_day_slips(units: Sequence[Organisation], months: Sequence[PeriodRange], today: date) -> list[ThemeDaySlip]:
    """The branches among `units` with a fixed day whose theme day of one of `months` slipped by `today`
    (`rules.theme_day_slipped`): held on another day, or the day passed without one. Two queries."""
    branches = [unit for unit in units if unit.level == Level.BRANCH]
    days = theme_days_of(branches)
    if not days or not months:
        return []
    tz = timezone.get_default_timezone()
    start = rules.period_datetimes(months[0], tz)[0]
    end = rules.period_datetimes(months[-1], tz)[1]
    held: dict[int, list[date]] = defaultdict(list)
    rows = Meeting.objects.filter(
        organisation_id__in=list(days),
        status__in=(MeetingStatus.HELD, MeetingStatus.FINALISED),
        starts_at__gte=start,
        starts_at__lt=end,
        type_links__type=MeetingType.THEME_DAY,
    ).values_list("organisation_id", "starts_at")
    for organisation_id, starts_at in rows:
        held[organisation_id].append(timezone.localtime(starts_at, tz).date())
    slips = []
    for unit in branches:
        if unit.pk not in days:
            continue
        for month in months:
            if month.start > today:
                continue
            fixed_on = rules.fixed_theme_day(days[unit.pk], month)
            held_on = tuple(sorted(day for day in held[unit.pk] if month.contains(day)))
            if rules.theme_day_slipped(fixed_on, held_on, today):
                slips.append(ThemeDaySlip(unit, month, fixed_on, held_on))
    return slips

"""Compliance with the 三会一课 requirements: what each branch owes, what it held, and the pages that show it.

- `requirements`: the requirement in force for an organisation (defaults, or the nearest setting above it);
- `engine`: the figures and statuses of many units for a month, quarter or year (`compliance_for_branches`);
- `month_summary`: the monthly rows of meeting figures the engine reads instead of every meeting;
- `page_cache`: the cached pages (the compliance overview, the meeting list) and their versions per organisation;
- `overview`: an organisation's compliance page, cached;
- `unit_year`: one unit's year, read once for the branch page (its calendar and "本月待办");
- `hooks`: what writes of the apps below meetings (members, committees, the tree) mean here.

Reads: other apps and the views use these through `meetings.selectors`. Writes: this module is the only entry.
Whoever writes what the figures or the cached pages show calls `changed` (or `everything_changed`) inside its
transaction: the meeting services and the meetings admin, the requirement services, the services and admins of
members and branches (through their hook lists, registered by `hooks.register` in `MeetingsConfig.ready`), the
seeders and bulk loads (through `meetings.services`), and the nightly task.
"""

from collections.abc import Iterable
from datetime import date, datetime

from . import month_summary, page_cache


def changed(organisation_ids: Iterable[int | None], months: Iterable[date | datetime] | None = None) -> None:
    """What these organisations' pages show changed: recount their summary rows of `months` and renew the cached
    pages showing them (their own and those of every organisation above).

    `months`: moments or days whose local month changed (a meeting's start, and its start before a move); None:
    every month of theirs; empty: none (people and committees, which the engine reads live, not from the rows).
    """
    ids = sorted({pk for pk in organisation_ids if pk is not None})
    if not ids:
        return
    if months is None:
        month_summary.refresh_every_month(ids)
    else:
        firsts = {_month(moment) for moment in months}
        if firsts:
            for organisation_id in ids:
                month_summary.refresh(organisation_id, firsts)
    page_cache.touch_organisations(*ids)


def everything_changed(*, recount: bool = False) -> int:
    """Every page may show something else (the tree, a requirement, a bulk load): renew every cached page; with
    `recount` (meetings written past the services), rebuild the whole monthly summary first.

    Returns the number of summary rows rebuilt (0 without `recount`).
    """
    rows = month_summary.rebuild() if recount else 0
    page_cache.reset()
    return rows


def _month(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        return month_summary.month_of(moment)
    return moment.replace(day=1)

"""An organisation's compliance overview for its page: every unit's overall status in tree order, cached until
something under the organisation changes (`page_cache`), and the page of units it shows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from branches.models import Organisation

from .. import rules
from ..rules import PeriodRange
from . import page_cache
from .engine import BranchCompliance, compliance_for_branches, compliance_units


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

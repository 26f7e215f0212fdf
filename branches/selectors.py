"""Reads of the organisation tree in a bounded number of queries (what a user may read is `members.access`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Level, Organisation


def organisations_overview(tops: Sequence[str] | None) -> QuerySet[Organisation]:
    """The organisations at `tops` (tree paths; None: the roots) and their children, in tree order.

    The depth of a node follows from its path, so this is one query.
    """
    if tops is None:
        q = Q(depth__lte=2)
    elif not tops:
        return Organisation.objects.none()
    else:
        q = Q()
        for top in tops:
            child_depth = len(top) // Organisation.steplen + 1
            q |= Q(path=top) | Q(path__startswith=top, depth=child_depth)
    return Organisation.objects.filter(q).order_by("path")


def organisation_children(organisation: Organisation) -> QuerySet[Organisation]:
    """The direct sub-units of an organisation, in tree order."""
    return Organisation.objects.get_children(organisation)


def organisation_ancestors(organisation: Organisation) -> list[Organisation]:
    """The organisations above this one, from the root down (one query)."""
    return list(Organisation.objects.get_ancestors(organisation))


def branch_ids_under(organisation: Organisation) -> list[int]:
    """The ids of the 党支部 in an organisation's subtree (where its members are: members belong to branches)."""
    return list(
        Organisation.objects.filter(path__startswith=organisation.path, level=Level.BRANCH).values_list("pk", flat=True)
    )


def organisation_history(organisation: Organisation) -> QuerySet:
    """The saved versions of an organisation, newest first, with the user who saved each."""
    return organisation.history.select_related("history_user").order_by("-history_date", "-history_id")


def organisation_at(path: str) -> Organisation | None:
    """The organisation at a tree path (a reviewer's appointment), if it still exists (one query)."""
    return Organisation.objects.filter(path=path).first()


# --- Change history ------------------------------------------------------------------------------------------------

#: Fields whose changes the history page shows; tree bookkeeping (path, depth, numchild) is left out.
HISTORY_FIELDS = ("name", "code", "level", "domain", "form", "founded_on")


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version: when, by whom, what kind of change, and what changed from the version before it."""

    record: object
    kind: str
    changes: list[Change]


def history_entries(records: list, *, base=None) -> list[HistoryEntry]:
    """Describe each of `records` (newest first) against the next older one; `base` is the version just before the
    last of them (from the next page), if any. No queries."""
    kinds = {"+": _("创建"), "~": _("修改"), "-": _("删除")}
    fields = [Organisation._meta.get_field(name) for name in HISTORY_FIELDS]
    entries = []
    for record, older in zip(records, [*records[1:], base], strict=True):
        changes = []
        if older is not None and record.history_type != "+":
            for field in fields:
                old, new = getattr(older, field.attname), getattr(record, field.attname)
                if old != new:
                    changes.append(
                        Change(str(field.verbose_name), _history_value(field, old), _history_value(field, new))
                    )
        entries.append(
            HistoryEntry(record=record, kind=str(kinds.get(record.history_type, kinds["~"])), changes=changes)
        )
    return entries


def _history_value(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)

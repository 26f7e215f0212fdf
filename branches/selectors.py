"""Reads of the organisation tree, always through the user's scope, in a bounded number of queries."""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db.models import Case, Count, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .access import READ, Scope
from .models import CommitteePost, CommitteeTerm, Organisation, Post

#: Member statuses, as stored by `members.models.Status`: this app sits below `members` and does not import it
#: (tests/branches/test_selectors.py checks they match).
FULL_MEMBER_STATUS = "full"
MEMBER_STATUSES = ("probationary", "full")


def _member_model():
    return apps.get_model("members", "Member")


def member_count_subquery() -> Subquery:
    """The number of Party members (预备党员 and 正式党员) in an organisation's subtree, or in a party group."""
    members = (
        _member_model()
        .objects.filter(status__in=MEMBER_STATUSES)
        .filter(Q(organisation__path__startswith=OuterRef("path")) | Q(party_group=OuterRef("pk")))
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("count")
    )
    return Subquery(members, output_field=IntegerField())


def organisations_visible(scope: Scope, action: str = READ) -> QuerySet[Organisation]:
    """Organisations the user may read (or manage), in tree order."""
    if not scope.is_authenticated:
        return Organisation.objects.none()
    return scope.organisations(action).order_by("path")


def organisation_for(scope: Scope, pk: int, action: str = READ) -> Organisation | None:
    """One organisation the user may read (or manage); None outside the scope."""
    return organisations_visible(scope, action).filter(pk=pk).first()


def scope_tops(scope: Scope) -> list[str]:
    """The paths at the top of the user's readable subtrees, without those nested inside another."""
    paths = sorted(set(scope.paths(READ)))
    tops: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops


def organisations_overview(scope: Scope) -> QuerySet[Organisation]:
    """The top of the user's scope(s) and their children, in tree order, with member counts.

    Admins get the roots and their children. The depth of a node follows from its path, so this is one query.
    """
    if not scope.is_authenticated:
        return Organisation.objects.none()
    if scope.is_admin:
        q = Q(depth__lte=2)
    else:
        tops = scope_tops(scope)
        if not tops:
            return Organisation.objects.none()
        q = Q()
        for top in tops:
            child_depth = len(top) // Organisation.steplen + 1
            q |= Q(path=top) | Q(path__startswith=top, depth=child_depth)
    return Organisation.objects.filter(q).annotate(member_count=member_count_subquery()).order_by("path")


def organisation_children(organisation: Organisation) -> QuerySet[Organisation]:
    """The direct sub-units of an organisation, in tree order, with member counts (one query)."""
    return Organisation.objects.get_children(organisation).annotate(member_count=member_count_subquery())


def organisation_ancestors(organisation: Organisation) -> list[Organisation]:
    """The organisations above this one, from the root down (one query)."""
    return list(Organisation.objects.get_ancestors(organisation))


def committee_current(organisation: Organisation) -> CommitteeTerm | None:
    """The current committee term with its posts and their holders, 书记 first (two queries)."""
    rank = Case(*(When(post=post, then=Value(i)) for i, post in enumerate(Post.values)), output_field=IntegerField())
    posts = CommitteePost.objects.select_related("member").order_by(rank, "pk")
    return (
        CommitteeTerm.objects.filter(organisation=organisation, is_current=True)
        .prefetch_related(Prefetch("posts", queryset=posts))
        .first()
    )


def committee_terms_past(organisation: Organisation, limit: int = 10) -> list[CommitteeTerm]:
    """Earlier committee terms, newest first (one query)."""
    terms = CommitteeTerm.objects.filter(organisation=organisation, is_current=False).order_by("-elected_on")
    return list(terms[:limit])


@dataclass(frozen=True)
class StructureFigures:
    """The numbers the structure rules look at."""

    full_members: int
    members: int
    committee_size: int


def structure_figures(organisation: Organisation, term: CommitteeTerm | None) -> StructureFigures:
    """Count a branch's 正式党员 and Party members (one query); the committee size comes from `term`'s posts."""
    counts = organisation.members.aggregate(
        full=Count("pk", filter=Q(status=FULL_MEMBER_STATUS)),
        members=Count("pk", filter=Q(status__in=MEMBER_STATUSES)),
    )
    committee_size = len(term.posts.all()) if term is not None else 0
    return StructureFigures(full_members=counts["full"], members=counts["members"], committee_size=committee_size)


def branch_members_eligible(organisation: Organisation) -> QuerySet:
    """Members of a branch who may be elected to its committee: 正式党员 (预备党员 have no 被选举权)."""
    return _member_model().objects.filter(organisation=organisation, status=FULL_MEMBER_STATUS).order_by("name", "pk")


def organisation_history(organisation: Organisation) -> QuerySet:
    """The saved versions of an organisation, newest first, with the user who saved each."""
    return organisation.history.select_related("history_user").order_by("-history_date", "-history_id")


def reviewed_organisation(scope: Scope) -> Organisation | None:
    """The organisation a reviewer is appointed to, when there is exactly one (one query)."""
    if len(scope.reviewed_paths) != 1:
        return None
    return Organisation.objects.filter(path=scope.reviewed_paths[0]).first()


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

"""Reads of the organisation tree, always through the user's scope, in a bounded number of queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Substr
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .access import READ, Scope
from .models import CommitteePost, CommitteeTerm, Level, Organisation, Post

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
    """The direct sub-units of an organisation, in tree order; `member_counts` counts a page of them."""
    return Organisation.objects.get_children(organisation)


@dataclass(frozen=True)
class MemberCounts:
    """Party members (预备党员 and 正式党员) counted for an organisation's page."""

    by_child: dict[int, int]  # sub-unit id → members in its subtree, or (a 党小组) in the group
    full_members: int  # the organisation's own 正式党员 (its branch roll, not its sub-units')
    members: int  # the organisation's own Party members


def member_counts(organisation: Organisation, children: Sequence[Organisation]) -> MemberCounts:
    """Count the members of each of `children` (sub-units of `organisation`) and of the organisation itself, in
    one grouped query over their members, whatever the number of sub-units.

    A sub-unit counts the members whose organisation is in its subtree (a 党总支's branches, a 党委's whole tree)
    or who are in it as a 党小组 (members of a 党小组 belong to its branch); each member once.
    """
    if not children and not organisation.is_branch:
        return MemberCounts(by_child={}, full_members=0, members=0)
    child_by_path = {child.path: child.pk for child in children}
    child_ids = list(child_by_path.values())
    where = Q(organisation=organisation) | Q(party_group__in=child_ids)
    for path in child_by_path:
        where |= Q(organisation__path__startswith=path)
    # Rows per (the sub-unit a member's organisation sits under, the sub-unit that is their 党小组, status).
    under = Substr("organisation__path", 1, len(organisation.path) + Organisation.steplen)
    group = Case(When(party_group__in=child_ids, then=F("party_group")), default=None, output_field=IntegerField())
    rows = (
        _member_model()
        # Bounded by the subtree (a 党小组's members belong to its branch: members.services checks it), so the
        # database reads the subtree's members by index, not every member.
        .objects.filter(where, organisation__path__startswith=organisation.path, status__in=MEMBER_STATUSES)
        .annotate(under=under, group=group)
        .values_list("under", "group", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_child = dict.fromkeys(child_ids, 0)
    full_members = members = 0
    for under_path, group_id, status, n in rows:
        if under_path == organisation.path:
            members += n
            full_members += n if status == FULL_MEMBER_STATUS else 0
        for child_id in {child_by_path.get(under_path), group_id} - {None}:
            by_child[child_id] += n
    return MemberCounts(by_child=by_child, full_members=full_members, members=members)


def organisation_ancestors(organisation: Organisation) -> list[Organisation]:
    """The organisations above this one, from the root down (one query)."""
    return list(Organisation.objects.get_ancestors(organisation))


def _posts_in_order() -> Prefetch:
    """A term's posts with their holders, 书记 first, in the order of `Post`."""
    rank = Case(*(When(post=post, then=Value(i)) for i, post in enumerate(Post.values)), output_field=IntegerField())
    return Prefetch("posts", queryset=CommitteePost.objects.select_related("member").order_by(rank, "pk"))


def committee_current(organisation: Organisation) -> CommitteeTerm | None:
    """The current committee term with its posts and their holders, 书记 first (two queries)."""
    return (
        CommitteeTerm.objects.filter(organisation=organisation, is_current=True)
        .prefetch_related(_posts_in_order())
        .first()
    )


def committee_terms(organisation: Organisation, past: int = 10) -> tuple[CommitteeTerm | None, list[CommitteeTerm]]:
    """The current committee term with its posts and their holders (书记 first), and up to `past` earlier terms,
    newest first (two queries; one when there is no current term)."""
    terms = CommitteeTerm.objects.filter(organisation=organisation).order_by("-is_current", "-elected_on")
    terms = list(terms[: past + 1])
    current = terms[0] if terms and terms[0].is_current else None
    if current is not None:
        prefetch_related_objects([current], _posts_in_order())
    return current, [term for term in terms if not term.is_current][:past]


@dataclass(frozen=True)
class StructureFigures:
    """The numbers the structure rules look at."""

    full_members: int
    members: int
    committee_size: int


def structure_figures(counts: MemberCounts, term: CommitteeTerm | None) -> StructureFigures:
    """A branch's figures from its member counts and its current term's posts (no queries)."""
    committee_size = len(term.posts.all()) if term is not None else 0
    return StructureFigures(full_members=counts.full_members, members=counts.members, committee_size=committee_size)


def branch_ids_under(organisation: Organisation) -> list[int]:
    """The ids of the 党支部 in an organisation's subtree (where its members are: members belong to branches)."""
    return list(
        Organisation.objects.filter(path__startswith=organisation.path, level=Level.BRANCH).values_list("pk", flat=True)
    )


def committee_members_eligible(organisation: Organisation, day: date) -> QuerySet:
    """Members who may be elected to an organisation's committee on `day`: 正式党员 (预备党员 have no 被选举权) not
    under 留党察看 that day (`members.rules.under_probation`), of the branch itself or, for a 党总支 or 党委, of the
    branches below it; with their branch, for the choices' labels."""
    members = _member_model().objects.filter(status=FULL_MEMBER_STATUS)
    if organisation.is_branch:
        members = members.filter(organisation=organisation)
    else:
        members = members.filter(organisation__path__startswith=organisation.path)
    # 留党察看 from its first day to its last, both included: the same period `members.rules.under_probation` reads.
    members = members.exclude(probation_starts_on__lte=day, probation_ends_on__gte=day)
    return members.select_related("organisation").order_by("name", "pk")


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

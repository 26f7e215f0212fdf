"""Reads of member records (always through the user's scope) and of who is counted or holds a post where."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

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
from django.utils import timezone

from branches.models import CommitteeTerm, Organisation

from . import crypto, rules
from .access import Scope
from .models import MEMBER_STATUSES, CommitteePost, Member, Post, Status, Transfer, TransferStatus


def members_visible(scope: Scope) -> QuerySet[Member]:
    """Members the user may read, with what the roster's columns need.

    Admins see everyone; a secretary their branch's subtree; a reviewer their subtree; a member only their own record.
    """
    if not scope.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(scope.members_readable_q()).select_related("organisation", "party_group")


def members_managed(scope: Scope) -> QuerySet[Member]:
    """Members the user manages (edits, deletes, gives a photo), with their organisation and party group."""
    if not scope.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(scope.members_managed_q()).select_related("organisation", "party_group")


def members_deleted(scope: Scope) -> QuerySet[Member]:
    """Deleted records (the recycle bin) of the organisations the user manages, newest deletion first."""
    if not scope.is_authenticated:
        return Member.all_objects.none()
    return (
        Member.all_objects.filter(is_deleted=True)
        .filter(scope.members_managed_q())
        .select_related("organisation", "party_group")
        .order_by("-deleted_at", "pk")
    )


def members_for_detail(scope: Scope) -> QuerySet[Member]:
    """Readable members with their login and committee posts (and each post's term and organisation)."""
    posts = CommitteePost.objects.select_related("term__organisation").order_by("-term__elected_on", "pk")
    return members_visible(scope).select_related("user").prefetch_related(Prefetch("committee_posts", queryset=posts))


def member_search_q(text: str) -> Q:
    """The roster's search box: an exact ID number (through the blind index), else a name or a phone number."""
    text = (text or "").strip()
    if not text:
        return Q()
    if rules.looks_like_id_number(text):
        return Q(id_number_index=crypto.blind_index(rules.id_number_normalise(text)))
    q = Q(name__icontains=text)
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdecimal() and len(digits) >= 4:
        q |= Q(phone__contains=digits)
    return q


def member_find(
    scope: Scope,
    *,
    q: str = "",
    status: str | None = None,
    organisation: Organisation | None = None,
    education: str | None = None,
    age_band: str | None = None,
    is_mobile: bool | None = None,
) -> QuerySet[Member]:
    """Readable members matching the roster's search and filters (each filter is optional)."""
    members = members_visible(scope).filter(member_search_q(q))
    if status:
        members = members.filter(status=status)
    if organisation is not None:
        members = members.filter(organisation_in_q(organisation))
    if education:
        members = members.filter(education=education)
    if age_band:
        members = members.filter(age_band_q(age_band))
    if is_mobile is not None:
        members = members.filter(is_mobile=is_mobile)
    return members


def organisation_in_q(organisation: Organisation) -> Q:
    """Members of an organisation's whole subtree, or of a party group."""
    return Q(organisation__path__startswith=organisation.path) | Q(party_group=organisation)


def age_band_q(band: str) -> Q:
    """Members whose full age today lies in an age band of `rules.AGE_BANDS`."""
    earliest, latest = rules.age_band_birth_range(band, timezone.localdate())
    q = Q()
    if earliest is not None:
        q &= Q(birth_date__gte=earliest)
    if latest is not None:
        q &= Q(birth_date__lte=latest)
    return q


# --- Who is counted where ------------------------------------------------------------------------------------------


def member_count_subquery() -> Subquery:
    """The number of Party members (预备党员 and 正式党员) in an organisation's subtree, or in a party group."""
    members = (
        Member.objects.filter(status__in=MEMBER_STATUSES)
        .filter(Q(organisation__path__startswith=OuterRef("path")) | Q(party_group=OuterRef("pk")))
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("count")
    )
    return Subquery(members, output_field=IntegerField())


def with_member_counts(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """The organisations, each with `member_count`: its Party members (one subquery per row, no extra query)."""
    return organisations.annotate(member_count=member_count_subquery())


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
        # Bounded by the subtree (a 党小组's members belong to its branch: members.services checks it), so the
        # database reads the subtree's members by index, not every member.
        Member.objects.filter(where, organisation__path__startswith=organisation.path, status__in=MEMBER_STATUSES)
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
            full_members += n if status == Status.FULL else 0
        for child_id in {child_by_path.get(under_path), group_id} - {None}:
            by_child[child_id] += n
    return MemberCounts(by_child=by_child, full_members=full_members, members=members)


def committee_members_eligible(organisation: Organisation, day: date) -> QuerySet[Member]:
    """Members who may be elected to an organisation's committee on `day`: 正式党员 (预备党员 have no 被选举权) not
    under 留党察看 that day (`rules.under_probation`), of the branch itself or, for a 党总支 or 党委, of the
    branches below it; with their branch, for the choices' labels."""
    members = Member.objects.filter(status=Status.FULL)
    if organisation.is_branch:
        members = members.filter(organisation=organisation)
    else:
        members = members.filter(organisation__path__startswith=organisation.path)
    # 留党察看 from its first day to its last, both included: the same period `rules.under_probation` reads.
    members = members.exclude(probation_starts_on__lte=day, probation_ends_on__gte=day)
    return members.select_related("organisation").order_by("name", "pk")


# --- Committee posts -----------------------------------------------------------------------------------------------


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


# --- Transfers (组织关系转接) and mobile members (流动党员) ----------------------------------------------------------


def transfers_visible(scope: Scope) -> QuerySet[Transfer]:
    """Transfers whose sending or receiving branch the user reads, newest first, with what the list and the
    permissions need (the member, both branches, who handled them)."""
    if not scope.is_authenticated:
        return Transfer.objects.none()
    return (
        Transfer.objects.filter(scope.transfers_readable_q())
        .select_related("member", "from_organisation", "to_organisation", "started_by", "decided_by")
        .order_by("-started_on", "-pk")
    )


def transfers_filter(transfers: QuerySet[Transfer], *, state: str = "", scope: Scope | None = None) -> QuerySet:
    """The list's filter: "pending" (in flight), "incoming" / "outgoing" (in flight, to or from a branch the user
    manages), "closed"; anything else: all."""
    if state == "pending":
        return transfers.filter(status=TransferStatus.PENDING)
    if state == "closed":
        return transfers.exclude(status=TransferStatus.PENDING)
    if state in ("incoming", "outgoing") and scope is not None:
        path = "to_organisation__path" if state == "incoming" else "from_organisation__path"
        return transfers.filter(scope.organisations_managed_q(path), status=TransferStatus.PENDING)
    return transfers


def member_transfers(member: Member) -> QuerySet[Transfer]:
    """A member's transfers, newest first, with both branches: the history of where their relationship went."""
    return member.transfers.select_related("from_organisation", "to_organisation").order_by("-started_on", "-pk")


def transfers_waiting(before: date) -> QuerySet[Transfer]:
    """Transfers inside the portal started on or before `before` and still waiting for the receiving branch."""
    return Transfer.objects.filter(
        status=TransferStatus.PENDING, to_organisation__isnull=False, started_on__lte=before
    ).select_related("member", "from_organisation", "to_organisation")


def mobile_members(scope: Scope) -> QuerySet[Member]:
    """The 流动党员 the user may read: where each is and how to reach them, by branch."""
    return (
        members_visible(scope)
        .filter(is_mobile=True, status__in=MEMBER_STATUSES)
        .order_by("organisation__path", "name", "pk")
    )

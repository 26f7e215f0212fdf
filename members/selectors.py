"""Reads of member records, always through the user's scope."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from branches.access import MANAGE, READ, Scope
from branches.models import CommitteePost, Organisation

from . import crypto, rules
from .models import Member


def _visible_q(scope: Scope, action: str = READ) -> Q:
    """Members in the user's subtrees; with READ, also the user's own record."""
    if scope.is_admin:
        return Q()
    q = scope.path_q("organisation__path", action)
    if action == READ and scope.member_id is not None:
        q |= Q(pk=scope.member_id)
    return q


def members_visible(scope: Scope, action: str = READ) -> QuerySet[Member]:
    """Members the user may read (or manage), with what the roster's columns need.

    Admins see everyone; a secretary their branch's subtree; a reviewer their subtree; a member only their own record.
    """
    if not scope.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(_visible_q(scope, action)).select_related("organisation", "party_group")


def members_deleted(scope: Scope) -> QuerySet[Member]:
    """Deleted records (the recycle bin) of the organisations the user manages, newest deletion first."""
    if not scope.is_authenticated:
        return Member.all_objects.none()
    return (
        Member.all_objects.filter(is_deleted=True)
        .filter(_visible_q(scope, MANAGE))
        .select_related("organisation", "party_group")
        .order_by("-deleted_at", "pk")
    )


def member_for_detail(scope: Scope, pk: int) -> Member | None:
    """One readable member with their committee posts (and each post's term and organisation)."""
    posts = CommitteePost.objects.select_related("term__organisation").order_by("-term__elected_on", "pk")
    return (
        members_visible(scope)
        .select_related("user")
        .prefetch_related(Prefetch("committee_posts", queryset=posts))
        .filter(pk=pk)
        .first()
    )


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

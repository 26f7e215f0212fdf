"""The one access layer: what a user may read and manage follows from the data.

- a member reads their own record (and what their own branch shares with its members);
- the holder of a post in the current committee term of an organisation manages its subtree;
- a user appointed reviewer of an organisation reads its whole subtree;
- staff admins manage everything.

Every view gets a `Scope` from `scope_for(request.user)` and filters its querysets with it;
objects outside the scope answer 404.
"""

from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import or_

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from .models import CommitteePost, CommitteeTerm, Organisation, ReviewerAppointment

READ = "read"
MANAGE = "manage"


@dataclass(frozen=True)
class Scope:
    """What one user may see and change, as tree paths."""

    user_id: int | None = None
    is_admin: bool = False
    managed_paths: tuple[str, ...] = ()
    reviewed_paths: tuple[str, ...] = ()
    member_id: int | None = None
    member_branch_id: int | None = None
    member_branch_path: str | None = None
    managed_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_secretary(self) -> bool:
        return bool(self.managed_paths)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.reviewed_paths)

    @property
    def is_member(self) -> bool:
        return self.member_id is not None

    def paths(self, action: str = READ) -> tuple[str, ...]:
        """Tree paths whose subtrees the user may read (or manage)."""
        if action == MANAGE:
            return self.managed_paths
        return self.managed_paths + self.reviewed_paths

    def path_q(self, path_field: str, action: str = READ) -> Q:
        """A filter on `path_field` (e.g. ``organisation__path``) matching the user's subtrees."""
        if self.is_admin:
            return Q()
        paths = self.paths(action)
        if not paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in paths))

    def organisations(self, action: str = READ) -> QuerySet[Organisation]:
        """Organisations the user may read (or manage)."""
        return Organisation.objects.filter(self.path_q("path", action))

    def can(self, organisation: Organisation | None, action: str = READ) -> bool:
        """Whether the user may read (or manage) an organisation and everything in it."""
        if self.is_admin:
            return True
        if organisation is None:
            return False
        return any(organisation.path.startswith(p) for p in self.paths(action))

    def is_own_member(self, member_id: int | None) -> bool:
        return member_id is not None and member_id == self.member_id


ANONYMOUS = Scope()
_POST, _REVIEW, _OWN = "post", "review", "own"


@lru_cache(maxsize=1)
def _scope_sql() -> str:
    """One statement for the three sources of a scope, run on every request (bench figure 5): the user's posts in
    current committee terms, their reviewer appointments in force, and their own record and branch (at most one:
    a login belongs to one member record). Written out because building it through the ORM cost ten times the
    query itself (2 ms a request); the table names come from the models."""
    member_table = CommitteePost._meta.get_field("member").related_model._meta.db_table
    post, term = CommitteePost._meta.db_table, CommitteeTerm._meta.db_table
    review, organisation = ReviewerAppointment._meta.db_table, Organisation._meta.db_table
    return f"""
        SELECT '{_POST}', t.organisation_id, o.path, CAST(NULL AS BIGINT)
          FROM {post} p JOIN {member_table} m ON m.id = p.member_id JOIN {term} t ON t.id = p.term_id
               JOIN {organisation} o ON o.id = t.organisation_id
         WHERE m.user_id = %(user)s AND NOT m.is_deleted AND t.is_current
        UNION ALL
        SELECT '{_REVIEW}', a.organisation_id, o.path, CAST(NULL AS BIGINT)
          FROM {review} a JOIN {organisation} o ON o.id = a.organisation_id
         WHERE a.user_id = %(user)s AND a.appointed_on <= %(today)s AND (a.ends_on IS NULL OR a.ends_on >= %(today)s)
        UNION ALL
        SELECT '{_OWN}', o.id, o.path, m.id
          FROM {member_table} m JOIN {organisation} o ON o.id = m.organisation_id
         WHERE m.user_id = %(user)s AND NOT m.is_deleted
    """


def scope_for(user) -> Scope:
    """Build (once per user object) the scope of a user from their posts, appointments and record."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    managed, reviewed_paths = [], set()
    member_id, branch_id, branch_path = None, None, None
    with connection.cursor() as cursor:
        cursor.execute(_scope_sql(), {"user": user.pk, "today": today.isoformat()})
        rows = cursor.fetchall()
    for kind, organisation_id, path, own_member_id in rows:
        if kind == _POST:
            managed.append((organisation_id, path))
        elif kind == _REVIEW:
            reviewed_paths.add(path)
        else:
            member_id, branch_id, branch_path = own_member_id, organisation_id, path
    scope = Scope(
        user_id=user.pk,
        is_admin=bool(user.is_staff and user.is_active),
        managed_paths=tuple(sorted({path for _id, path in managed})),
        reviewed_paths=tuple(sorted(reviewed_paths)),
        member_id=member_id,
        member_branch_id=branch_id,
        member_branch_path=branch_path,
        managed_ids=frozenset(org_id for org_id, _path in managed),
    )
    user._portal_scope = scope
    return scope


class ScopedViewMixin(LoginRequiredMixin):
    """Every portal view: requires a login and exposes the user's `scope`.

    Views build their querysets from selectors given `self.scope`; `require(org, action)` answers
    404 for an organisation outside the scope, so nothing outside it can be seen or changed.
    """

    @cached_property
    def scope(self) -> Scope:
        return scope_for(self.request.user)

    def require(self, organisation: Organisation | None, action: str = READ) -> None:
        if not self.scope.can(organisation, action):
            raise Http404

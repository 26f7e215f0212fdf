"""What a user may read and do, named once.

Roles follow from the data, not from flags:

- a member reads their own record and the meetings of their own branch (and its 党小组);
- the holder of a post in the current committee term of an organisation manages its subtree;
- a user appointed reviewer of an organisation reads its whole subtree;
- staff admins manage everything; `SYSTEM` (management commands, seeders, tasks, bench) acts as an admin without a
  user.

Every decision is a method of `Scope`: `may_…` answers yes or no from the scope's paths and the object's own fields
(`organisation.path`, `organisation.level`, `member.organisation.path`, …) without a query; `…_q` and
`organisations_…` give the filters and querysets of what may be read or managed. Views, templates (through the
context their views build), forms (through the querysets views give them) and services ask the same methods;
tests/members/test_permissions.py tables each of them for every role.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils import timezone

from branches import rules as branch_rules
from branches.models import Level, Organisation
from branches.services import child_levels

from ..models import Member
from .development import DevelopmentPermissions
from .dues import DuesPermissions
from .evaluations import EvaluationPermissions
from .statement import OWN, POST, REVIEW, scope_rows
from .study import StudyPermissions
from .transfers import TransferPermissions

#: The units that hold meetings and keep members: 党支部 and 党小组.
UNIT_LEVELS = (Level.BRANCH, Level.PARTY_GROUP)
#: Who plans meetings: the units, and a 党委 (基层党委 or higher), which records its 书记's yearly 党课.
PLANNING_LEVELS = (*UNIT_LEVELS, *branch_rules.COMMITTEE_LEVELS)


def _under(path: str, paths: Iterable[str]) -> bool:
    return any(path.startswith(top) for top in paths)


def _startswith_q(path_field: str, paths: Iterable[str]) -> Q:
    """Rows whose `path_field` lies in one of the subtrees at `paths`; no paths: no rows."""
    paths = tuple(paths)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{path_field}__startswith": path}) for path in paths))


@dataclass(frozen=True)
class SitePermissions:
    """The decisions that name no object, for the navigation and the page headers (the context's `may`)."""

    read_organisations: bool
    read_roster: bool
    read_meetings: bool
    import_members: bool
    export_roster: bool
    export_full_id_numbers: bool
    see_failed_notices: bool
    read_development: bool
    read_transfers: bool
    open_admin_site: bool
    read_audit_log: bool
    assign_tasks: bool
    read_dues_ledgers: bool
    #: The user's own member record ("我的档案", "我的会议"), if they have one.
    own_member_id: int | None
    #: 民主评议党员 and 支部考核 ("民主评议").
    read_appraisals: bool = False


@dataclass(frozen=True)
class Scope(StudyPermissions, DuesPermissions, EvaluationPermissions, DevelopmentPermissions, TransferPermissions):
    """What one user may see and change: tree paths from their posts, appointments and own record."""

    user_id: int | None = None
    is_admin: bool = False
    is_system: bool = False
    #: Subtrees the user manages (posts in current committee terms).
    managed_paths: tuple[str, ...] = ()
    #: Those of `managed_paths` that are committees above the branches (they set requirements for their subtree).
    committee_paths: tuple[str, ...] = ()
    #: Subtrees the user reads as an appointed reviewer.
    reviewed_paths: tuple[str, ...] = ()
    member_id: int | None = None
    member_branch_id: int | None = None
    member_branch_path: str | None = None
    managed_ids: frozenset[int] = field(default_factory=frozenset)

    # --- Roles (where a user lands; decisions use the named permissions below) ---------------------------------

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.is_system

    @property
    def is_secretary(self) -> bool:
        """Manages some organisation (书记, 副书记 or 委员 of a current committee term)."""
        return bool(self.managed_paths)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.reviewed_paths)

    @property
    def is_member(self) -> bool:
        return self.member_id is not None

    @property
    def read_paths(self) -> tuple[str, ...]:
        """The subtrees the user reads: those they manage and those they review."""
        return self.managed_paths + self.reviewed_paths

    @property
    def meeting_paths(self) -> tuple[str, ...]:
        """The subtrees whose meetings the user reads: their read paths and, for a member, their own branch."""
        own = (self.member_branch_path,) if self.member_branch_path else ()
        return self.read_paths + own

    def _reads(self, organisation: Organisation | None) -> bool:
        return self.is_admin or (organisation is not None and _under(organisation.path, self.read_paths))

    def _manages(self, organisation: Organisation | None) -> bool:
        return self.is_admin or (organisation is not None and _under(organisation.path, self.managed_paths))

    def _manages_some(self) -> bool:
        return self.is_admin or self.is_secretary

    def _reads_some(self) -> bool:
        return self.is_admin or self.is_secretary or self.is_reviewer

    # --- The organisation tree ----------------------------------------------------------------------------------

    def may_read_organisation(self, organisation: Organisation | None) -> bool:
        """Admins read every organisation; secretaries and reviewers their subtrees (a member reads none)."""
        return self._reads(organisation)

    def may_read_organisations(self) -> bool:
        """The organisation list: for those who read some part of the tree."""
        return self._reads_some()

    def may_add_root(self) -> bool:
        """A top-level organisation is added by admins only."""
        return self.is_admin

    def may_add_child(self, organisation: Organisation) -> bool:
        """Admins add any unit the levels allow; a secretary adds 党小组 to their own branch."""
        if not child_levels(organisation.level):
            return False
        if self.is_admin:
            return True
        return organisation.level == Level.BRANCH and self._manages(organisation)

    def may_edit_organisation(self, organisation: Organisation) -> bool:
        """Admins edit any organisation; a secretary their own branch and its 党小组, nothing above a branch."""
        if self.is_admin:
            return True
        return organisation.level in UNIT_LEVELS and self._manages(organisation)

    def may_change_level(self, organisation: Organisation) -> bool:
        """An organisation's level is changed by admins only (a secretary's form shows it locked)."""
        return self.is_admin

    def may_elect(self, organisation: Organisation) -> bool:
        """A committee election (换届), and an approved extension of the term, of a 党支部, 党总支 or 党委 is
        recorded by those who manage the organisation: admins, and holders of a post in its current committee term
        or one above it."""
        return organisation.level in branch_rules.ELECTING_LEVELS and self._manages(organisation)

    def organisations_readable_q(self, path_field: str = "path") -> Q:
        """A filter on `path_field` (e.g. ``organisation__path``) matching the subtrees the user reads."""
        return Q() if self.is_admin else _startswith_q(path_field, self.read_paths)

    def organisations_managed_q(self, path_field: str = "path") -> Q:
        """A filter on `path_field` matching the subtrees the user manages."""
        return Q() if self.is_admin else _startswith_q(path_field, self.managed_paths)

    def organisations_readable(self) -> QuerySet[Organisation]:
        """Organisations the user may read, in tree order."""
        if not self.is_authenticated:
            return Organisation.objects.none()
        return Organisation.objects.filter(self.organisations_readable_q()).order_by("path")

    def organisations_managed(self) -> QuerySet[Organisation]:
        """Organisations the user manages, in tree order."""
        if not self.is_authenticated:
            return Organisation.objects.none()
        return Organisation.objects.filter(self.organisations_managed_q()).order_by("path")

    def organisation_tops(self) -> tuple[str, ...] | None:
        """The paths at the top of the user's readable subtrees, without those nested in another; None for admins,
        whose tree starts at the roots."""
        if self.is_admin:
            return None
        tops: list[str] = []
        for path in sorted(set(self.read_paths)):
            if not _under(path, tops):
                tops.append(path)
        return tuple(tops)

    # --- Members ------------------------------------------------------------------------------------------------

    def may_read_roster(self) -> bool:
        """The roster (党员名册) is for those who read some part of the tree; a member reads only their record."""
        return self._reads_some()

    def may_add_members(self) -> bool:
        """New records are added by those who manage a branch, and admins."""
        return self._manages_some()

    def may_add_member_to(self, organisation: Organisation | None) -> bool:
        """A record is kept in (or moved to) a branch or 党小组 the user manages."""
        return self._manages(organisation)

    def may_import_members(self) -> bool:
        """The Excel import (and its template) is for those who manage a branch, and admins."""
        return self._manages_some()

    def may_export_roster(self) -> bool:
        """Every roster reader may export what they read, ID numbers masked."""
        return self._reads_some()

    def may_export_full_id_numbers(self) -> bool:
        """The export with full ID numbers is offered to those who manage a branch, and admins."""
        return self._manages_some()

    def may_export_id_number_of(self, member: Member) -> bool:
        """A full ID number goes into an export only for members the user manages (each one logged)."""
        return self._manages(member.organisation)

    def may_open_member_trash(self) -> bool:
        """The recycle bin of member records: for those who manage a branch, and admins."""
        return self._manages_some()

    def may_manage_member(self, member: Member) -> bool:
        """A record is edited, deleted, restored and given a photo by its branch's managers and admins."""
        return self._manages(member.organisation)

    def may_reveal_id_number(self, member: Member) -> bool:
        """The full ID number is shown to the member themself, their branch's managers and admins (each time
        logged)."""
        return self.is_own_member(member.pk) or self._manages(member.organisation)

    def is_own_member(self, member_id: int | None) -> bool:
        return member_id is not None and member_id == self.member_id

    def members_readable_q(self) -> Q:
        """Member records the user may read: those in their subtrees and their own."""
        if self.is_admin:
            return Q()
        q = _startswith_q("organisation__path", self.read_paths)
        if self.member_id is not None:
            q |= Q(pk=self.member_id)
        return q

    def members_managed_q(self) -> Q:
        """Member records the user manages."""
        return self.organisations_managed_q("organisation__path")

    # --- Meetings -----------------------------------------------------------------------------------------------

    def may_read_meetings(self) -> bool:
        """The meeting list: for every role, a member reading their own branch's meetings."""
        return self._reads_some() or self.is_member

    def may_plan_meetings(self) -> bool:
        """Meetings are planned by those who manage a branch, and admins (the list's 新建会议, the plan page)."""
        return self._manages_some()

    def may_plan_meeting(self, organisation: Organisation) -> bool:
        """A meeting is held by a 党支部 or 党小组, and a 党委 records its 书记's yearly 党课 (支部工作条例 §16);
        planned by their managers and admins."""
        return organisation.level in PLANNING_LEVELS and self._manages(organisation)

    def may_manage_meeting(self, meeting) -> bool:
        """A meeting's record, attendance, files and state are changed by its branch's managers and admins."""
        return self._manages(meeting.organisation)

    def may_open_meeting_trash(self) -> bool:
        """The recycle bin of meetings: for those who manage a branch, and admins."""
        return self._manages_some()

    def may_read_compliance(self, organisation: Organisation | None) -> bool:
        """An organisation's compliance figures are read by whoever reads the organisation."""
        return self._reads(organisation)

    def may_set_requirements(self, organisation: Organisation) -> bool:
        """A committee sets requirements for its subtree: admins, and managers of a committee above the branches
        that contains the organisation. A branch secretary reads their branch's requirements but cannot lower
        them."""
        return self.is_admin or _under(organisation.path, self.committee_paths)

    def meetings_readable_q(self, path_field: str = "organisation__path") -> Q:
        """Meetings (or, with ``path_field="path"``, organisations) whose meetings the user reads: their read
        subtrees and, for a member, their own branch and its 党小组."""
        return Q() if self.is_admin else _startswith_q(path_field, self.meeting_paths)

    def meetings_managed_q(self, path_field: str = "organisation__path") -> Q:
        """Meetings the user manages."""
        return self.organisations_managed_q(path_field)

    def organisations_plannable(self) -> QuerySet[Organisation]:
        """The branches, 党小组 and 党委 (its 书记's 党课) the user may plan meetings for, in tree order."""
        return self.organisations_managed().filter(level__in=PLANNING_LEVELS)

    def organisations_with_meetings_readable(self) -> QuerySet[Organisation]:
        """The organisations whose meetings the user reads (a member: their own branch and its 党小组)."""
        if not self.is_authenticated:
            return Organisation.objects.none()
        return Organisation.objects.filter(self.meetings_readable_q("path")).order_by("path")

    def meeting_tops(self) -> tuple[str, ...] | None:
        """The subtrees whose meetings the user reads (None for admins: the whole tree), e.g. for cache keys and the
        list's organisation choices."""
        return None if self.is_admin else self.meeting_paths

    # --- Notices ------------------------------------------------------------------------------------------------

    def may_see_failed_notices(self) -> bool:
        """Failed notices: admins see all, those who manage a branch those of their organisations."""
        return self._manages_some()

    def may_retry_notice(self, notice) -> bool:
        """A failed notice is sent again by admins and by the managers of its organisation."""
        return self.is_admin or (notice.organisation_id is not None and self._manages(notice.organisation))

    def may_read_notice(self, notice) -> bool:
        """A notice in the portal is read (and marked read) by the user it is for."""
        return self.user_id is not None and notice.user_id == self.user_id

    def may_run_scheduled_jobs(self) -> bool:
        """Sweeping, sending and writing alerts are the scheduled tasks' work (`SYSTEM`), not a user's."""
        return self.is_system

    # --- The site -----------------------------------------------------------------------------------------------

    def may_read_audit_log(self) -> bool:
        """The audit log (审计日志): staff admins read, filter and export it; nobody edits it."""
        return self.is_admin and not self.is_system

    def may_open_admin_site(self) -> bool:
        """The Django admin (管理后台) is for staff admins."""
        return self.is_admin and not self.is_system

    def site_permissions(self) -> SitePermissions:
        """The decisions that name no object, for the templates."""
        return SitePermissions(
            read_organisations=self.may_read_organisations(),
            read_roster=self.may_read_roster(),
            read_meetings=self.may_read_meetings(),
            import_members=self.may_import_members(),
            export_roster=self.may_export_roster(),
            export_full_id_numbers=self.may_export_full_id_numbers(),
            see_failed_notices=self.may_see_failed_notices(),
            read_development=self.may_read_development(),
            read_transfers=self.may_read_transfers(),
            open_admin_site=self.may_open_admin_site(),
            read_audit_log=self.may_read_audit_log(),
            assign_tasks=self.may_assign_tasks(),
            read_dues_ledgers=self.may_read_dues_ledgers(),
            own_member_id=self.member_id,
            read_appraisals=self.may_read_appraisals(),
        )


ANONYMOUS = Scope()
#: The actor of management commands, seeders, scheduled tasks and benchmarks: every permission, no user.
SYSTEM = Scope(is_admin=True, is_system=True)


def scope_for(user) -> Scope:
    """The scope of a user, read (once per user object, in one query) from their posts, appointments and record."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    managed: dict[int, tuple[str, str]] = {}
    reviewed: set[str] = set()
    member_id = branch_id = branch_path = None
    for kind, organisation_id, path, level, own_member_id in scope_rows(user.pk, timezone.localdate()):
        if kind == POST:
            managed[organisation_id] = (path, level)
        elif kind == REVIEW:
            reviewed.add(path)
        elif kind == OWN:
            member_id, branch_id, branch_path = own_member_id, organisation_id, path
    scope = Scope(
        user_id=user.pk,
        is_admin=bool(user.is_staff and user.is_active),
        managed_paths=tuple(sorted({path for path, _level in managed.values()})),
        committee_paths=tuple(sorted({path for path, level in managed.values() if level not in UNIT_LEVELS})),
        reviewed_paths=tuple(sorted(reviewed)),
        member_id=member_id,
        member_branch_id=branch_id,
        member_branch_path=branch_path,
        managed_ids=frozenset(managed),
    )
    user._portal_scope = scope
    return scope

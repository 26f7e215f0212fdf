"""Every named permission of the access layer (`members.access.Scope`), as a table: role × object → yes or no.

The world (tests/conftest.py): root → P1 → branch A (with 党小组 A1) and root → P2 → branch B. Every object tried
lies on A's side, so the roles read:

- anonymous: no login;
- member: member A's login (a member of branch A and of 党小组 A1, no post);
- secretary_in / secretary_out: the secretary of branch A / of branch B;
- reviewer_in / reviewer_out: the reviewer appointed to P1 / to P2;
- committee_in: a post in P1's own committee (a committee above the branches);
- admin: a staff user; system: `SYSTEM`, the actor of commands, seeders and tasks.

Each test names its rule; the querysets of what may be read or managed are checked against the same tables. The
world is built once for the module, inside a transaction rolled back at its end; a `may_…` method that runs a query
fails its table (the permissions are pure functions of the scope and the object's own fields).
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from branches.models import Organisation
from evaluations.models import Appraisal, BranchScore, Scheme
from meetings.models import Meeting
from members.access import ANONYMOUS, SYSTEM, scope_for
from members.models import Member, Post, Transfer
from notifications.models import Notice, NoticeKind
from tests.conftest import build_world
from tests.factories import MemberFactory, UserFactory, appoint_reviewer, make_committee, make_meeting

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "member",
    "secretary_in",
    "secretary_out",
    "reviewer_in",
    "reviewer_out",
    "committee_in",
    "admin",
    "system",
)

#: Roles that stand for everyone who manages or reads something, and for everyone with a login.
ALL_POWERFUL = {"admin", "system"}
MANAGERS = {"secretary_in", "secretary_out", "committee_in"} | ALL_POWERFUL
READERS = MANAGERS | {"reviewer_in", "reviewer_out"}
A_MANAGERS = {"secretary_in", "committee_in"} | ALL_POWERFUL
A_READERS = A_MANAGERS | {"reviewer_in"}
P1_READERS = {"reviewer_in", "committee_in"} | ALL_POWERFUL


def table(rows: dict[str, set[str]]):
    """Parametrize a test over every role × object: yes for the roles listed for the object, no for the others."""
    cases = [pytest.param(obj, role, role in yes, id=f"{obj}-{role}") for obj, yes in rows.items() for role in ROLES]
    return pytest.mark.parametrize(("obj", "role", "expected"), cases)


def general(yes: set[str]):
    """Parametrize a permission that names no object over every role."""
    return table({"site": yes})


@pytest.fixture(scope="module")
def setting(django_db_setup, django_db_blocker):
    """(world, scopes by role, objects by name), built once; everything is rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield world, _scopes(world), _objects(world)
        transaction.set_rollback(True)


@pytest.fixture
def world(setting):
    return setting[0]


@pytest.fixture
def scopes(setting) -> dict:
    return setting[1]


@pytest.fixture
def objects(setting) -> dict:
    return setting[2]


def _scopes(world) -> dict:
    reviewer_out = UserFactory(username="reviewer_p2")
    appoint_reviewer(reviewer_out, world.p2)
    officer = UserFactory(username="p1_officer")
    make_committee(
        world.p1, [(MemberFactory(name="委员会书记", organisation=world.branch_a, user=officer), Post.SECRETARY)]
    )
    users = {
        "member": world.member_user,
        "secretary_in": world.secretary_a,
        "secretary_out": world.secretary_b,
        "reviewer_in": world.reviewer,
        "reviewer_out": reviewer_out,
        "committee_in": officer,
        "admin": world.admin,
    }
    return {"anonymous": ANONYMOUS, "system": SYSTEM, **{role: scope_for(user) for role, user in users.items()}}


def _objects(world) -> dict:
    meeting_a = make_meeting(world.branch_a, starts_at=timezone.now() - timedelta(days=2))
    meeting_a1 = make_meeting(world.group_a1, ["group_meeting"], starts_at=timezone.now() - timedelta(days=3))
    notice = Notice.objects.create(
        key="test|permissions",
        kind=NoticeKind.MEETING_REMINDER,
        user=world.member_user,
        member=world.member_a,
        organisation=world.branch_a,
        meeting=meeting_a,
        title="提醒",
        due_at=timezone.now(),
    )
    from study.models import Assignment
    from tests.study.helpers import assign

    task_a = assign(world.branch_a, completion="reflection")
    task_root = assign(world.root)
    appraisal = Appraisal.objects.create(organisation=world.branch_a, year=2025, opened_on=timezone.localdate())
    scheme = Scheme.objects.create(organisation=world.p1, year=2025, name="考核", bands=[[60, "好"], [0, "差"]])
    score = BranchScore.objects.create(
        scheme=scheme, organisation=world.branch_a, total=80, band="好", computed_at=timezone.now()
    )
    transfer_in = Transfer.objects.create(
        member=world.member_a,
        from_organisation=world.branch_a,
        to_organisation=world.branch_b,
        member_status="full",
        reason="工作调动",
        started_on=timezone.localdate(),
    )
    # Sent from B to A: A's managers decide it; B's send it.
    transfer_to_a = Transfer.objects.create(
        member=world.member_b,
        from_organisation=world.branch_b,
        to_organisation=world.branch_a,
        member_status="full",
        reason="工作调动",
        started_on=timezone.localdate(),
    )
    transfers = Transfer.objects.select_related("from_organisation", "to_organisation")
    return {
        "task_a": task_a.__class__.objects.select_related("organisation").get(pk=task_a.pk),
        "task_root": task_root.__class__.objects.select_related("organisation").get(pk=task_root.pk),
        "assignment_a": Assignment.objects.select_related("task__organisation", "member__organisation").get(
            task=task_a, member=world.member_a
        ),
        "transfer_from_a": transfers.get(pk=transfer_in.pk),
        "transfer_to_a": transfers.get(pk=transfer_to_a.pk),
        "site": None,
        "appraisal_a": Appraisal.objects.select_related("organisation").get(pk=appraisal.pk),
        "scheme_p1": Scheme.objects.select_related("organisation").get(pk=scheme.pk),
        "score_a": BranchScore.objects.select_related("organisation").get(pk=score.pk),
        "root": world.root,
        "p1": world.p1,
        "branch_a": world.branch_a,
        "group_a1": world.group_a1,
        "member_a": Member.objects.select_related("organisation").get(pk=world.member_a.pk),
        "secretary_a_member": Member.objects.select_related("organisation").get(pk=world.secretary_a_member.pk),
        "meeting_a": Meeting.objects.select_related("organisation").get(pk=meeting_a.pk),
        "meeting_a1": Meeting.objects.select_related("organisation").get(pk=meeting_a1.pk),
        "notice": Notice.objects.select_related("organisation").get(pk=notice.pk),
    }


def ask(scopes, objects, role, permission, obj):
    """The named permission's answer for the role and object, given without a query."""
    method = getattr(scopes[role], permission)
    with CaptureQueriesContext(connection) as queries:
        answer = method() if obj == "site" else method(objects[obj])
    assert not queries.captured_queries, f"{permission} queried the database"
    return answer


ORGANISATIONS_READ = {
    "root": ALL_POWERFUL,
    "p1": P1_READERS,
    "branch_a": A_READERS,
    "group_a1": A_READERS,
}
ORGANISATIONS_MANAGED = {
    "root": ALL_POWERFUL,
    "p1": {"committee_in"} | ALL_POWERFUL,
    "branch_a": A_MANAGERS,
    "group_a1": A_MANAGERS,
}

# --- The organisation tree -----------------------------------------------------------------------------------------


@table(ORGANISATIONS_READ)
def test_may_read_organisation(scopes, objects, obj, role, expected):
    """Admins read every organisation; secretaries and reviewers their subtrees; a member reads none."""
    assert ask(scopes, objects, role, "may_read_organisation", obj) is expected


@general(READERS)
def test_may_read_organisations(scopes, objects, obj, role, expected):
    """The organisation list is for those who read some part of the tree."""
    assert ask(scopes, objects, role, "may_read_organisations", obj) is expected


@general(ALL_POWERFUL)
def test_may_add_root(scopes, objects, obj, role, expected):
    """A top-level organisation is added by admins only."""
    assert ask(scopes, objects, role, "may_add_root", obj) is expected


@table({"root": ALL_POWERFUL, "p1": ALL_POWERFUL, "branch_a": A_MANAGERS, "group_a1": set()})
def test_may_add_child(scopes, objects, obj, role, expected):
    """Admins add any unit the levels allow; a branch's managers add 党小组 to it; nothing goes under a 党小组."""
    assert ask(scopes, objects, role, "may_add_child", obj) is expected


@table({"root": ALL_POWERFUL, "p1": ALL_POWERFUL, "branch_a": A_MANAGERS, "group_a1": A_MANAGERS})
def test_may_edit_organisation(scopes, objects, obj, role, expected):
    """Admins edit any organisation; its managers a branch and its 党小组, nothing above a branch."""
    assert ask(scopes, objects, role, "may_edit_organisation", obj) is expected


@table(dict.fromkeys(("root", "p1", "branch_a", "group_a1"), ALL_POWERFUL))
def test_may_change_level(scopes, objects, obj, role, expected):
    """An organisation's level is changed by admins only."""
    assert ask(scopes, objects, role, "may_change_level", obj) is expected


@table({"root": ALL_POWERFUL, "p1": {"committee_in"} | ALL_POWERFUL, "branch_a": A_MANAGERS, "group_a1": set()})
def test_may_elect(scopes, objects, obj, role, expected):
    """A committee election (换届) of a 党支部, 党总支 or 党委 is recorded by its managers and admins; a 党小组 has
    no committee (Term (换届), terms above the branch)."""
    assert ask(scopes, objects, role, "may_elect", obj) is expected


@table(ORGANISATIONS_READ)
def test_may_read_compliance(scopes, objects, obj, role, expected):
    """An organisation's compliance figures are read by whoever reads the organisation."""
    assert ask(scopes, objects, role, "may_read_compliance", obj) is expected


@table(
    dict.fromkeys(("root",), ALL_POWERFUL)
    | dict.fromkeys(("p1", "branch_a", "group_a1"), {"committee_in"} | ALL_POWERFUL)
)
def test_may_set_requirements(scopes, objects, obj, role, expected):
    """Meeting requirements are set by admins and by the managers of a committee above the branches, for its
    subtree; a branch secretary reads them but cannot lower them."""
    assert ask(scopes, objects, role, "may_set_requirements", obj) is expected


@table(ORGANISATIONS_READ)
def test_organisations_readable(scopes, objects, obj, role, expected):
    """The organisations a user may read, as a queryset: the same rule as `may_read_organisation`."""
    assert scopes[role].organisations_readable().filter(pk=objects[obj].pk).exists() is expected


@table(ORGANISATIONS_MANAGED)
def test_organisations_managed(scopes, objects, obj, role, expected):
    """The organisations a user manages: their subtrees from posts in current committee terms; admins all."""
    assert scopes[role].organisations_managed().filter(pk=objects[obj].pk).exists() is expected


# --- Members -------------------------------------------------------------------------------------------------------


@general(READERS)
def test_may_read_roster(scopes, objects, obj, role, expected):
    """The roster (党员名册) is for those who read some part of the tree; a member reads only their own record."""
    assert ask(scopes, objects, role, "may_read_roster", obj) is expected


@general(READERS)
def test_may_export_roster(scopes, objects, obj, role, expected):
    """Every roster reader may export what they read, ID numbers masked."""
    assert ask(scopes, objects, role, "may_export_roster", obj) is expected


@general(MANAGERS)
def test_may_add_members(scopes, objects, obj, role, expected):
    """New records are added by those who manage a branch, and admins."""
    assert ask(scopes, objects, role, "may_add_members", obj) is expected


@general(MANAGERS)
def test_may_import_members(scopes, objects, obj, role, expected):
    """The Excel import and its template are for those who manage a branch, and admins."""
    assert ask(scopes, objects, role, "may_import_members", obj) is expected


@general(MANAGERS)
def test_may_export_full_id_numbers(scopes, objects, obj, role, expected):
    """The export with full ID numbers is offered to those who manage a branch, and admins."""
    assert ask(scopes, objects, role, "may_export_full_id_numbers", obj) is expected


@general(MANAGERS)
def test_may_open_member_trash(scopes, objects, obj, role, expected):
    """The recycle bin of member records is for those who manage a branch, and admins."""
    assert ask(scopes, objects, role, "may_open_member_trash", obj) is expected


@table(ORGANISATIONS_MANAGED)
def test_may_add_member_to(scopes, objects, obj, role, expected):
    """A record is kept in (or moved to) an organisation the user manages."""
    assert ask(scopes, objects, role, "may_add_member_to", obj) is expected


@table({"member_a": A_MANAGERS, "secretary_a_member": A_MANAGERS})
def test_may_manage_member(scopes, objects, obj, role, expected):
    """A record is edited, deleted, restored and given a photo by its branch's managers and admins, not by the
    member themself."""
    assert ask(scopes, objects, role, "may_manage_member", obj) is expected


@table({"member_a": A_MANAGERS | {"member"}, "secretary_a_member": A_MANAGERS})
def test_may_reveal_id_number(scopes, objects, obj, role, expected):
    """The full ID number is shown to the member themself, their branch's managers and admins; not to reviewers."""
    assert ask(scopes, objects, role, "may_reveal_id_number", obj) is expected


@table({"member_a": A_MANAGERS, "secretary_a_member": A_MANAGERS})
def test_may_export_id_number_of(scopes, objects, obj, role, expected):
    """A full ID number goes into an export only for members the user manages."""
    assert ask(scopes, objects, role, "may_export_id_number_of", obj) is expected


@table({"member_a": A_READERS | {"member"}, "secretary_a_member": A_READERS})
def test_members_readable_q(scopes, objects, obj, role, expected):
    """A record is read by whoever reads its branch, and by the member themself."""
    visible = Member.objects.filter(scopes[role].members_readable_q())
    assert visible.filter(pk=objects[obj].pk).exists() is expected


@table({"member_a": A_MANAGERS, "secretary_a_member": A_MANAGERS})
def test_members_managed_q(scopes, objects, obj, role, expected):
    """The records a user manages, as a filter: the same rule as `may_manage_member`."""
    managed = Member.objects.filter(scopes[role].members_managed_q())
    assert managed.filter(pk=objects[obj].pk).exists() is expected


# --- Meetings ------------------------------------------------------------------------------------------------------


@general(READERS | {"member"})
def test_may_read_meetings(scopes, objects, obj, role, expected):
    """The meeting list is for every role with a part of the tree or a branch of their own."""
    assert ask(scopes, objects, role, "may_read_meetings", obj) is expected


@general(MANAGERS)
def test_may_plan_meetings(scopes, objects, obj, role, expected):
    """Meetings are planned (新建会议) by those who manage a branch, and admins."""
    assert ask(scopes, objects, role, "may_plan_meetings", obj) is expected


@general(MANAGERS)
def test_may_open_meeting_trash(scopes, objects, obj, role, expected):
    """The recycle bin of meetings is for those who manage a branch, and admins."""
    assert ask(scopes, objects, role, "may_open_meeting_trash", obj) is expected


@table({"root": ALL_POWERFUL, "p1": {"committee_in"} | ALL_POWERFUL, "branch_a": A_MANAGERS, "group_a1": A_MANAGERS})
def test_may_plan_meeting(scopes, objects, obj, role, expected):
    """A meeting is held by a 党支部 or 党小组, and a 党委 records its 书记's yearly 党课 (支部工作条例 §16); planned by
    their managers and admins."""
    assert ask(scopes, objects, role, "may_plan_meeting", obj) is expected


@table({"root": ALL_POWERFUL, "p1": {"committee_in"} | ALL_POWERFUL, "branch_a": A_MANAGERS, "group_a1": A_MANAGERS})
def test_organisations_plannable(scopes, objects, obj, role, expected):
    """The units a user may plan meetings for, as a queryset: the same rule as `may_plan_meeting`."""
    assert scopes[role].organisations_plannable().filter(pk=objects[obj].pk).exists() is expected


@table({"meeting_a": A_MANAGERS, "meeting_a1": A_MANAGERS})
def test_may_manage_meeting(scopes, objects, obj, role, expected):
    """A meeting's record, attendance, files and state are changed by its branch's managers and admins."""
    assert ask(scopes, objects, role, "may_manage_meeting", obj) is expected


@table({"meeting_a": A_READERS | {"member"}, "meeting_a1": A_READERS | {"member"}})
def test_meetings_readable_q(scopes, objects, obj, role, expected):
    """A meeting is read by whoever reads its organisation, and by the members of its branch (its 党小组's
    meetings too): "a member reads their own branch's meetings"."""
    visible = Meeting.objects.filter(scopes[role].meetings_readable_q())
    assert visible.filter(pk=objects[obj].pk).exists() is expected


@table({"meeting_a": A_MANAGERS, "meeting_a1": A_MANAGERS})
def test_meetings_managed_q(scopes, objects, obj, role, expected):
    """The meetings a user manages, as a filter: the same rule as `may_manage_meeting`."""
    managed = Meeting.all_objects.filter(scopes[role].meetings_managed_q())
    assert managed.filter(pk=objects[obj].pk).exists() is expected


@table({**ORGANISATIONS_READ, "branch_a": A_READERS | {"member"}, "group_a1": A_READERS | {"member"}})
def test_organisations_with_meetings_readable(scopes, objects, obj, role, expected):
    """The organisations whose meetings a user reads (the calendar's and the list's choices): those they read,
    and a member's own branch and its 党小组."""
    readable = scopes[role].organisations_with_meetings_readable()
    assert readable.filter(pk=objects[obj].pk).exists() is expected


# --- Dues (党费) ---------------------------------------------------------------------------------------------------


@general(READERS)
def test_may_read_dues_ledgers(scopes, objects, obj, role, expected):
    """The ledger (党费台账) in the navigation is for those who read some part of the tree."""
    assert ask(scopes, objects, role, "may_read_dues_ledgers", obj) is expected


@table(ORGANISATIONS_READ)
def test_may_read_dues(scopes, objects, obj, role, expected):
    """An organisation's dues ledger is read by whoever reads the organisation."""
    assert ask(scopes, objects, role, "may_read_dues", obj) is expected


@table({"member_a": A_READERS | {"member"}, "secretary_a_member": A_READERS})
def test_may_read_member_dues(scopes, objects, obj, role, expected):
    """A member's dues are read by the member themself and the readers of their branch."""
    assert ask(scopes, objects, role, "may_read_member_dues", obj) is expected


@table({"member_a": A_MANAGERS, "secretary_a_member": A_MANAGERS})
def test_may_record_dues(scopes, objects, obj, role, expected):
    """Payments, declared bases and reductions are recorded by the managers of the member's branch and admins, not
    by the member themself or a reviewer."""
    assert ask(scopes, objects, role, "may_record_dues", obj) is expected


# --- The development of members (发展党员) -------------------------------------------------------------------------


@general(READERS)
def test_may_read_development(scopes, objects, obj, role, expected):
    """The pipeline board and the funnel are for those who read some part of the tree; a member has none."""
    assert ask(scopes, objects, role, "may_read_development", obj) is expected


@table(ORGANISATIONS_READ)
def test_may_read_development_of(scopes, objects, obj, role, expected):
    """An organisation's pipeline board and funnel are read by whoever reads the organisation."""
    assert ask(scopes, objects, role, "may_read_development_of", obj) is expected


@table({"member_a": A_READERS, "secretary_a_member": A_READERS})
def test_may_read_path(scopes, objects, obj, role, expected):
    """A person's path is read by whoever reads their branch (not by the person through these pages)."""
    assert ask(scopes, objects, role, "may_read_path", obj) is expected


@table({"member_a": A_MANAGERS, "secretary_a_member": A_MANAGERS})
def test_may_record_step(scopes, objects, obj, role, expected):
    """A step of a person's path is recorded by their branch's managers and admins; a reviewer only reads it."""
    assert ask(scopes, objects, role, "may_record_step", obj) is expected


# --- Transfers (组织关系转接) and mobile members ---------------------------------------------------------------------

#: Who reads a transfer between A and B: whoever reads either branch (B's secretary, the readers above A or B).
TRANSFER_READERS = A_READERS | {"secretary_out", "reviewer_out"}


@general(READERS)
def test_may_read_transfers(scopes, objects, obj, role, expected):
    """The list of transfers is for those who read some part of the tree; a member sees none."""
    assert ask(scopes, objects, role, "may_read_transfers", obj) is expected


@general(MANAGERS)
def test_may_start_transfers(scopes, objects, obj, role, expected):
    """Transfers are started by those who manage a branch, and admins."""
    assert ask(scopes, objects, role, "may_start_transfers", obj) is expected


@table({"member_a": A_MANAGERS, "secretary_a_member": A_MANAGERS})
def test_may_start_transfer(scopes, objects, obj, role, expected):
    """A member's transfer is started by the managers of their branch, and admins (not by the member)."""
    assert ask(scopes, objects, role, "may_start_transfer", obj) is expected


@table({"transfer_from_a": TRANSFER_READERS, "transfer_to_a": TRANSFER_READERS})
def test_may_read_transfer(scopes, objects, obj, role, expected):
    """A transfer is read by whoever reads the sending or the receiving branch: both branches and the readers of
    their nearest common superior (and of everything above either)."""
    assert ask(scopes, objects, role, "may_read_transfer", obj) is expected


@table({"transfer_from_a": TRANSFER_READERS, "transfer_to_a": TRANSFER_READERS})
def test_transfers_readable_q(scopes, objects, obj, role, expected):
    """The transfers a user reads, as a filter: the same rule as `may_read_transfer`."""
    readable = Transfer.objects.filter(scopes[role].transfers_readable_q())
    assert readable.filter(pk=objects[obj].pk).exists() is expected


@table({"transfer_from_a": {"secretary_out"} | ALL_POWERFUL, "transfer_to_a": A_MANAGERS})
def test_may_decide_transfer(scopes, objects, obj, role, expected):
    """A transfer is accepted or returned by the managers of the receiving branch, and admins."""
    assert ask(scopes, objects, role, "may_decide_transfer", obj) is expected


@table({"transfer_from_a": A_MANAGERS, "transfer_to_a": {"secretary_out"} | ALL_POWERFUL})
def test_may_handle_sent_transfer(scopes, objects, obj, role, expected):
    """A transfer is withdrawn, given its 介绍信 and closed by the managers of the sending branch, and admins."""
    assert ask(scopes, objects, role, "may_handle_sent_transfer", obj) is expected


@general(READERS)
def test_may_read_mobile_members(scopes, objects, obj, role, expected):
    """The 流动党员 list is for those who read some part of the tree (each sees the members they read)."""
    assert ask(scopes, objects, role, "may_read_mobile_members", obj) is expected


# --- Notices and the site ------------------------------------------------------------------------------------------


@general(MANAGERS)
def test_may_see_failed_notices(scopes, objects, obj, role, expected):
    """Failed notices: admins see all, those who manage a branch those of their organisations."""
    assert ask(scopes, objects, role, "may_see_failed_notices", obj) is expected


@table({"notice": A_MANAGERS})
def test_may_retry_notice(scopes, objects, obj, role, expected):
    """A failed notice is sent again by admins and by the managers of its organisation."""
    assert ask(scopes, objects, role, "may_retry_notice", obj) is expected


@table({"notice": {"member"}})
def test_may_read_notice(scopes, objects, obj, role, expected):
    """A notice is read (and marked read) only by the user it is for, not even by an admin."""
    assert ask(scopes, objects, role, "may_read_notice", obj) is expected


@general({"system"})
def test_may_run_scheduled_jobs(scopes, objects, obj, role, expected):
    """Sweeping and sending notices and writing the morning's alerts are the scheduled tasks' work (`SYSTEM`)."""
    assert ask(scopes, objects, role, "may_run_scheduled_jobs", obj) is expected


@general({"admin"})
def test_may_open_admin_site(scopes, objects, obj, role, expected):
    """The Django admin (管理后台) is for staff admins (`SYSTEM` has no login to open it with)."""
    assert ask(scopes, objects, role, "may_open_admin_site", obj) is expected


@general({"admin"})
def test_may_read_audit_log(scopes, objects, obj, role, expected):
    """The audit log (审计日志) is read, filtered and exported by staff admins only; nobody edits it."""
    assert ask(scopes, objects, role, "may_read_audit_log", obj) is expected


# --- Study tasks ---------------------------------------------------------------------------------------------------

TASKS_READ = {"task_a": A_READERS, "task_root": READERS}


@general(READERS)
def test_may_assign_tasks(scopes, objects, obj, role, expected):
    """The task list and 布置学习任务: for secretaries, reviewers and admins; a member assigns nothing."""
    assert ask(scopes, objects, role, "may_assign_tasks", obj) is expected


@table(ORGANISATIONS_READ)
def test_may_assign_task(scopes, objects, obj, role, expected):
    """A task is assigned for an organisation by its secretaries (anything they manage) and reviewers (their
    subtree)."""
    assert ask(scopes, objects, role, "may_assign_task", obj) is expected


@table({"task_a": A_READERS, "task_root": ALL_POWERFUL})
def test_may_edit_task(scopes, objects, obj, role, expected):
    """A task is edited by those who may assign for its organisation."""
    assert ask(scopes, objects, role, "may_edit_task", obj) is expected


@table(TASKS_READ)
def test_may_read_task(scopes, objects, obj, role, expected):
    """A task is read by its assigners and by whoever reads a part of the tree below its organisation."""
    assert ask(scopes, objects, role, "may_read_task", obj) is expected


@table(TASKS_READ)
def test_may_review_completion(scopes, objects, obj, role, expected):
    """Completion (by branch, by member, export, reminder) is seen by whoever reads the task."""
    assert ask(scopes, objects, role, "may_review_completion", obj) is expected


@table({"assignment_a": A_READERS})
def test_may_return_reflection(scopes, objects, obj, role, expected):
    """A reflection is returned by the task's assigners and the member's branch managers."""
    assert ask(scopes, objects, role, "may_return_reflection", obj) is expected


@table({"assignment_a": {"member"}})
def test_may_complete_assignment(scopes, objects, obj, role, expected):
    """A member completes their own tasks only; not even an admin completes them for the member."""
    assert ask(scopes, objects, role, "may_complete_assignment", obj) is expected


@table({"member_a": A_READERS | {"member"}, "secretary_a_member": A_READERS})
def test_may_read_study_record(scopes, objects, obj, role, expected):
    """A yearly study record is read by its member and by those who read their record."""
    assert ask(scopes, objects, role, "may_read_study_record", obj) is expected


@table(TASKS_READ)
def test_tasks_readable(scopes, objects, obj, role, expected):
    """`tasks_readable_q` holds exactly the tasks `may_read_task` allows."""
    from study.models import StudyTask

    scope = scopes[role]
    found = scope.is_authenticated and StudyTask.objects.filter(scope.tasks_readable_q(), pk=objects[obj].pk).exists()
    assert found is expected


def test_every_named_permission_has_a_table():
    """A `may_…` method added to `Scope` without a table here fails the suite."""
    from members.access import Scope

    named = {name for name in dir(Scope) if name.startswith("may_")}
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_may_")}
    assert named == tested, f"permissions without a table: {sorted(named - tested)}"


def test_the_site_permissions_of_the_templates_follow_the_named_permissions(scopes):
    """The navigation's `may` answers exactly as the named permissions do, for every role."""
    for scope in scopes.values():
        site = scope.site_permissions()
        assert (
            site.read_roster,
            site.import_members,
            site.see_failed_notices,
            site.open_admin_site,
            site.read_development,
        ) == (
            scope.may_read_roster(),
            scope.may_import_members(),
            scope.may_see_failed_notices(),
            scope.may_open_admin_site(),
            scope.may_read_development(),
        )
        assert site.read_dues_ledgers == scope.may_read_dues_ledgers()
        assert site.own_member_id == scope.member_id


def test_the_objects_sit_where_the_roles_assume(world, objects):
    """The table's objects all lie under P1, so that "in" and "out" of scope mean the same in every row."""
    under_p1 = [objects[name] for name in ("branch_a", "group_a1")] + [
        objects[name].organisation for name in ("member_a", "meeting_a", "meeting_a1", "notice")
    ]
    assert all(o.path.startswith(world.p1.path) for o in under_p1)
    assert Organisation.objects.filter(path__startswith=world.p1.path).count() == 3


# --- 民主评议党员 and 支部考核 (members/access/evaluations.py) ------------------------------------------------------
#: Members of branch A: member A, its secretary, and the P1 committee's secretary (a member of branch A too).
A_MEMBERS = {"member", "secretary_in", "committee_in"}


@table({"root": set(), "p1": set(), "branch_a": A_MANAGERS, "group_a1": set()})
def test_may_open_appraisal(scopes, objects, obj, role, expected):
    """民主评议党员 is organised by a 党支部: opened by its managers and admins (not by a 党小组 or a committee
    for itself)."""
    assert ask(scopes, objects, role, "may_open_appraisal", obj) is expected


@table({"appraisal_a": A_MANAGERS})
def test_may_run_appraisal(scopes, objects, obj, role, expected):
    """Steps, tally, grades, confirmation, feedback and follow-ups: the branch's managers and admins; a reviewer
    never sees a tally."""
    assert ask(scopes, objects, role, "may_run_appraisal", obj) is expected


@table({"appraisal_a": A_MEMBERS})
def test_may_take_part(scopes, objects, obj, role, expected):
    """A member of the branch writes a self-assessment, votes and reads their own result (admins and SYSTEM are no
    member: they cannot vote)."""
    assert ask(scopes, objects, role, "may_take_part", obj) is expected


@general(READERS | {"member"})
def test_may_read_appraisals(scopes, objects, obj, role, expected):
    """The 民主评议 pages are for members (their own), managers and readers."""
    assert ask(scopes, objects, role, "may_read_appraisals", obj) is expected


@table(ORGANISATIONS_READ)
def test_may_read_distribution(scopes, objects, obj, role, expected):
    """The distribution of grades (counts only) is read by whoever reads the organisation."""
    assert ask(scopes, objects, role, "may_read_distribution", obj) is expected


@table({"root": ALL_POWERFUL, "p1": {"committee_in"} | ALL_POWERFUL, "branch_a": set(), "group_a1": set()})
def test_may_define_scheme(scopes, objects, obj, role, expected):
    """A scoring scheme is defined by a committee above the branches for its subtree (支部考核), and admins."""
    assert ask(scopes, objects, role, "may_define_scheme", obj) is expected


@table({"scheme_p1": P1_READERS})
def test_may_read_scheme(scopes, objects, obj, role, expected):
    """A scheme and all its scores are read by whoever reads the committee that defined it."""
    assert ask(scopes, objects, role, "may_read_scheme", obj) is expected


@table({"score_a": A_READERS})
def test_may_read_branch_score(scopes, objects, obj, role, expected):
    """A branch's score is read by whoever reads the branch, its own secretary included."""
    assert ask(scopes, objects, role, "may_read_branch_score", obj) is expected


@table({"appraisal_a": A_MANAGERS | A_MEMBERS})
def test_appraisals_readable(scopes, objects, obj, role, expected):
    """The appraisals a user reaches: of the subtrees they manage and of their own branch."""
    found = Appraisal.objects.filter(scopes[role].appraisals_readable_q()) if scopes[role].is_authenticated else None
    assert (found is not None and found.filter(pk=objects[obj].pk).exists()) is expected

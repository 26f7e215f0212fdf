"""Reads of study tasks: who a target reaches, the tasks a scope reads, completion figures, a member's own tasks
and their yearly record."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from branches.models import Level, Organisation
from meetings import selectors as meeting_selectors
from meetings.models import Attendance
from members.access import Scope
from members.models import MEMBER_STATUSES, Member

from . import rules
from .models import Assignment, AssignmentState, StudyTask, TargetKind

DONE = AssignmentState.DONE


# --- Targets -------------------------------------------------------------------------------------------------------


def _in_organisation_q(organisation: Organisation, prefix: str = "") -> Q:
    """Member rows (or rows reaching a member through `prefix`) inside an organisation: a 党小组's own members,
    or everyone whose branch lies in the subtree."""
    if organisation.level == Level.PARTY_GROUP:
        return Q(**{f"{prefix}party_group": organisation})
    return Q(**{f"{prefix}organisation__path__startswith": organisation.path})


def targeted_members(
    *, organisation: Organisation, kind: str, statuses: list[str] | None = None, member_ids=()
) -> QuerySet[Member]:
    """The members a target reaches, inside `organisation`: by status (none given: 预备党员 and 正式党员), or the
    chosen members among those in the organisation."""
    members = Member.objects.filter(_in_organisation_q(organisation))
    if kind == TargetKind.MEMBERS:
        return members.filter(pk__in=list(member_ids))
    return members.filter(status__in=list(statuses or MEMBER_STATUSES))


def tasks_open_for(member: Member, today: date) -> list[StudyTask]:
    """Open tasks (not yet past due) whose organisation target covers a member as they stand: a joiner's tasks.

    The statuses a task targets are matched here, not in SQL (a JSON list: `contains` is not portable to SQLite);
    the open tasks of one member's chain of organisations are few."""
    branch_path = member.organisation.path
    above = [branch_path[:end] for end in range(4, len(branch_path) + 1, 4)]
    where = Q(organisation__path__in=above) & ~Q(organisation__level=Level.PARTY_GROUP)
    if member.party_group_id:
        where |= Q(organisation_id=member.party_group_id)
    tasks = StudyTask.objects.filter(where, target_kind=TargetKind.ORGANISATION, due_on__gte=today)
    return [
        task
        for task in tasks.only("pk", "target_statuses")
        if member.status in (task.target_statuses or MEMBER_STATUSES)
    ]


# --- Tasks a scope reads ---------------------------------------------------------------------------------------------


def _members_in_scope_q(scope: Scope, prefix: str) -> Q:
    """Rows reaching a member (through `prefix`) whom the scope reads."""
    return scope.organisations_readable_q(f"{prefix}member__organisation__path")


def tasks_for(scope: Scope) -> QuerySet[StudyTask]:
    """The tasks a scope reads, newest first, with the number of their rows and of those done, among the members
    the scope reads."""
    rows = _members_in_scope_q(scope, "assignments__")
    return (
        StudyTask.objects.filter(scope.tasks_readable_q())
        .select_related("organisation")
        .annotate(
            total=Count("assignments", filter=rows),
            done=Count("assignments", filter=rows & Q(assignments__state=DONE)),
        )
        .order_by("-starts_on", "-pk")
    )


def task_detail_queryset(scope: Scope) -> QuerySet[StudyTask]:
    return StudyTask.objects.filter(scope.tasks_readable_q()).select_related("organisation", "meeting")


@dataclass
class BranchFigures:
    organisation_id: int
    name: str
    total: int
    done: int

    @property
    def rate(self) -> int:
        return rules.completion_rate(self.done, self.total)

    @property
    def behind(self) -> int:
        return self.total - self.done


def completion_by_branch(task: StudyTask, scope: Scope) -> list[BranchFigures]:
    """A task's completion per branch, among the members the scope reads (one query)."""
    rows = (
        task.assignments.filter(_members_in_scope_q(scope, ""))
        .values("member__organisation_id", "member__organisation__name", "member__organisation__path")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(state=DONE)))
        .order_by("member__organisation__path")
    )
    return [
        BranchFigures(row["member__organisation_id"], row["member__organisation__name"], row["total"], row["done"])
        for row in rows
    ]


def completion_rows(task: StudyTask, scope: Scope, *, organisation_id: int | None = None, state: str = "") -> QuerySet:
    """A task's rows for the members the scope reads, by branch and name, optionally one branch's or one state's
    (`behind`: every row not done)."""
    rows = task.assignments.filter(_members_in_scope_q(scope, "")).select_related("member", "member__organisation")
    if organisation_id:
        rows = rows.filter(member__organisation_id=organisation_id)
    if state == "behind":
        rows = rows.exclude(state=DONE)
    elif state in AssignmentState.values:
        rows = rows.filter(state=state)
    return rows.order_by("member__organisation__path", "member__name", "pk")


def assignment_review_queryset(scope: Scope) -> QuerySet[Assignment]:
    """Rows a scope reads as a reviewer of completion: of tasks it reads, for members it reads."""
    return Assignment.objects.filter(
        _members_in_scope_q(scope, ""), scope.tasks_readable_q("task__organisation__path")
    ).select_related("task", "task__organisation", "member", "member__organisation", "returned_by")


def branch_open_tasks(organisation: Organisation, today: date, limit: int = 10) -> list[StudyTask]:
    """The open tasks (not past due) reaching a branch's members, with the branch's figures, soonest due first
    (one query)."""
    here = Q(assignments__member__organisation=organisation)
    return list(
        StudyTask.objects.filter(here, due_on__gte=today)
        .annotate(
            total=Count("assignments", filter=here), done=Count("assignments", filter=here & Q(assignments__state=DONE))
        )
        .order_by("due_on", "pk")[:limit]
    )


# --- A member's own tasks --------------------------------------------------------------------------------------------

SHOWS = ("todo", "due_soon", "overdue", "done")


def my_assignments(member_id: int | None, *, show: str = "todo", today: date | None = None) -> QuerySet[Assignment]:
    """A member's rows: to do (every one not done, soonest due first), due soon, overdue, or done (latest first)."""
    today = today or timezone.localdate()
    rows = Assignment.objects.filter(member_id=member_id).select_related("task", "task__organisation")
    if show == "done":
        return rows.filter(state=DONE).order_by("-completed_at", "-pk")
    rows = rows.exclude(state=DONE)
    if show == "due_soon":
        rows = rows.filter(task__due_on__gte=today, task__due_on__lt=today + timedelta(days=rules.DUE_SOON_DAYS))
    elif show == "overdue":
        rows = rows.filter(task__due_on__lt=today)
    return rows.order_by("task__due_on", "pk")


def my_counts(member_id: int | None, today: date | None = None) -> dict[str, int]:
    """How many of a member's rows are to do, due soon, overdue and done (one query)."""
    today = today or timezone.localdate()
    open_ = ~Q(state=DONE)
    soon = Q(task__due_on__gte=today, task__due_on__lt=today + timedelta(days=rules.DUE_SOON_DAYS))
    return Assignment.objects.filter(member_id=member_id).aggregate(
        todo=Count("pk", filter=open_),
        due_soon=Count("pk", filter=open_ & soon),
        overdue=Count("pk", filter=open_ & Q(task__due_on__lt=today)),
        done=Count("pk", filter=Q(state=DONE)),
    )


def my_assignment_queryset(scope: Scope) -> QuerySet[Assignment]:
    """The rows a member opens: their own."""
    return Assignment.objects.filter(member_id=scope.member_id).select_related(
        "task", "task__organisation", "task__meeting"
    )


# --- The yearly record -----------------------------------------------------------------------------------------------


@dataclass
class StudyRecord:
    member: Member
    year: int
    tasks: list[Assignment]
    hours: Decimal
    meetings: list[Attendance]
    years: list[int]


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def study_record(member: Member, year: int) -> StudyRecord:
    """A member's year: the tasks completed in it with their study hours, the total, and the meetings attended
    (four queries)."""
    start, end = _year_bounds(year)
    tasks = list(
        Assignment.objects.filter(member=member, state=DONE, completed_at__gte=start, completed_at__lt=end)
        .select_related("task", "task__organisation")
        .order_by("completed_at", "pk")
    )
    hours = sum((row.task.hours for row in tasks), Decimal(0))
    meetings = list(
        meeting_selectors.attendance_history_for(member).filter(
            state="present", meeting__starts_at__gte=start, meeting__starts_at__lt=end
        )
    )
    years = sorted(
        {day.year for day in Assignment.objects.filter(member=member, state=DONE).dates("completed_at", "year")}
        | {year},
        reverse=True,
    )
    return StudyRecord(member, year, tasks, hours, meetings[::-1], years)


def hours_for_year(member_id: int, year: int) -> Decimal:
    """A member's study hours in a year (one query)."""
    start, end = _year_bounds(year)
    total = Assignment.objects.filter(
        member_id=member_id, state=DONE, completed_at__gte=start, completed_at__lt=end
    ).aggregate(hours=Sum("task__hours"))["hours"]
    return total or Decimal(0)


def branch_panel(organisation: Organisation, scope: Scope) -> dict | None:
    """The branch page's study panel (composed by the branch page's view): the branch's open tasks with their
    completion figures, for those who read the branch (one query)."""
    if organisation.level != Level.BRANCH or not scope.may_read_organisation(organisation):
        return None
    tasks = branch_open_tasks(organisation, timezone.localdate())
    for task in tasks:
        task.rate = rules.completion_rate(task.done, task.total)
    return {
        "organisation": organisation,
        "tasks": tasks,
        "may_assign": scope.may_assign_task(organisation),
    }

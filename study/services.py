"""Every write of study tasks: assign (resolving the target in one bulk write), edit, complete, reflections and
their return, and the hooks that complete tasks by meeting and give joiners their open tasks."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.dates import date_range_problems
from branches.errors import DomainError, NotPermitted
from branches.models import Organisation
from meetings import services as meeting_services
from meetings.models import AttendanceState, Meeting, MeetingStatus
from members.access import Scope
from members.models import Member, Status

from . import rules, selectors
from .models import Assignment, AssignmentState, Completion, StudyFile, StudyTask, TargetKind
from .richtext import content_clean

#: A task holds at most this many files.
MAX_FILES = 5
#: Fields a form sets directly on a task.
TASK_FIELDS = ("title", "starts_on", "due_on", "hours", "completion", "min_length", "target_kind", "meeting")


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted


def _check(data: dict, organisation: Organisation, by: Scope) -> dict:
    """The task's fields as stored, after the rules; a DomainError at the first broken one."""
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError(_("请填写标题。"), field="title")
    for field, message in date_range_problems(data, rules.STUDY_DATE_RANGES).items():
        raise DomainError(message, field=field)
    if not data.get("starts_on") or not data.get("due_on"):
        raise DomainError(_("请填写开始日期和截止日期。"), field="due_on")
    problem = rules.dates_problem(data["starts_on"], data["due_on"])
    if problem:
        raise DomainError(problem, field="due_on")
    try:
        hours = Decimal(str(data.get("hours") or 0))
    except InvalidOperation as exc:
        raise DomainError(_("学时应为数字。"), field="hours") from exc
    if not Decimal(0) <= hours <= rules.MAX_HOURS:
        raise DomainError(_("学时应在0到%(max)s之间。") % {"max": rules.MAX_HOURS}, field="hours")
    completion = data.get("completion") or Completion.READ
    if completion not in Completion.values:
        raise DomainError(_("请选择完成方式。"), field="completion")
    min_length = int(data.get("min_length") or 0)
    if not 0 <= min_length <= rules.MAX_MIN_LENGTH:
        raise DomainError(_("字数要求应在0到%(max)d之间。") % {"max": rules.MAX_MIN_LENGTH}, field="min_length")
    meeting = data.get("meeting")
    if completion == Completion.MEETING and meeting is None:
        raise DomainError(_("“参加关联会议”的任务请选择关联会议。"), field="meeting")
    if meeting is not None:
        held_by = meeting.organisation.path
        # A meeting of the organisation, of a unit below it, or of a committee above it (its 书记's 党课).
        if meeting.is_deleted or not (held_by.startswith(organisation.path) or organisation.path.startswith(held_by)):
            raise DomainError(_("关联会议不在本组织范围内。"), field="meeting")
    kind = data.get("target_kind") or TargetKind.ORGANISATION
    if kind not in TargetKind.values:
        raise DomainError(_("请选择学习对象。"), field="target_kind")
    statuses = [s for s in data.get("target_statuses") or [] if s in Status.values]
    return {
        "title": title[:200],
        "content": content_clean(data.get("content") or ""),
        "starts_on": data["starts_on"],
        "due_on": data["due_on"],
        "hours": hours,
        "completion": completion,
        "min_length": min_length if completion == Completion.REFLECTION else 0,
        "meeting": meeting,
        "target_kind": kind,
        "target_statuses": statuses if kind == TargetKind.ORGANISATION else [],
    }


def _chosen(organisation: Organisation, kind: str, members: Iterable[Member]) -> list[int]:
    """The chosen members' ids, each inside the organisation; none chosen for a chosen-members target: refused."""
    if kind != TargetKind.MEMBERS:
        return []
    ids = sorted({member.pk for member in members})
    inside = set(
        selectors.targeted_members(organisation=organisation, kind=kind, member_ids=ids).values_list("pk", flat=True)
    )
    if set(ids) - inside:
        raise DomainError(_("所选党员不在本组织范围内。"), field="target_members")
    return ids


def _check_files(files: Iterable, already: int = 0) -> list:
    files = [f for f in files or [] if f]
    if len(files) + already > MAX_FILES:
        raise DomainError(_("每个学习任务最多上传%(n)d个文件。") % {"n": MAX_FILES}, field="files")
    return [meeting_services.attachment_check(upload) for upload in files]


def _store_files(task: StudyTask, checked: list) -> None:
    for item in checked:
        row = StudyFile(task=task, original_name=item.original_name, size=item.size, content_type=item.content_type)
        row.file.save(item.content.name, item.content, save=False)
        row.save()


def _resolve(task: StudyTask, member_ids: list[int]) -> int:
    """Give every targeted person their row, in one bulk write (those who have one keep it); returns how many are
    targeted."""
    ids = list(
        selectors.targeted_members(
            organisation=task.organisation,
            kind=task.target_kind,
            statuses=task.target_statuses,
            member_ids=member_ids,
        ).values_list("pk", flat=True)
    )
    if not ids:
        raise DomainError(_("学习对象中没有党员，请重新选择。"), field="target_kind")
    Assignment.objects.bulk_create(
        [Assignment(task=task, member_id=pk) for pk in ids], ignore_conflicts=True, batch_size=2000
    )
    return len(ids)


def _complete_present(task: StudyTask) -> int:
    """A task completed by attending its meeting: the rows of members present at it, once it is finalised."""
    meeting = task.meeting
    if task.completion != Completion.MEETING or meeting is None or meeting.status != MeetingStatus.FINALISED:
        return 0
    present = meeting.attendances.filter(state=AttendanceState.PRESENT).values("member_id")
    when = meeting.finalised_at or timezone.now()
    return (
        Assignment.objects.filter(task=task, member_id__in=present)
        .exclude(state=AssignmentState.DONE)
        .update(state=AssignmentState.DONE, completed_via=Completion.MEETING, completed_at=when)
    )


@transaction.atomic
def task_assign(
    *,
    organisation: Organisation,
    data: dict,
    by: Scope,
    target_members: Iterable[Member] = (),
    files: Iterable = (),
) -> StudyTask:
    """Assign (publish) a task: check it, store its files, and resolve its target into one row per person."""
    _require(by.may_assign_task(organisation))
    fields = _check(data, organisation, by)
    member_ids = _chosen(organisation, fields["target_kind"], target_members)
    checked = _check_files(files)
    task = StudyTask.objects.create(organisation=organisation, created_by_id=by.user_id, **fields)
    if member_ids:
        task.target_members.set(member_ids)
    _resolve(task, member_ids)
    _store_files(task, checked)
    _complete_present(task)
    return task


@transaction.atomic
def task_update(
    *,
    task: StudyTask,
    data: dict,
    version: int,
    by: Scope,
    target_members: Iterable[Member] = (),
    files: Iterable = (),
) -> StudyTask:
    """Edit a task; its target is resolved again (newcomers get a row, untouched rows of those no longer targeted
    go). Once someone completed it, what completion means does not change."""
    _require(by.may_edit_task(task))
    locked = StudyTask.objects.select_for_update().filter(pk=task.pk).values_list("version", flat=True).first()
    if locked is None or locked != version:
        raise DomainError(_("该学习任务已被他人修改，您的修改未保存。请刷新页面后重新填写。"))
    fields = _check(data, task.organisation, by)
    completed = task.assignments.filter(state=AssignmentState.DONE).count()
    problem = rules.completion_change_problem(
        completed=completed,
        before=(task.completion, task.min_length, task.meeting_id),
        after=(fields["completion"], fields["min_length"], getattr(fields["meeting"], "pk", None)),
    )
    if problem:
        raise DomainError(problem, field="completion")
    member_ids = _chosen(task.organisation, fields["target_kind"], target_members)
    checked = _check_files(files, already=task.files.count())
    for key, value in fields.items():
        setattr(task, key, value)
    task.version = version + 1
    task.save()
    task.target_members.set(member_ids)
    _resolve(task, member_ids)
    wanted = selectors.targeted_members(
        organisation=task.organisation, kind=task.target_kind, statuses=task.target_statuses, member_ids=member_ids
    ).values("pk")
    task.assignments.filter(state=AssignmentState.TODO, reflection="").exclude(member_id__in=wanted).delete()
    _store_files(task, checked)
    _complete_present(task)
    return task


def _open_assignment(assignment: Assignment, by: Scope) -> Assignment:
    _require(by.may_complete_assignment(assignment))
    row = Assignment.objects.select_for_update().select_related("task").get(pk=assignment.pk)
    return row


@transaction.atomic
def assignment_confirm(*, assignment: Assignment, by: Scope) -> Assignment:
    """Read and confirm: one tap completes a reading task (no timer, no photo, no check-in)."""
    row = _open_assignment(assignment, by)
    if row.task.completion != Completion.READ:
        raise DomainError(_("该任务不是阅读确认类任务。"))
    if row.state != AssignmentState.DONE:
        row.state, row.completed_via, row.completed_at = AssignmentState.DONE, Completion.READ, timezone.now()
        row.save(update_fields=["state", "completed_via", "completed_at", "updated_at"])
    return row


@transaction.atomic
def reflection_save(*, assignment: Assignment, text: str, submit: bool, by: Scope) -> Assignment:
    """Save a reflection (心得体会) as a draft, or submit it, which completes the task; a submitted one is changed
    only after it is returned."""
    row = _open_assignment(assignment, by)
    if row.task.completion != Completion.REFLECTION:
        raise DomainError(_("该任务不需要提交心得体会。"))
    if row.state == AssignmentState.DONE:
        raise DomainError(_("心得体会已提交；退回后才能修改。"))
    text = (text or "").strip()
    if len(text) > rules.MAX_REFLECTION_LENGTH:
        raise DomainError(rules.reflection_problem(text, 0), field="reflection")
    if submit:
        problem = rules.reflection_problem(text, row.task.min_length)
        if problem:
            raise DomainError(problem, field="reflection")
        row.state, row.completed_via, row.completed_at = AssignmentState.DONE, Completion.REFLECTION, timezone.now()
    elif row.state != AssignmentState.RETURNED:
        row.state = AssignmentState.DRAFT
    row.reflection = text
    row.save()
    return row


@transaction.atomic
def reflection_return(*, assignment: Assignment, comment: str, by: Scope) -> Assignment:
    """Return a submitted reflection with a comment; the member revises and submits it again."""
    _require(by.may_return_reflection(assignment))
    row = Assignment.objects.select_for_update().select_related("task").get(pk=assignment.pk)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("请填写退回意见。"), field="comment")
    if row.task.completion != Completion.REFLECTION or row.state != AssignmentState.DONE:
        raise DomainError(_("只能退回已提交的心得体会。"))
    row.state, row.completed_at, row.completed_via = AssignmentState.RETURNED, None, ""
    row.return_comment, row.returned_at, row.returned_by_id = comment[:2000], timezone.now(), by.user_id
    row.save()
    return row


# --- Hooks the apps below call -------------------------------------------------------------------------------------


def tasks_complete_by_meeting(meeting: Meeting, event: str = "") -> None:
    """`meeting_changed_hooks`: a meeting finalised with members present completes their rows of the tasks
    linked to it (those done already stay as they are)."""
    if event != "finalised":
        return
    for task in StudyTask.objects.filter(meeting=meeting, completion=Completion.MEETING).select_related("meeting"):
        _complete_present(task)


def assignments_for_joiner(member: Member, before: set[int]) -> None:
    """`member_changed_hooks`: a member new to a target group (a new record, a transfer in, a new status) receives
    the open tasks of that group; a row once given is never given twice."""
    if member.is_deleted or member.organisation_id is None:
        return
    tasks = selectors.tasks_open_for(member, timezone.localdate())
    Assignment.objects.bulk_create([Assignment(task=task, member=member) for task in tasks], ignore_conflicts=True)

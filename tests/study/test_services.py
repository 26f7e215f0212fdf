"""Study-task services: targets resolved, late joiners, completion by meeting, reflections, bad input."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from branches.errors import DomainError, NotPermitted
from meetings import services as meeting_services
from members import services as member_services
from members.access import SYSTEM, scope_for
from members.models import Status
from notifications import services as notification_services
from notifications.models import Notice, NoticeKind
from study import services
from study.models import Assignment, AssignmentState, StudyTask
from tests.factories import MemberFactory, make_id_number, make_meeting

from .helpers import assign, task_data

pytestmark = pytest.mark.django_db


def _people(task) -> set[str]:
    return set(task.assignments.values_list("member__name", flat=True))


def test_organisation_target_resolved_into_one_row_per_member(world):
    """A branch target: its 预备党员 and 正式党员, one row each, written when the task is published."""
    task = assign(world.branch_a, by=scope_for(world.secretary_a))
    assert _people(task) == {"张书记", "王党员", "预备党员甲"}
    assert task.assignments.filter(state=AssignmentState.TODO).count() == 3


def test_subtree_group_status_and_chosen_targets(world):
    """A subtree reaches every branch below; a 党小组 its members; a status its holders; chosen members only
    them."""
    assert _people(assign(world.root)) >= {"张书记", "王党员", "李书记", "赵党员"}
    assert _people(assign(world.group_a1)) == {"王党员"}
    assert _people(assign(world.branch_a, target_statuses=[Status.PROBATIONARY])) == {"预备党员甲"}
    chosen = assign(world.branch_a, target_kind="members", members=[world.member_a])
    assert _people(chosen) == {"王党员"}


def test_secretary_and_reviewer_assign_within_their_scope(world):
    """A secretary assigns for their branch, a reviewer for their subtree; outside it, NotPermitted."""
    assign(world.group_a1, by=scope_for(world.secretary_a))
    assign(world.p1, by=scope_for(world.reviewer))
    with pytest.raises(NotPermitted):
        assign(world.branch_b, by=scope_for(world.secretary_a))
    with pytest.raises(NotPermitted):
        assign(world.branch_a, by=scope_for(world.member_user))
    assert StudyTask.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_on": timezone.localdate() - timedelta(days=4)}, "due_on"),  # before the start
        ({"title": "  "}, "title"),
        ({"target_statuses": [Status.APPLICANT]}, "target_kind"),  # empty target
        ({"completion": "meeting"}, "meeting"),  # no meeting linked
        ({"hours": "100"}, "hours"),
    ],
)
def test_bad_input_changes_nothing(world, changes, field):
    """A due date before the start, an empty target, a missing meeting, too many hours: a message, nothing
    written."""
    with pytest.raises(DomainError) as refused:
        assign(world.branch_a, **changes)
    assert refused.value.field == field
    assert not StudyTask.objects.exists() and not Assignment.objects.exists()


def test_chosen_member_outside_the_target_is_refused(world):
    """Chosen members must belong to the organisation the task is assigned for."""
    with pytest.raises(DomainError, match="不在本组织范围内"):
        assign(world.branch_a, target_kind="members", members=[world.member_b])
    assert not StudyTask.objects.exists()


def test_file_of_wrong_type_is_refused(world):
    """A file is checked by its content: a script named .pdf is refused, a PDF kept."""
    fake = SimpleUploadedFile("a.pdf", b"#!/bin/sh\necho", content_type="application/pdf")
    with pytest.raises(DomainError, match="文件内容与扩展名不符"):
        assign(world.branch_a, files=[fake])
    assert not StudyTask.objects.exists()
    task = assign(world.branch_a, files=[SimpleUploadedFile("学习材料.pdf", b"%PDF-1.4 x")])
    assert task.files.get().original_name == "学习材料.pdf"


def test_content_is_sanitised(world):
    """Only safe formatting and http/https/mailto links are kept."""
    task = assign(
        world.branch_a,
        content='<p onclick="x">读<script>alert(1)</script><a href="javascript:x">坏</a>'
        '<a href="https://www.12371.cn">好</a></p>',
    )
    assert "script" not in task.content and "onclick" not in task.content and "javascript" not in task.content
    assert 'href="https://www.12371.cn"' in task.content


def test_late_joiner_receives_the_open_tasks_of_their_group(world):
    """A new member, or one transferred in, receives the group's open tasks (once); a past task is not given."""
    open_task = assign(world.branch_a)
    past = assign(
        world.branch_a,
        starts_on=timezone.localdate() - timedelta(days=40),
        due_on=timezone.localdate() - timedelta(days=10),
    )
    data = {
        "name": "新党员",
        "gender": "male",
        "birth_date": date(1985, 6, 15),
        "organisation": world.branch_a,
        "status": Status.FULL,
        "joined_on": date(2015, 7, 1),
        "confirmed_on": date(2016, 7, 1),
    }
    newcomer = member_services.member_create(data=data, id_number=make_id_number(), by=SYSTEM)
    assert set(Assignment.objects.filter(member=newcomer).values_list("task_id", flat=True)) == {open_task.pk}
    # Transferred in from branch B: B's open task stays; A's arrives; saving again adds nothing.
    b_task = assign(world.branch_b)
    moved = world.member_b
    member_services.member_update(member=moved, data={"organisation": world.branch_a}, version=moved.version, by=SYSTEM)
    moved.refresh_from_db()
    member_services.member_update(member=moved, data={"position": "干事"}, version=moved.version, by=SYSTEM)
    assert set(Assignment.objects.filter(member=moved).values_list("task_id", flat=True)) == {open_task.pk, b_task.pk}
    assert not past.assignments.filter(member__in=[newcomer, moved]).exists()


def test_status_change_gives_the_tasks_of_the_new_status(world):
    """A member made 入党积极分子 receives the open tasks for 入党积极分子."""
    MemberFactory(organisation=world.branch_a, status=Status.ACTIVIST, joined_on=None, confirmed_on=None)
    person = MemberFactory(organisation=world.branch_a, status=Status.APPLICANT, joined_on=None, confirmed_on=None)
    activist_task = assign(world.branch_a, target_statuses=[Status.ACTIVIST])
    assert not activist_task.assignments.filter(member=person).exists()
    member_services.member_update(member=person, data={"status": Status.ACTIVIST}, version=person.version, by=SYSTEM)
    assert activist_task.assignments.filter(member=person).exists()


def test_finalised_meeting_completes_the_linked_task_for_those_present(world):
    """A meeting finalised with a member present completes their row; an absent member's stays to do."""
    meeting = make_meeting(
        world.branch_a, status="held", attendees=[world.member_a, world.secretary_a_member], present=[world.member_a]
    )
    task = assign(world.branch_a, completion="meeting", meeting=meeting)
    assert not task.assignments.filter(state=AssignmentState.DONE).exists()
    meeting_services.meeting_finalise(meeting=meeting, by=SYSTEM, without_quorum_reason="测试")
    done = task.assignments.get(member=world.member_a)
    assert done.state == AssignmentState.DONE and done.completed_via == "meeting"
    assert task.assignments.get(member=world.secretary_a_member).state == AssignmentState.TODO


def test_task_linked_to_a_past_finalised_meeting_is_completed_at_once(world):
    """A task linked to a 党课 already finalised is done for those who were present when it is published."""
    meeting = make_meeting(world.branch_a, ["party_lecture"], attendees=[world.member_a], present=[world.member_a])
    task = assign(world.branch_a, completion="meeting", meeting=meeting)
    assert task.assignments.get(member=world.member_a).is_done


def test_read_and_confirm_is_one_call_and_own_only(world):
    """Read and confirm completes the task at once; nobody completes someone else's task."""
    task = assign(world.branch_a)
    row = task.assignments.get(member=world.member_a)
    with pytest.raises(NotPermitted):
        services.assignment_confirm(assignment=row, by=scope_for(world.secretary_a))
    services.assignment_confirm(assignment=row, by=scope_for(world.member_user))
    row.refresh_from_db()
    assert row.is_done and row.completed_at is not None


def test_reflection_draft_submit_return_revise(world):
    """A reflection is saved as a draft, submitted (done), returned with a comment, revised and submitted again."""
    task = assign(world.branch_a, completion="reflection", min_length=10)
    row = task.assignments.get(member=world.member_a)
    me = scope_for(world.member_user)
    services.reflection_save(assignment=row, text="草稿", submit=False, by=me)
    row.refresh_from_db()
    assert row.state == AssignmentState.DRAFT and row.reflection == "草稿"
    with pytest.raises(DomainError, match="至少10字"):
        services.reflection_save(assignment=row, text="太短了", submit=True, by=me)
    row.refresh_from_db()
    assert row.state == AssignmentState.DRAFT and row.reflection == "草稿"
    services.reflection_save(assignment=row, text="通过学习，我深刻认识到理论武装的重要性。", submit=True, by=me)
    row.refresh_from_db()
    assert row.is_done
    with pytest.raises(NotPermitted):
        services.reflection_return(assignment=row, comment="再深入些", by=scope_for(world.secretary_b))
    services.reflection_return(assignment=row, comment="请结合工作实际", by=scope_for(world.secretary_a))
    row.refresh_from_db()
    assert row.state == AssignmentState.RETURNED and row.return_comment == "请结合工作实际" and not row.completed_at
    services.reflection_save(assignment=row, text="结合工作实际，" + row.reflection, submit=True, by=me)
    row.refresh_from_db()
    assert row.is_done


def test_completion_meaning_does_not_change_after_someone_completed(world):
    """Editing the completion of a task someone completed is refused, nothing changed; the title may change."""
    task = assign(world.branch_a)
    services.assignment_confirm(assignment=task.assignments.get(member=world.member_a), by=scope_for(world.member_user))
    with pytest.raises(DomainError, match="不能再修改完成方式"):
        services.task_update(task=task, data=task_data(completion="reflection"), version=task.version, by=SYSTEM)
    task.refresh_from_db()
    assert task.completion == "read" and task.version == 1
    services.task_update(task=task, data=task_data(title="新标题"), version=task.version, by=SYSTEM)
    task.refresh_from_db()
    assert task.title == "新标题"


def test_reminder_once_per_task_and_person(world):
    """Reminders go to those behind only, once per task and person, however many times the button is pressed."""
    task = assign(world.branch_a)
    services.assignment_confirm(assignment=task.assignments.get(member=world.member_a), by=scope_for(world.member_user))
    by = scope_for(world.secretary_a)
    assert notification_services.study_reminders_create(task=task, by=by) == 2
    assert notification_services.study_reminders_create(task=task, by=by) == 0
    reminders = Notice.objects.filter(kind=NoticeKind.STUDY_TASK_REMINDER)
    assert reminders.count() == 2 and not reminders.filter(member=world.member_a).exists()
    with pytest.raises(NotPermitted):
        notification_services.study_reminders_create(task=task, by=scope_for(world.secretary_b))

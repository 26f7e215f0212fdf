"""`seed_demo`'s study tasks: for `member` one to read, one needing a reflection, one overdue, one completed by a
past 党课, a returned reflection; two years of history; built once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from study import rules
from study.models import Assignment, AssignmentState, StudyTask

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _mine():
    return Assignment.objects.filter(member__user__username="member").select_related("task")


def test_member_has_each_kind_of_task(demo):
    """`member` has a task to read, a reflection due soon, an overdue task, one completed by a 党课 and a
    returned reflection."""
    today = timezone.localdate()
    rows = list(_mine().exclude(task__due_on__lt=today - timezone.timedelta(days=40)))
    states = {
        rules.due_state(done=r.is_done, starts_on=r.task.starts_on, due_on=r.task.due_on, today=today) for r in rows
    }
    assert {"todo", "due_soon", "overdue"} <= states
    assert _mine().filter(completed_via="meeting", state=AssignmentState.DONE).exists()
    assert _mine().filter(state=AssignmentState.RETURNED).exclude(return_comment="").exists()


def test_history_over_two_years_and_built_once(demo):
    """Monthly tasks over two years, most completed; seeding again adds nothing."""
    today = timezone.localdate()
    assert StudyTask.objects.filter(starts_on__lt=today.replace(day=1) - timezone.timedelta(days=600)).exists()
    assert _mine().filter(state=AssignmentState.DONE).count() >= 15
    before = (StudyTask.objects.count(), Assignment.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (StudyTask.objects.count(), Assignment.objects.count()) == before
    assert "演示学习任务已存在，未作改动。" in out.getvalue()

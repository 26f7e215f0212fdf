"""Study-task reminders (学习任务提醒): once per task and person, whatever the number of clicks or retries."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from branches.errors import NotPermitted
from members.access import Scope
from study import selectors as study_selectors
from study.models import StudyTask

from .channels import active_channels, reaching_channels
from .models import Notice, NoticeKind, NoticeStatus


def study_reminder_key(task_id: int, member_id: int) -> str:
    """Unique key of a study-task reminder: one per task and person, ever."""
    return f"study_task:{task_id}|member:{member_id}|reminder"


@transaction.atomic
def study_reminders_create(*, task: StudyTask, by: Scope) -> int:
    """Remind those behind on a task (among the members `by` reads) through the notices the sweep sends; someone
    reminded before is not reminded again. Returns how many new reminders were written."""
    if not by.may_review_completion(task):
        raise NotPermitted
    now = timezone.now()
    behind = study_selectors.completion_rows(task, by, state="behind").select_related("member__user")
    channels = active_channels()
    wanted = []
    for row in behind:
        person = row.member
        notice = Notice(
            key=study_reminder_key(task.pk, person.pk),
            kind=NoticeKind.STUDY_TASK_REMINDER,
            user=person.user,
            member=person,
            organisation_id=task.organisation_id,
            title=_("学习任务提醒：%(title)s") % {"title": task.title},
            body=_("学习任务“%(title)s”将于%(due)s截止，请及时完成。")
            % {"title": task.title, "due": date_format(task.due_on, "Y年n月j日")},
            link=row.get_absolute_url(),
            due_at=now,
        )
        if not reaching_channels(notice, channels):
            notice.status, notice.note = NoticeStatus.UNREACHABLE, _("无法送达：无登录账号和邮箱")
        wanted.append(notice)
    keys = [notice.key for notice in wanted]
    existing = set(Notice.objects.filter(key__in=keys).values_list("key", flat=True))
    Notice.objects.bulk_create([n for n in wanted if n.key not in existing], ignore_conflicts=True)
    return len(set(keys) - existing)

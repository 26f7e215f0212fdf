"""The member's home ("my obligations"): what they owe, gathered from the apps below in a bounded number of
queries, and the one next thing to do."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from dues import selectors as dues_selectors
from evaluations import selectors as evaluation_selectors
from meetings import selectors as meeting_selectors
from members.access import Scope
from members.models import Member
from notifications import selectors as notice_selectors
from study import rules as study_rules
from study import selectors as study_selectors

#: How many of each kind the home shows (the rest are a tap away).
SHOWN = 5
#: A meeting this close is the next thing before any task not overdue.
MEETING_SOON = timedelta(hours=48)


@dataclass
class NextThing:
    kind: str  # task, meeting, notice
    title: str
    detail: str
    link: str
    urgency: str = ""  # overdue, due_soon, or empty


@dataclass
class Obligations:
    tasks: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    meetings: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    unread: int = 0
    next: NextThing | None = None
    #: This month's dues (dues.selectors.member_dues_status); None for someone who owes none.
    dues: object | None = None
    #: The member's part in their branch's open appraisal (evaluations.selectors.member_appraisal).
    appraisal: object | None = None


def next_thing(tasks: list, meetings: list, notices: list, today: date, now: datetime) -> NextThing | None:
    """The one next thing: an overdue task, then a meeting within 48 hours, then the task due soonest, then the next
    meeting, then an unread notice."""
    task = tasks[0] if tasks else None
    meeting = meetings[0] if meetings else None
    if task is not None and task.due == study_rules.DueState.OVERDUE:
        return _task_next(task)
    if meeting is not None and meeting.starts_at - now <= MEETING_SOON:
        return _meeting_next(meeting)
    if task is not None:
        return _task_next(task)
    if meeting is not None:
        return _meeting_next(meeting)
    if notices:
        notice = notices[0]
        return NextThing("notice", notice.title, notice.body[:80], notice.link or "")
    return None


def _task_next(row) -> NextThing:
    return NextThing(
        "task",
        row.task.title,
        _("截止日期：%(date)s") % {"date": row.task.due_on.strftime("%Y-%m-%d")},
        row.get_absolute_url(),
        row.due if row.due in (study_rules.DueState.OVERDUE, study_rules.DueState.DUE_SOON) else "",
    )


def _meeting_next(meeting) -> NextThing:
    local = timezone.localtime(meeting.starts_at)
    return NextThing(
        "meeting",
        meeting.topic,
        f"{local:%Y-%m-%d %H:%M} {meeting.place}".strip(),
        meeting.get_absolute_url(),
    )


def obligations_for(scope: Scope, user, *, now: datetime | None = None) -> Obligations:
    """A member's tasks to do, upcoming meetings (time and place), unread notices and the next thing (seven queries,
    whatever the number of each)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    found = Obligations()
    if scope.member_id is not None:
        tasks = list(study_selectors.my_assignments(scope.member_id, show="todo", today=today)[:SHOWN])
        for row in tasks:
            row.due = study_rules.due_state(
                done=False, starts_on=row.task.starts_on, due_on=row.task.due_on, today=today
            )
        found.tasks = tasks
        found.counts = study_selectors.my_counts(scope.member_id, today)
        found.meetings = list(meeting_selectors.meetings_upcoming_for(Member(pk=scope.member_id), now)[:SHOWN])
        found.dues = dues_selectors.member_dues_status(Member(pk=scope.member_id), today)
        found.appraisal = evaluation_selectors.member_appraisal(scope)
    unread = notice_selectors.notices_for(user).filter(read_at__isnull=True)
    found.notices = list(unread[:SHOWN])
    found.unread = len(found.notices) if len(found.notices) < SHOWN else unread.count()
    found.next = next_thing(found.tasks, found.meetings, found.notices, today, now)
    return found

"""The demo's study tasks: two years of monthly tasks for the secretary's branch (most completed), and for the
`member` login one to read, one needing a reflection, one overdue, one completed by a past 党课 and a returned
reflection. Built once; loading again changes nothing."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Organisation
from meetings.models import AttendanceState, Meeting, MeetingStatus, MeetingType
from members.access import SYSTEM, scope_for
from members.models import Member
from study import services as study_services
from study.models import Assignment, AssignmentState, Completion, StudyTask

from .tree import ROOT_CODE, SECRETARY_BRANCH

TOPICS = (
    "学习党的二十大报告",
    "学习《中国共产党章程》",
    "学习《中国共产党支部工作条例（试行）》",
    "学习习近平新时代中国特色社会主义思想专题摘编",
    "学习《中国共产党纪律处分条例》",
    "学习党史：新民主主义革命时期",
)
CONTENT = '<p>请认真学习原文，重点领会其中的精神实质。</p><p>原文见 <a href="https://www.12371.cn">共产党员网</a>。</p>'


def _data(title: str, starts_on: date, due_on: date, completion: str = Completion.READ, **extra) -> dict:
    return {
        "title": title,
        "content": CONTENT,
        "starts_on": starts_on,
        "due_on": due_on,
        "hours": extra.pop("hours", 2),
        "completion": completion,
        "min_length": extra.pop("min_length", 0),
        "target_kind": "organisation",
        "target_statuses": [],
        "meeting": extra.pop("meeting", None),
    }


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(20, 0)))


def study_load(*, today: date, write: Callable[[str], None]) -> None:
    """Write the demo's study tasks unless the demo organisation already has some."""
    root = Organisation.objects.filter(code=ROOT_CODE).first()
    branch = Organisation.objects.filter(code=SECRETARY_BRANCH).first()
    users = get_user_model().objects
    member_user = users.filter(username="member").first()
    secretary_user = users.filter(username="secretary").first()
    if root is None or branch is None or member_user is None:
        return
    if StudyTask.objects.filter(organisation__path__startswith=root.path).exists():
        write(_("演示学习任务已存在，未作改动。"))
        return
    with transaction.atomic():
        history = _history(branch, today)
        _member_tasks(branch, today, member_user, secretary_user)
    write(_("已创建演示学习任务：近两年 %(n)d 项历史任务，以及 member 的待办任务。") % {"n": history})


def _history(branch: Organisation, today: date) -> int:
    """One task a month over the two demo years; four in five members completed each, before its due day."""
    count = 0
    for months_back in range(24, 0, -1):
        starts_on = date(today.year, today.month, 1)
        for _step in range(months_back):
            starts_on = (starts_on - timedelta(days=1)).replace(day=1)
        due_on = starts_on + timedelta(days=25)
        completion = Completion.REFLECTION if months_back % 3 == 0 else Completion.READ
        task = study_services.task_assign(
            organisation=branch,
            data=_data(f"{TOPICS[months_back % len(TOPICS)]}（{starts_on:%Y年%m月}）", starts_on, due_on, completion),
            by=SYSTEM,
        )
        rows = list(task.assignments.order_by("member_id").values_list("pk", flat=True))
        done = [pk for index, pk in enumerate(rows) if index % 5 != 4]
        Assignment.objects.filter(pk__in=done).update(
            state=AssignmentState.DONE,
            completed_via=completion,
            completed_at=_moment(due_on - timedelta(days=3)),
            reflection="通过本次学习，我进一步坚定了理想信念，将在工作中践行所学。"
            if completion == "reflection"
            else "",
        )
        count += 1
    return count


def _member_tasks(branch: Organisation, today: date, member_user, secretary_user) -> None:
    member = Member.objects.get(user=member_user)
    me = scope_for(member_user)
    study_services.task_assign(
        organisation=branch,
        data=_data(
            "学习《关于新时代加强和改进思想政治工作的意见》", today - timedelta(days=2), today + timedelta(days=20)
        ),
        by=SYSTEM,
    )
    study_services.task_assign(
        organisation=branch,
        data=_data(
            "撰写学习贯彻党的创新理论心得体会",
            today - timedelta(days=10),
            today + timedelta(days=5),
            Completion.REFLECTION,
            min_length=100,
            hours=4,
        ),
        by=SYSTEM,
    )
    study_services.task_assign(
        organisation=branch,
        data=_data("学习《中国共产党党员教育管理工作条例》", today - timedelta(days=30), today - timedelta(days=3)),
        by=SYSTEM,
    )
    lecture = (
        Meeting.objects.filter(
            organisation=branch,
            status=MeetingStatus.FINALISED,
            type_links__type=MeetingType.PARTY_LECTURE,
            attendances__member=member,
            attendances__state=AttendanceState.PRESENT,
            starts_at__date__gte=today - timedelta(days=365 * 2 - 40),
        )
        .order_by("-starts_at")
        .first()
    )
    if lecture is not None:
        day = timezone.localdate(lecture.starts_at)
        study_services.task_assign(
            organisation=branch,
            data=_data(
                f"参加党课：{lecture.lecture_title or lecture.topic}",
                day - timedelta(days=7),
                day + timedelta(days=7),
                Completion.MEETING,
                meeting=lecture,
            ),
            by=SYSTEM,
        )
    returned = study_services.task_assign(
        organisation=branch,
        data=_data(
            "学习全国两会精神心得体会", today - timedelta(days=20), today + timedelta(days=10), Completion.REFLECTION
        ),
        by=SYSTEM,
    )
    row = returned.assignments.get(member=member)
    study_services.reflection_save(assignment=row, text="两会精神很重要，要认真学习。", submit=True, by=me)
    reviewer = scope_for(secretary_user) if secretary_user is not None else SYSTEM
    study_services.reflection_return(assignment=row, comment="请结合本职工作谈谈具体打算，再补充一些。", by=reviewer)

"""The demo's reminders (seed_demo loads them after the meetings): planned through the services, built once."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Level
from meetings.models import Meeting, MeetingStatus, MeetingType
from meetings.services import meeting_plan
from members.access import SYSTEM
from members.models import Member
from notifications import services
from notifications.models import Notice, NoticeKind

#: The demo's own 主题党日 for the member login's branch; its presence marks the demo reminders as loaded.
TOPIC = "主题党日：重温入党誓词，学习党章党规"


def next_demo_start(now: datetime) -> datetime:
    """The first 14:30 (local time) more than 24 hours ahead, so its 24-hour reminder is written and still unsent."""
    local = timezone.localtime(now)
    start = local.replace(hour=14, minute=30, second=0, microsecond=0)
    while start - timedelta(hours=24) <= local:
        start += timedelta(days=1)
    return start


def reminders_load(*, now: datetime, write: Callable[[str], None]) -> None:
    """Plan reminders for the demo's upcoming meetings and deliver those due, unless the demo meeting exists."""
    member = Member.objects.filter(user__username="member").select_related("organisation").first()
    secretary = Member.objects.filter(user__username="secretary").select_related("user").first()
    if member is None or secretary is None:
        write(_("演示组织不存在，请先运行 seed_demo。"))
        return
    branch = member.organisation
    if branch.level == Level.PARTY_GROUP:
        branch = branch.get_parent()
    if Meeting.all_objects.filter(organisation=branch, topic=TOPIC).exists():
        write(_("演示提醒已存在，未作改动。"))
        return
    with transaction.atomic():
        # Meetings meeting_history.py wrote directly never ran the reminder hook: bring them in line now.
        root_path = branch.path[: branch.steplen]
        upcoming = Meeting.objects.filter(
            status=MeetingStatus.PLANNED, starts_at__gt=now, organisation__path__startswith=root_path
        ).select_related("organisation")
        for meeting in upcoming:
            services.meeting_reminders_sync(meeting)
        demo = meeting_plan(
            organisation=branch,
            types=[MeetingType.THEME_DAY],
            starts_at=next_demo_start(now),
            topic=TOPIC,
            place="党员活动室",
            agenda="1. 重温入党誓词\n2. 集体学习党章党规",
            by=SYSTEM,
        )
    # The demo meeting's 24-hour reminders are delivered now, up to a day early, as the worker would at their
    # time, so the demo's bell shows one without waiting or a worker running; the 1-hour ones stay pending.
    due = demo.starts_at - timedelta(hours=24)
    first = Notice.objects.filter(meeting=demo, kind=NoticeKind.MEETING_REMINDER, due_at=due)
    sent = services.notices_send(notice_ids=list(first.values_list("pk", flat=True)), now=due, by=SYSTEM)["sent"]
    write(
        _("已安排演示会议提醒：%(meetings)d 次会议，已送达 %(sent)d 条。")
        % {"meetings": len(upcoming) + 1, "sent": sent}
    )

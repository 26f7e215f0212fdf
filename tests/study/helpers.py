"""Study-task fixtures shared by the study tests."""

from datetime import timedelta

from django.utils import timezone

from members.access import SYSTEM
from study import services


def task_data(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "title": "学习党的二十届四中全会精神",
        "content": "<p>请阅读全文。</p>",
        "starts_on": today - timedelta(days=3),
        "due_on": today + timedelta(days=20),
        "hours": "2",
        "completion": "read",
        "min_length": 0,
        "target_kind": "organisation",
        "target_statuses": [],
        "meeting": None,
    }
    data.update(changes)
    return data


def assign(organisation, by=SYSTEM, members=(), files=(), **changes):
    return services.task_assign(
        organisation=organisation, data=task_data(**changes), by=by, target_members=members, files=files
    )

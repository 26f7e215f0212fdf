"""Reminders of the development of members (发展党员): a person's next step falling due (or overdue) → their
branch's secretary, once per step (its kind and deadline), through the notices of this app."""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from branches.errors import NotPermitted
from development import selectors as development_selectors
from development.models import StepKind
from members.access import Scope

from . import rules
from .models import Notice, NoticeKind
from .recipients import secretaries as secretaries_of

#: How long before a step's deadline its reminder goes out.
REMIND_DAYS_BEFORE = 14


@transaction.atomic
def development_reminders_create(*, today: date, by: Scope, now: datetime | None = None) -> int:
    """Write a reminder to the branch secretary for each next step of a person on the path whose deadline is at
    most `REMIND_DAYS_BEFORE` days away or has passed; each once per person, step and deadline (its key), so a
    daily run adds only what is new. Returns the number of new notices. The scheduled task's work (SYSTEM)."""
    if not by.may_run_scheduled_jobs():
        raise NotPermitted
    now = now or timezone.now()
    due = development_selectors.steps_falling_due(today, REMIND_DAYS_BEFORE)
    if not due:
        return 0
    secretaries = secretaries_of({item.organisation_id for item in due})
    notices = []
    for item in due:
        step = str(StepKind(item.kind).label)
        deadline = date_format(item.deadline, "Y年n月j日")
        overdue = item.deadline < today
        title = (_("发展党员逾期：%(name)s %(step)s") if overdue else _("发展党员提醒：%(name)s %(step)s")) % {
            "name": item.member_name,
            "step": step,
        }
        body = _("%(name)s的下一步骤“%(step)s”期限为%(deadline)s。") % {
            "name": item.member_name,
            "step": step,
            "deadline": deadline,
        }
        subject = f"member{item.member_id}:{item.kind}"
        for member_id, user_id in secretaries.get(item.organisation_id, []):
            recipient = f"member:{member_id}"
            notices.append(
                Notice(
                    key=rules.alert_key(
                        NoticeKind.DEVELOPMENT_DUE, item.organisation_id, subject, item.deadline.isoformat(), recipient
                    ),
                    kind=NoticeKind.DEVELOPMENT_DUE,
                    user_id=user_id,
                    member_id=member_id,
                    organisation_id=item.organisation_id,
                    title=title[:200],
                    body=body,
                    link=reverse("development:path", args=[item.member_id]),
                    due_at=now,
                )
            )
    keys = {n.key for n in notices}
    existing = Notice.objects.filter(key__in=keys).count()
    Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
    return len(keys) - existing

"""Notices of 组织关系转接 (transfers), through the notification system like every other notice.

- A transfer started inside the portal → the receiving branch's secretary (待接收);
- still waiting `members.rules.TRANSFER_REMINDER_DAYS` days later → the receiving branch's secretary again, once
  (the morning task);
- accepted → the sending branch's secretary and the member; returned → the sending branch's secretary.

Each notice has a unique key (kind, transfer, event, recipient), so a re-run or a repeated hook writes nothing new.
`transfer_notices` is registered in `members.services.transfers.transfer_changed_hooks` (NotificationsConfig.ready)
and runs inside the transaction of the transfer's write.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from branches.errors import NotPermitted
from members import rules as member_rules
from members import selectors as member_selectors
from members.access import Scope
from members.models import Transfer, TransferKind

from . import rules
from .models import Notice, NoticeKind
from .recipients import secretaries as secretaries_of


def _notice(transfer: Transfer, kind: str, organisation, event: str, title: str, body: str, now: datetime, *,
            member_id: int | None = None, user_id: int | None = None) -> Notice:  # fmt: skip
    recipient = f"member:{member_id}" if member_id else f"user:{user_id}"
    return Notice(
        key=rules.alert_key(kind, organisation.pk, f"transfer{transfer.pk}", event, recipient),
        kind=kind,
        user_id=user_id,
        member_id=member_id,
        organisation=organisation,
        title=title[:200],
        body=body,
        link=transfer.get_absolute_url(),
        due_at=now,
    )


def _to_secretaries(transfer, kind, organisation, event, title, body, now) -> list[Notice]:
    return [
        _notice(transfer, kind, organisation, event, title, body, now, member_id=member_id, user_id=user_id)
        for member_id, user_id in secretaries_of([organisation.pk]).get(organisation.pk, [])
    ]


def _values(transfer: Transfer) -> dict[str, str]:
    return {
        "name": transfer.member.name,
        "from": transfer.from_organisation.name,
        "to": transfer.destination_name,
        "day": date_format(transfer.started_on, "Y年n月j日"),
        "reason": transfer.return_reason,
    }


def transfer_notices(transfer: Transfer, event: str) -> None:
    """Write the notices a transfer's write calls for (see the module's docstring); nothing for a transfer out of
    the portal or a withdrawal."""
    if transfer.kind != TransferKind.INTERNAL:
        return
    now, v = timezone.now(), _values(transfer)
    notices: list[Notice] = []
    if event == "started":
        notices += _to_secretaries(
            transfer, NoticeKind.TRANSFER_INCOMING, transfer.to_organisation, event,
            _("组织关系转入待接收：%(name)s") % v,
            _("%(from)s于%(day)s将%(name)s的组织关系转往%(to)s，请及时接收或退回。") % v, now,
        )  # fmt: skip
    elif event == "accepted":
        title = _("组织关系已接收：%(name)s") % v
        body = _("%(to)s已接收%(name)s的组织关系。") % v
        notices += _to_secretaries(transfer, NoticeKind.TRANSFER_ACCEPTED, transfer.from_organisation, event,
                                   title, body, now)  # fmt: skip
        member = transfer.member
        notices.append(_notice(transfer, NoticeKind.TRANSFER_ACCEPTED, transfer.to_organisation, event, title,
                               _("您的组织关系已由%(from)s转入%(to)s。") % v, now, member_id=member.pk,
                               user_id=member.user_id))  # fmt: skip
    elif event == "returned":
        notices += _to_secretaries(
            transfer, NoticeKind.TRANSFER_RETURNED, transfer.from_organisation, event,
            _("组织关系转接被退回：%(name)s") % v,
            _("%(to)s退回了%(name)s的组织关系转接，原因：%(reason)s") % v, now,
        )  # fmt: skip
    Notice.objects.bulk_create(notices, ignore_conflicts=True)


@transaction.atomic
def transfer_reminders_create(*, today: date, by: Scope, now: datetime | None = None) -> int:
    """The morning's reminders: each transfer still waiting `TRANSFER_REMINDER_DAYS` days after it was started
    reminds the receiving branch's secretary, once per transfer. Returns the number of new notices."""
    if not by.may_run_scheduled_jobs():
        raise NotPermitted
    now = now or timezone.now()
    waiting = member_selectors.transfers_waiting(today - timedelta(days=member_rules.TRANSFER_REMINDER_DAYS))
    notices: list[Notice] = []
    for transfer in waiting.iterator(chunk_size=500):
        if not member_rules.transfer_reminder_due(transfer.started_on, today):
            continue
        v = _values(transfer)
        notices += _to_secretaries(
            transfer, NoticeKind.TRANSFER_WAITING, transfer.to_organisation, "waiting",
            _("组织关系转接待接收：%(name)s") % v,
            _("%(from)s于%(day)s转来%(name)s的组织关系，至今尚未接收，请及时接收或退回。") % v, now,
        )  # fmt: skip
    keys = {n.key for n in notices}
    existing = Notice.objects.filter(key__in=keys).count()
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(keys) - existing

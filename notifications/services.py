"""Every write of notifications: reminders kept in step with meetings, the sweep, sending and reading (the morning's
compliance alerts in alerts.py, who they go to in recipients.py, each capability's reminders in its own module)."""

import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from branches.errors import DomainError, NotPermitted
from branches.unreadable_dates import date_text, is_unreadable
from meetings.models import AttendanceState, Meeting, MeetingStatus
from members.access import Scope

from . import rules, selectors
from .alerts import compliance_alerts_create  # noqa: F401 - the morning's compliance alerts (alerts.py)
from .channels import active_channels, reaching_channels
from .models import Delivery, Notice, NoticeKind, NoticeStatus
from .study import study_reminders_create  # noqa: F401 - study-task reminders, written for the sweep to send

#: States from which a notice may still be sent (and so may still be withdrawn).
UNSENT = (NoticeStatus.PENDING, NoticeStatus.QUEUED)
#: States a meeting change may withdraw: unsent, or held back because no channel reaches the person.
WITHDRAWABLE = (*UNSENT, NoticeStatus.UNREACHABLE)


def _unreachable_note() -> str:
    return _("无法送达：无登录账号和邮箱")


def _local(value: datetime) -> str:
    if is_unreadable(value):
        return date_text(value)
    local = timezone.localtime(value)
    return f"{date_format(local.date(), 'Y年n月j日')} {local:%H:%M}"


# --- Meeting reminders ----------------------------------------------------------------------------------------------


def meeting_reminders_sync(meeting: Meeting, event: str = "") -> None:
    """Bring a meeting's reminders in line with the meeting, inside the transaction that changed it.

    A planned meeting: one pending reminder per expected attendee (not those on leave) and offset, keyed by the
    start time, so a new time withdraws the old unsent reminders and adds new ones, and someone removed from the
    list has theirs withdrawn. A cancelled or deleted meeting: unsent reminders withdrawn, and those already
    reminded get a cancellation notice. A planned meeting with nobody expected: its creator is told.
    """
    now = timezone.now()
    reminders = Notice.objects.filter(meeting=meeting, kind=NoticeKind.MEETING_REMINDER)
    gone = meeting.is_deleted or meeting.status == MeetingStatus.CANCELLED
    if meeting.status != MeetingStatus.PLANNED or gone:
        reminders.filter(status__in=WITHDRAWABLE).update(status=NoticeStatus.CANCELLED)
        if gone:
            _cancellation_notices(meeting, now)
        return
    attendances = list(
        meeting.attendances.exclude(state=AttendanceState.LEAVE)
        .select_related("member", "member__user")
        .order_by("member_id")
    )
    if not attendances:
        _nobody_expected_notice(meeting, now)
    offsets = selectors.reminder_offsets_for(meeting.organisation)
    # A start that cannot be read (stored before the date rules, or by hand) gets no reminders.
    times = [] if is_unreadable(meeting.starts_at) else rules.reminder_times(meeting.starts_at, offsets, now)
    wanted: dict[str, Notice] = {}
    for attendance in attendances:
        person = attendance.member
        for offset, due_at in times:
            key = rules.reminder_key(meeting.pk, person.pk, offset, meeting.starts_at)
            wanted[key] = Notice(
                key=key,
                kind=NoticeKind.MEETING_REMINDER,
                user=person.user,
                member=person,
                organisation_id=meeting.organisation_id,
                meeting=meeting,
                title=_("会议提醒：%(topic)s") % {"topic": meeting.topic},
                body=_reminder_body(meeting),
                link=meeting.get_absolute_url(),
                due_at=due_at,
            )
    # Nobody to reach (no channel applies): held back as unreachable at once, so the secretary sees it before the
    # reminder is due; not a failure, never retried.
    channels = active_channels()
    reachable = {key: bool(reaching_channels(notice, channels)) for key, notice in wanted.items()}
    for key, notice in wanted.items():
        if not reachable[key]:
            notice.status, notice.note = NoticeStatus.UNREACHABLE, _unreachable_note()
    reminders.filter(status__in=WITHDRAWABLE).exclude(key__in=list(wanted)).update(status=NoticeStatus.CANCELLED)
    existing = dict(Notice.objects.filter(key__in=list(wanted)).values_list("key", "status"))
    # The same time again (moved away and back): the withdrawn row is the one to send; an unreachable person who
    # has since gained a login or an address is reminded after all.
    again = [k for k, status in existing.items() if status in (NoticeStatus.CANCELLED, NoticeStatus.UNREACHABLE)]
    for can_reach, status, note in (
        (True, NoticeStatus.PENDING, ""),
        (False, NoticeStatus.UNREACHABLE, _unreachable_note()),
    ):
        keys = [k for k in again if reachable[k] is can_reach and existing[k] != status]
        if keys:
            Notice.objects.filter(key__in=keys).update(status=status, attempts=0, last_error="", note=note)
    Notice.objects.filter(key__in=[k for k in wanted if k in existing]).filter(status__in=UNSENT).update(
        body=_reminder_body(meeting), title=_("会议提醒：%(topic)s") % {"topic": meeting.topic}
    )
    Notice.objects.bulk_create([n for k, n in wanted.items() if k not in existing], ignore_conflicts=True)


def _reminder_body(meeting: Meeting) -> str:
    place = meeting.place or _("（地点待定）")
    return _("%(organisation)s将于%(when)s在%(place)s召开会议“%(topic)s”，请准时参加；如不能参加，请向支部请假。") % {
        "organisation": meeting.organisation.name,
        "when": _local(meeting.starts_at),
        "place": place,
        "topic": meeting.topic,
    }


def _cancellation_notices(meeting: Meeting, now: datetime) -> None:
    """Those already reminded of a meeting hear that it is off (once each)."""
    reminded = (
        Notice.objects.filter(meeting=meeting, kind=NoticeKind.MEETING_REMINDER)
        .filter(Q(status__in=(NoticeStatus.SENT, NoticeStatus.SENDING)) | Q(shown_at__isnull=False))
        .values_list("member_id", "user_id")
        .distinct()
    )
    reason = meeting.cancelled_reason or ""
    body = _("原定于%(when)s召开的会议“%(topic)s”已取消。") % {
        "when": _local(meeting.starts_at),
        "topic": meeting.topic,
    }
    if reason:
        body += _("取消原因：%(reason)s") % {"reason": reason}
    Notice.objects.bulk_create(
        [
            Notice(
                key=rules.cancellation_key(meeting.pk, member_id),
                kind=NoticeKind.MEETING_CANCELLED,
                user_id=user_id,
                member_id=member_id,
                organisation_id=meeting.organisation_id,
                meeting=meeting,
                title=_("会议取消：%(topic)s") % {"topic": meeting.topic},
                body=body,
                due_at=now,
            )
            for member_id, user_id in reminded
            if member_id is not None
        ],
        ignore_conflicts=True,
    )


def _nobody_expected_notice(meeting: Meeting, now: datetime) -> None:
    if meeting.created_by_id is None:
        return
    Notice.objects.bulk_create(
        [
            Notice(
                key=f"meeting:{meeting.pk}|user:{meeting.created_by_id}|nobody",
                kind=NoticeKind.MEETING_NOBODY,
                user_id=meeting.created_by_id,
                organisation_id=meeting.organisation_id,
                meeting=meeting,
                title=_("会议“%(topic)s”没有应到人员") % {"topic": meeting.topic},
                body=_("该会议没有应到人员，因此不会发送会议提醒。请在会议页面设置应到人员。"),
                link=meeting.get_absolute_url(),
                due_at=now,
            )
        ],
        ignore_conflicts=True,
    )


# --- Sweep and send -------------------------------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


def _queue_lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_QUEUE_LEASE_SECONDS)


def notices_sweep(*, by: Scope, now: datetime | None = None, chunk_size: int | None = None) -> list[list[int]]:
    """Claim due notices for sending, in chunks of ids (one broker message each).

    Due pending notices, and queued or sending ones whose lease ran out (their message or worker was lost), are
    marked queued with a fresh queue lease, a chunk at a time: one conditional UPDATE over the next due rows
    (skipping rows another sweep holds), in its own short transaction, tagged so that its ids can be read back.
    The scheduled task's work (`by` is `SYSTEM`).
    """
    if not by.may_run_scheduled_jobs():
        raise NotPermitted
    now = now or timezone.now()
    chunk_size = chunk_size or settings.NOTIFICATIONS_CHUNK_SIZE
    due = Q(status=NoticeStatus.PENDING, due_at__lte=now) | Q(
        status__in=(NoticeStatus.QUEUED, NoticeStatus.SENDING), lease_until__lt=now
    )
    chunks = []
    while True:
        tag = f"q{uuid.uuid4().hex[:31]}"
        with transaction.atomic():
            batch = Notice.objects.filter(due).order_by("due_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                batch = batch.select_for_update(skip_locked=True)
            # The ids first, then the update: as a subquery, PostgreSQL may run the LIMIT … SKIP LOCKED select more
            # than once under some plans and claim more than a chunk.
            ids = list(batch.values_list("pk", flat=True)[:chunk_size])
            claimed = (
                Notice.objects.filter(pk__in=ids).update(
                    status=NoticeStatus.QUEUED, lease_until=now + _queue_lease(), claim=tag
                )
                if ids
                else 0
            )
        if not claimed:
            break
        chunks.append(sorted(Notice.objects.filter(claim=tag).values_list("pk", flat=True)))
        if claimed < chunk_size:
            break
    return chunks


def notices_send(
    *, notice_ids: Iterable[int], by: Scope, now: datetime | None = None, deadline: float | None = None
) -> dict[str, int]:
    """Send a chunk of notices: claim each still-unsent due row by a conditional UPDATE, deliver, mark sent.

    Rows already sent, withdrawn or claimed by someone else are left alone, so a redelivered message sends
    nothing twice. Channels whose effect is in this database (the portal) deliver the whole chunk in one
    transaction together with their delivery records; the others (email) go row by row, each delivery recorded
    as it is made. Past `deadline` (a `time.monotonic()` value) the rows not yet sent are released for the next
    sweep. Returns counts of sent, retried, failed and skipped notices. The scheduled task's work (`by` is
    `SYSTEM`).
    """
    if not by.may_run_scheduled_jobs():
        raise NotPermitted
    ids = list(notice_ids)
    now = now or timezone.now()
    token = uuid.uuid4().hex
    Notice.objects.filter(pk__in=ids, status__in=UNSENT, due_at__lte=now).update(
        status=NoticeStatus.SENDING, claim=token, lease_until=now + _lease(), attempts=F("attempts") + 1
    )
    mine = list(Notice.objects.filter(claim=token, status=NoticeStatus.SENDING).select_related("member", "user"))
    counts = {"sent": 0, "retried": 0, "failed": 0, "unreachable": 0, "skipped": len(ids) - len(mine)}
    channels = active_channels()
    unreachable = [n for n in mine if not reaching_channels(n, channels)]
    for notice in unreachable:
        # Not a failure: retrying cannot help until the person has a login or an address (see notice_retry).
        _finish(notice, token, status=NoticeStatus.UNREACHABLE, note=_unreachable_note())
    counts["unreachable"] += len(unreachable)
    mine = [n for n in mine if n not in unreachable]
    done = _deliver_in_database(mine, token, [c for c in channels if c.in_database])
    outside = [c for c in channels if not c.in_database]
    by_note: dict[str, list[int]] = {}
    for position, notice in enumerate(mine):
        if deadline is not None and time.monotonic() > deadline:
            _release(mine[position:], token)
            counts["skipped"] += len(mine) - position
            break
        outcome = _deliver_outside(notice, token, outside, done, now)
        if outcome == "sent":
            by_note.setdefault(_note(notice, channels), []).append(notice.pk)
        counts[outcome] += 1
    for note, pks in by_note.items():
        Notice.objects.filter(pk__in=pks, claim=token, status=NoticeStatus.SENDING).update(
            status=NoticeStatus.SENT, sent_at=timezone.now(), lease_until=None, note=note
        )
    return counts


def _deliver_in_database(notices: list[Notice], token: str, channels) -> set[tuple[int, str]]:
    """Deliver through the database channels in one transaction with their records; returns what is delivered."""
    with transaction.atomic():
        pks = list(
            Notice.objects.select_for_update()
            .filter(pk__in=[n.pk for n in notices], claim=token, status=NoticeStatus.SENDING)
            .values_list("pk", flat=True)
        )
        done = set(Delivery.objects.filter(notice_id__in=pks).values_list("notice_id", "channel"))
        mine = [n for n in notices if n.pk in set(pks)]
        records = []
        for channel in channels:
            targets = [n for n in mine if channel.applies(n) and (n.pk, channel.name) not in done]
            if targets:
                detail = channel.send_many(targets)
                records += [Delivery(notice=n, channel=channel.name, detail=detail) for n in targets]
                done |= {(n.pk, channel.name) for n in targets}
        Delivery.objects.bulk_create(records)
    return done


def _deliver_outside(notice: Notice, token: str, channels, done: set[tuple[int, str]], now: datetime) -> str:
    """Send one notice through the channels outside the database, recording each delivery as it is made."""
    try:
        for channel in channels:
            if not channel.applies(notice) or (notice.pk, channel.name) in done:
                continue
            # Still ours? (a claim whose lease ran out may have been taken over by another worker)
            if not Notice.objects.filter(pk=notice.pk, claim=token, status=NoticeStatus.SENDING).exists():
                return "skipped"
            detail = channel.send(notice)
            Delivery.objects.create(notice=notice, channel=channel.name, detail=(detail or "")[:200])
    except Exception as exc:  # noqa: BLE001 - any channel failure is retried, then shown to admins
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if rules.gives_up(notice.attempts):
            _finish(notice, token, status=NoticeStatus.FAILED, error=error)
            return "failed"
        Notice.objects.filter(pk=notice.pk, claim=token, status=NoticeStatus.SENDING).update(
            status=NoticeStatus.PENDING,
            due_at=now + rules.retry_delay(notice.attempts),
            last_error=error,
            claim="",
            lease_until=None,
        )
        return "retried"
    return "sent"


def _note(notice: Notice, channels) -> str:
    names = {c.name for c in reaching_channels(notice, channels)}
    if names == {"portal"}:
        return _("仅站内通知（无电子邮箱）")
    if "email" in names and "portal" not in names:
        return _("仅邮件通知（无登录账号）")
    return ""


def _release(notices: list[Notice], token: str) -> None:
    """Give claimed rows back to the sweep at once (this attempt does not count)."""
    Notice.objects.filter(pk__in=[n.pk for n in notices], claim=token, status=NoticeStatus.SENDING).update(
        status=NoticeStatus.PENDING, claim="", lease_until=None, attempts=F("attempts") - 1
    )


def _finish(notice: Notice, token: str, *, status: str, error: str = "", note: str = "") -> None:
    values = {"status": status, "lease_until": None, "note": note[:200]}
    if status == NoticeStatus.SENT:
        values["sent_at"] = timezone.now()
    if error:
        values["last_error"] = error
    Notice.objects.filter(pk=notice.pk, claim=token, status=NoticeStatus.SENDING).update(**values)


@transaction.atomic
def notice_retry(*, notice: Notice, by: Scope) -> Notice:
    """Send a failed or unreachable notice again from the start (an admin fixed the address or the mail server)."""
    if not by.may_retry_notice(notice):
        raise NotPermitted
    updated = Notice.objects.filter(pk=notice.pk, status__in=(NoticeStatus.FAILED, NoticeStatus.UNREACHABLE)).update(
        status=NoticeStatus.PENDING, attempts=0, due_at=timezone.now(), claim="", lease_until=None
    )
    if not updated:
        raise DomainError(_("只有发送失败或无法送达的通知可以重新发送。"))
    notice.refresh_from_db()
    return notice


# --- Reading ----------------------------------------------------------------------------------------------------------


def notice_mark_read(*, notice: Notice, by: Scope) -> None:
    """Mark one of `by`'s own notices read (again is harmless)."""
    if not by.may_read_notice(notice):
        raise NotPermitted
    Notice.objects.filter(pk=notice.pk, user_id=by.user_id, read_at__isnull=True).update(read_at=timezone.now())


def notices_mark_all_read(*, by: Scope) -> int:
    """Mark every notice `by` has in the portal read; returns how many changed."""
    if by.user_id is None:
        return 0
    return Notice.objects.filter(user_id=by.user_id, shown_at__isnull=False, read_at__isnull=True).update(
        read_at=timezone.now()
    )

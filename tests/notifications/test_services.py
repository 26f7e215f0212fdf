"""Meeting reminders kept in step with meetings, the sweep, sending, retries and failures."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from branches.errors import NotPermitted
from meetings.services import (
    AttendanceEntry,
    attendance_record,
    attendees_set,
    meeting_cancel,
    meeting_delete,
    meeting_update,
)
from members.access import SYSTEM, scope_for
from notifications import selectors, services
from notifications.models import Delivery, Notice, NoticeKind, NoticeStatus, ReminderSetting
from tests.notifications.helpers import plan, reminders, sweep_and_send

pytestmark = pytest.mark.django_db

UNREACHABLE = "tests.notifications.mail.UnreachableBackend"


def test_planning_writes_a_reminder_per_attendee_and_offset(world):
    """Each expected attendee gets a reminder 24 hours and one 1 hour before the start (the defaults)."""
    meeting = plan(world)
    people = set(meeting.attendances.values_list("member_id", flat=True))
    rows = reminders(meeting)
    assert {(n.member_id, meeting.starts_at - n.due_at) for n in rows} == {
        (pk, delta) for pk in people for delta in (timedelta(hours=24), timedelta(hours=1))
    }
    # All pending, but for the one member with neither login nor email: held back as unreachable.
    assert {n.status for n in rows if n.member.user_id or n.member.email} == {NoticeStatus.PENDING}
    assert {n.status for n in rows if not (n.member.user_id or n.member.email)} == {NoticeStatus.UNREACHABLE}
    assert rows.get(member=world.member_a, due_at=meeting.starts_at - timedelta(hours=1)).user == world.member_user


def test_reminders_roll_back_with_their_meeting(world):
    """Reminders are written in the meeting's transaction: a plan rolled back leaves no reminder."""
    with transaction.atomic():
        plan(world)
        transaction.set_rollback(True)
    assert not Notice.objects.exists()


def test_offsets_are_inherited_from_the_nearest_ancestor(world):
    """The primary committee's setting applies to its branches until a branch sets its own."""
    ReminderSetting.objects.create(organisation=world.p1, offsets="120")
    meeting = plan(world)
    assert set(reminders(meeting).values_list("due_at", flat=True)) == {meeting.starts_at - timedelta(hours=2)}
    ReminderSetting.objects.create(organisation=world.branch_a, offsets="30")
    other = plan(world, topic="第二次")
    assert set(reminders(other).values_list("due_at", flat=True)) == {other.starts_at - timedelta(minutes=30)}


def test_rescheduled_meeting_reminds_again_with_the_new_time(world):
    """Moving a meeting withdraws the unsent reminders of the old time and writes new ones; sent ones stay."""
    meeting = plan(world)
    first = meeting.starts_at
    sweep_and_send(first - timedelta(hours=23))  # the 24 h reminders go out
    new_start = first + timedelta(days=2)
    meeting_update(meeting=meeting, version=meeting.version, data={"starts_at": new_start}, by=SYSTEM)
    people = meeting.attendances.count()
    # Those gone out stay sent; the one member with neither login nor email was never reachable: withdrawn.
    sent_before = reminders(meeting, due_at=first - timedelta(hours=24))
    assert set(sent_before.values_list("status", flat=True)) == {NoticeStatus.SENT, NoticeStatus.CANCELLED}
    assert reminders(meeting, status=NoticeStatus.CANCELLED, due_at=first - timedelta(hours=1)).count() == people
    assert set(reminders(meeting, status=NoticeStatus.PENDING).values_list("due_at", flat=True)) == {
        new_start - timedelta(hours=24),
        new_start - timedelta(hours=1),
    }


def test_removed_attendee_gets_nothing_more(world):
    """Someone taken off the list has their unsent reminders withdrawn; the others keep theirs."""
    meeting = plan(world)
    keep = [world.secretary_a_member]
    attendees_set(meeting=meeting, members=keep, version=meeting.version, by=SYSTEM)
    assert set(reminders(meeting, status=NoticeStatus.PENDING).values_list("member_id", flat=True)) == {
        world.secretary_a_member.pk
    }
    assert reminders(meeting, member=world.member_a, status=NoticeStatus.CANCELLED).count() == 2


def test_leave_before_the_meeting_withdraws_that_persons_reminders(world):
    """A member on leave is not reminded of a meeting they will not attend."""
    meeting = plan(world)
    attendance_record(
        meeting=meeting,
        entries=[AttendanceEntry(member=world.member_a, state="leave", leave_reason="出差")],
        version=meeting.version,
        by=SYSTEM,
    )
    assert not reminders(meeting, member=world.member_a, status=NoticeStatus.PENDING).exists()


def test_cancelled_meeting_notifies_those_already_reminded(world):
    """A cancellation reaches those who were reminded (once each); unsent reminders are withdrawn."""
    meeting = plan(world)
    world.member_a.email = "wang@example.com"
    world.member_a.save()
    sweep_and_send(meeting.starts_at - timedelta(hours=23))
    meeting_cancel(meeting=meeting, reason="台风", version=meeting.version, by=SYSTEM)
    assert not reminders(meeting, status=NoticeStatus.PENDING).exists()
    cancels = Notice.objects.filter(meeting=meeting, kind=NoticeKind.MEETING_CANCELLED)
    # The third attendee (no login, no email) was never reached, so is not told either.
    assert set(cancels.values_list("member_id", flat=True)) == {world.member_a.pk, world.secretary_a_member.pk}
    assert "台风" in cancels.first().body
    mail.outbox.clear()
    sweep_and_send(timezone.now() + timedelta(seconds=1))
    assert [m.to for m in mail.outbox] == [["wang@example.com"]]
    assert "已取消" in mail.outbox[0].body


def test_meeting_cancelled_before_any_reminder_sends_nothing(world):
    """Nobody reminded, nobody told: a meeting cancelled early only withdraws its reminders."""
    meeting = plan(world)
    meeting_delete(meeting=meeting, by=SYSTEM)
    assert not Notice.objects.filter(kind=NoticeKind.MEETING_CANCELLED).exists()
    assert not reminders(meeting).exclude(status=NoticeStatus.CANCELLED).exists()


def test_meeting_with_nobody_expected_tells_its_planner(world):
    """A meeting without expected attendees sends no reminders and tells the secretary who planned it."""
    meeting = plan(world, attendees=[])
    assert not reminders(meeting).exists()
    notice = Notice.objects.get(kind=NoticeKind.MEETING_NOBODY)
    assert notice.user == world.secretary_a
    sweep_and_send(timezone.now() + timedelta(seconds=1))
    assert selectors.unread_count(world.secretary_a) == 1


def test_sending_twice_delivers_once(world):
    """The sweep and the send task run twice (a redelivered message): each notice is delivered once per channel."""
    world.member_a.email = "wang@example.com"
    world.member_a.save()
    meeting = plan(world, attendees=[world.member_a])
    at = meeting.starts_at - timedelta(minutes=59)
    ids = [n for chunk in services.notices_sweep(now=at, by=SYSTEM) for n in chunk]
    assert len(ids) == 2
    first = services.notices_send(notice_ids=ids, now=at, by=SYSTEM)
    again = services.notices_send(notice_ids=ids, now=at, by=SYSTEM)
    assert first["sent"] == 2 and again == {"sent": 0, "retried": 0, "failed": 0, "unreachable": 0, "skipped": 2}
    assert services.notices_sweep(now=at, by=SYSTEM) == []
    assert Delivery.objects.filter(channel="portal").count() == 2
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<notice-")
    assert selectors.delivery_totals() == {"sent": 2, "failed": 0, "duplicates": 0}


def test_notice_not_yet_due_is_not_sent(world):
    """A chunk only sends rows that are due: an early message sends nothing."""
    meeting = plan(world, attendees=[world.member_a])
    ids = list(reminders(meeting).values_list("pk", flat=True))
    assert services.notices_send(notice_ids=ids, by=SYSTEM)["skipped"] == 2
    assert not Delivery.objects.exists()


def test_member_without_email_is_reminded_in_the_portal_only(world):
    """No email address: the reminder is shown in the portal and the notice records it was portal only."""
    meeting = plan(world, attendees=[world.member_a])
    sweep_and_send(meeting.starts_at - timedelta(minutes=59))
    notice = reminders(meeting).first()
    assert notice.status == NoticeStatus.SENT and notice.note == "仅站内通知（无电子邮箱）"
    assert mail.outbox == []
    assert selectors.unread_count(world.member_user) == 2


def test_member_without_account_or_email_is_unreachable_not_failed(world):
    """Nobody to deliver to (no login, no email): held back as 无法送达 when planned, never sent, retried or failed."""
    no_contact = world.branch_a.members.get(name="预备党员甲")
    meeting = plan(world, attendees=[no_contact, world.member_a])
    held = reminders(meeting, member=no_contact)
    assert set(held.values_list("status", "note")) == {(NoticeStatus.UNREACHABLE, "无法送达：无登录账号和邮箱")}
    totals = sweep_and_send(meeting.starts_at - timedelta(minutes=59))
    assert totals["failed"] == 0 and totals["sent"] == 2
    assert not selectors.notices_failed().exists()
    assert set(held.values_list("status", flat=True)) == {NoticeStatus.UNREACHABLE}
    assert not Delivery.objects.filter(notice__in=held).exists()
    rows = list(selectors.unreachable_by_meeting())
    assert [(r["meeting_id"], r["people"]) for r in rows] == [(meeting.pk, 1)]


def test_member_who_loses_every_channel_before_sending_ends_unreachable(world):
    """Reachability is decided again at sending: a login and address removed meanwhile end 无法送达, not failed."""
    meeting = plan(world, attendees=[world.member_a])
    world.member_a.user = None
    world.member_a.email = ""
    world.member_a.save(update_fields=["user", "email"])
    Notice.objects.filter(meeting=meeting).update(user=None)
    totals = sweep_and_send(meeting.starts_at - timedelta(minutes=59))
    assert totals["unreachable"] == 2 and totals["failed"] == 0
    assert set(reminders(meeting).values_list("status", flat=True)) == {NoticeStatus.UNREACHABLE}


def test_unreachable_member_given_an_address_is_reminded_when_the_meeting_changes(world):
    """An unreachable reminder becomes pending again once the person has an address and the meeting is re-synced."""
    no_contact = world.branch_a.members.get(name="预备党员甲")
    meeting = plan(world, attendees=[no_contact])
    no_contact.email = "jia@example.org"
    no_contact.save(update_fields=["email"])
    services.meeting_reminders_sync(meeting)
    assert set(reminders(meeting).values_list("status", "note")) == {(NoticeStatus.PENDING, "")}
    sweep_and_send(meeting.starts_at - timedelta(minutes=59))
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["jia@example.org"]


def test_unreachable_mail_server_retries_with_back_off_then_fails(world, settings):
    """SMTP down: the notice is retried 1, 2, 4, 8 minutes later, then marked failed; the portal copy is shown once."""
    settings.EMAIL_BACKEND = UNREACHABLE
    world.member_a.email = "wang@example.com"
    world.member_a.save()
    meeting = plan(world, attendees=[world.member_a])
    notice = reminders(meeting).get(due_at=meeting.starts_at - timedelta(hours=1))
    Notice.objects.exclude(pk=notice.pk).delete()
    now = notice.due_at
    waits = []
    for _attempt in range(5):
        sweep_and_send(now)
        notice.refresh_from_db()
        if notice.status == NoticeStatus.FAILED:
            break
        waits.append(notice.due_at - now)
        now = notice.due_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert notice.status == NoticeStatus.FAILED and notice.attempts == 5
    assert "Connection refused" in notice.last_error
    assert Delivery.objects.filter(notice=notice, channel="portal").count() == 1
    assert list(selectors.notices_failed()) == [notice]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.notice_retry(notice=notice, by=SYSTEM)
    sweep_and_send(timezone.now() + timedelta(seconds=1))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT and len(mail.outbox) == 1
    assert Delivery.objects.filter(notice=notice, channel="portal").count() == 1


def test_crashed_workers_rows_are_reclaimed_after_the_lease(world, settings):
    """A row left 'sending' by a killed worker is swept again once its lease ends and sent without duplicates."""
    meeting = plan(world, attendees=[world.member_a])
    at = meeting.starts_at - timedelta(minutes=59)
    [chunk] = services.notices_sweep(now=at, by=SYSTEM)
    # The worker claimed the rows and delivered one in the portal, then died before marking anything sent.
    Notice.objects.filter(pk__in=chunk).update(status=NoticeStatus.SENDING, claim="dead", lease_until=at)
    Delivery.objects.create(notice_id=chunk[0], channel="portal")
    assert services.notices_sweep(now=at, by=SYSTEM) == []  # lease not yet over
    later = at + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    assert sweep_and_send(later)["sent"] == 2
    assert selectors.delivery_totals() == {"sent": 2, "failed": 0, "duplicates": 0}


def test_lost_message_is_published_again_after_the_queue_lease(world, settings):
    """A chunk whose message died with Redis stays queued until its queue lease ends, then is swept again."""
    meeting = plan(world, attendees=[world.member_a])
    at = meeting.starts_at - timedelta(minutes=59)
    [chunk] = services.notices_sweep(now=at, by=SYSTEM)
    waiting = at + timedelta(seconds=settings.NOTIFICATIONS_QUEUE_LEASE_SECONDS - 1)
    assert services.notices_sweep(now=waiting, by=SYSTEM) == []
    assert services.notices_sweep(now=waiting + timedelta(seconds=2), by=SYSTEM) == [chunk]


def test_sweep_claims_in_chunks(world, settings):
    """Due notices are enqueued in chunks of NOTIFICATIONS_CHUNK_SIZE ids."""
    settings.NOTIFICATIONS_CHUNK_SIZE = 2
    meeting = plan(world)  # three attendees, two reminders each; one attendee is unreachable, so 4 to send
    chunks = services.notices_sweep(now=meeting.starts_at, by=SYSTEM)
    assert [len(c) for c in chunks] == [2, 2]
    assert set(Notice.objects.values_list("status", flat=True)) == {NoticeStatus.QUEUED, NoticeStatus.UNREACHABLE}


def test_mark_read_and_mark_all_read(world):
    """Reading one notice lowers the unread count by one; 'all read' clears it; others' notices are untouched."""
    meeting = plan(world)
    sweep_and_send(meeting.starts_at - timedelta(minutes=59))
    first = selectors.notices_for(world.member_user).first()
    with pytest.raises(NotPermitted):
        services.notice_mark_read(notice=first, by=scope_for(world.secretary_a))
    assert selectors.unread_count(world.member_user) == 2
    services.notice_mark_read(notice=first, by=scope_for(world.member_user))
    assert selectors.unread_count(world.member_user) == 1
    assert services.notices_mark_all_read(by=scope_for(world.member_user)) == 1
    assert selectors.unread_count(world.member_user) == 0
    assert selectors.unread_count(world.secretary_a) == 2


def test_the_scheduled_work_and_a_retry_refuse_a_caller_without_the_permission(world):
    """Sweeping, sending and the morning's alerts are the tasks' work (`SYSTEM`): an admin's scope is refused; a
    failed notice of branch A is sent again by A's secretary or an admin, not by branch B's secretary."""
    from datetime import date

    meeting = plan(world)
    admin = scope_for(world.admin)
    with pytest.raises(NotPermitted):
        services.notices_sweep(now=meeting.starts_at, by=admin)
    with pytest.raises(NotPermitted):
        services.notices_send(notice_ids=[], by=admin)
    with pytest.raises(NotPermitted):
        services.compliance_alerts_create(today=date(2026, 6, 1), by=admin)
    notice = reminders(meeting).first()
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.FAILED)
    with pytest.raises(NotPermitted):
        services.notice_retry(notice=notice, by=scope_for(world.secretary_b))
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.FAILED
    services.notice_retry(notice=notice, by=scope_for(world.secretary_a))
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.PENDING

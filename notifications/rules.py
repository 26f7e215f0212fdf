"""When notices are due, what their unique keys are, and how failed sends back off: pure functions."""

from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from branches.rules import DateRange

#: Reminder offsets in minutes when no organisation on the way to the root sets its own: 24 hours and 1 hour.
DEFAULT_OFFSETS: tuple[int, ...] = (24 * 60, 60)
MAX_OFFSET_MINUTES = 30 * 24 * 60
#: Sends tried at most this many times before the notice is marked failed for an admin to see.
MAX_ATTEMPTS = 5
#: Times of a notice (发送时间 and when it was sent, shown or read), as the admin may set them: reminders follow
#: meetings, which lie from ten years back to two years ahead.
NOTICE_TIME_RANGE = DateRange(years_back=10, years_ahead=2)
NOTICE_DATE_RANGES = dict.fromkeys(("due_at", "sent_at", "shown_at", "read_at"), NOTICE_TIME_RANGE)


def parse_offsets(text: str) -> tuple[int, ...]:
    """Reminder offsets: comma-separated whole minutes, each from 1 minute to 30 days, largest first, no repeats.

    Raises ValueError with a Chinese message on anything else.
    """
    parts = [p.strip() for p in (text or "").replace("，", ",").split(",") if p.strip()]
    if not parts:
        raise ValueError(_("请至少填写一个提前提醒的分钟数。"))
    values = set()
    for part in parts:
        if not part.isdecimal() or not 1 <= int(part) <= MAX_OFFSET_MINUTES:
            raise ValueError(_("“%(value)s”不是 1 到 43200 之间的整数分钟。") % {"value": part})
        values.add(int(part))
    return tuple(sorted(values, reverse=True))


def nearest_offsets(settings_root_first: list[tuple[int, ...] | None]) -> tuple[int, ...]:
    """Offsets inherited down the tree: the nearest organisation (last in root-first order) that sets them wins."""
    for offsets in reversed(settings_root_first):
        if offsets:
            return offsets
    return DEFAULT_OFFSETS


def reminder_times(starts_at: datetime, offsets: tuple[int, ...], now: datetime) -> list[tuple[int, datetime]]:
    """Meeting reminders: one per offset before the start, skipping those whose time has passed.

    When every reminder time has passed but the meeting is still ahead (planned at short notice), one reminder
    with the smallest offset goes out at once; a meeting already started gets none.
    """
    if starts_at <= now:
        return []
    times = [(offset, starts_at - timedelta(minutes=offset)) for offset in offsets]
    ahead = [(offset, at) for offset, at in times if at > now]
    if ahead:
        return ahead
    return [(min(offsets), now)]


def reminder_key(meeting_id: int, member_id: int, offset: int, starts_at: datetime) -> str:
    """Unique key of a meeting reminder: cause (meeting and its start), person, kind and offset.

    A new start time makes new keys, so a rescheduled meeting reminds again; the same time keeps the same row.
    """
    return f"meeting:{meeting_id}|member:{member_id}|reminder:{offset}m|{starts_at.astimezone(UTC):%Y%m%dT%H%MZ}"


def cancellation_key(meeting_id: int, member_id: int) -> str:
    """Unique key of a cancellation notice: one per meeting and person."""
    return f"meeting:{meeting_id}|member:{member_id}|cancelled"


def alert_key(kind: str, organisation_id: int, subject: str, period_code: str, recipient: str) -> str:
    """Unique key of a compliance alert: once per branch, requirement (subject) and period, per recipient."""
    return f"org:{organisation_id}|{kind}:{subject}|{period_code}|{recipient}"


def retry_delay(attempts: int) -> timedelta:
    """Back-off after a failed send: 1, 2, 4, 8 … minutes after each failure, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def gives_up(attempts: int, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """A notice is marked failed (visible to admins, never dropped silently) after `max_attempts` failed sends."""
    return attempts >= max_attempts

"""The notification rules: offsets, reminder times, unique keys and back-off."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications import rules

T0 = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)  # 2026-11-27 14:00 in Asia/Shanghai


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1440,60", (1440, 60)),
        ("60, 1440", (1440, 60)),
        ("60，30,60", (60, 30)),
        ("43200", (43200,)),
    ],
)
def test_offsets_parse_to_distinct_minutes_largest_first(text, expected):
    """Reminder offsets: comma-separated whole minutes, largest first, no repeats (full-width comma accepted)."""
    assert rules.parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["", " , ", "0", "-5", "1.5", "abc", "43201"])
def test_bad_offsets_are_refused_with_a_message(text):
    """Offsets outside 1 minute … 30 days, or not whole numbers, are refused with a Chinese message."""
    with pytest.raises(ValueError, match="分钟"):
        rules.parse_offsets(text)


@pytest.mark.parametrize(
    ("root_first", "expected"),
    [
        ([None, None, None], rules.DEFAULT_OFFSETS),
        ([(120,), None, None], (120,)),
        ([(120,), (30,), None], (30,)),
        ([(120,), None, (10, 5)], (10, 5)),
    ],
)
def test_nearest_ancestor_setting_wins(root_first, expected):
    """Offsets are inherited down the tree: the nearest organisation that sets them wins, else 24 h and 1 h."""
    assert rules.nearest_offsets(root_first) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Planned days ahead: both reminders at 24 h and 1 h before.
        (T0 - timedelta(days=3), [(1440, T0 - timedelta(days=1)), (60, T0 - timedelta(hours=1))]),
        # Planned 5 hours ahead: the 24 h reminder's time has passed; only the 1 h one.
        (T0 - timedelta(hours=5), [(60, T0 - timedelta(hours=1))]),
        # Planned 30 minutes ahead: every time has passed; one reminder at once.
        (T0 - timedelta(minutes=30), [(60, T0 - timedelta(minutes=30))]),
        # Already started: nothing.
        (T0, []),
        (T0 + timedelta(minutes=1), []),
    ],
)
def test_reminder_times(now, expected):
    """Meeting reminders: one per offset still ahead; at short notice one at once; none once started."""
    assert rules.reminder_times(T0, (1440, 60), now) == expected


def test_reminder_key_changes_with_the_start_time_only():
    """A reminder's key names meeting, person, offset and start: a new time is a new reminder."""
    key = rules.reminder_key(1, 2, 60, T0)
    assert key == rules.reminder_key(1, 2, 60, T0.astimezone())
    assert key != rules.reminder_key(1, 2, 60, T0 + timedelta(hours=1))
    assert key != rules.reminder_key(1, 3, 60, T0)
    assert key != rules.reminder_key(1, 2, 1440, T0)


@pytest.mark.parametrize(
    ("attempts", "minutes", "gives_up"),
    [(1, 1, False), (2, 2, False), (3, 4, False), (4, 8, False), (5, 16, True), (9, 60, True)],
)
def test_back_off_doubles_and_gives_up_after_five(attempts, minutes, gives_up):
    """Failed sends wait 1, 2, 4, 8 … minutes (at most an hour) and are marked failed after five attempts."""
    assert rules.retry_delay(attempts) == timedelta(minutes=minutes)
    assert rules.gives_up(attempts) is gives_up

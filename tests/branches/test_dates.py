"""Dates at the edges: one range check with one Chinese message for forms, services and the admin, and stored dates
Python cannot use read as "unreadable" (shown as 日期无效) instead of failing."""

import pickle
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

from branches.dates import DateRangeValidator, date_range_problem, date_range_problems, limit_dates
from branches.rules import DateRange
from branches.unreadable_dates import (
    UnreadableDate,
    UnreadableDateTime,
    date_text,
    is_unreadable,
    readable,
    time_text,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 7)
MEETINGS = DateRange(years_back=10, years_ahead=2)
BIRTHS = DateRange(earliest=date(1900, 1, 1), years_ahead=0)


@pytest.mark.parametrize(
    ("value", "date_range", "message"),
    [
        (date(1899, 12, 31), BIRTHS, "日期不能早于1900年1月1日。"),
        (date(1900, 1, 1), BIRTHS, ""),
        (TODAY, BIRTHS, ""),
        (date(2026, 12, 8), BIRTHS, "日期不能晚于今天。"),
        (date(3000, 1, 1), BIRTHS, "日期不能晚于今天。"),
        (datetime(2028, 12, 7, 23, 59, tzinfo=SHANGHAI), MEETINGS, ""),
        # A moment counts by its day in Shanghai: 16:30 UTC on 7 December 2028 is already the 8th there.
        (datetime(2028, 12, 7, 16, 30, tzinfo=UTC), MEETINGS, "日期不能晚于2028年12月7日。"),
        (datetime(1, 1, 1, 0, 0, tzinfo=SHANGHAI), MEETINGS, "日期不能早于2016年12月7日。"),
        (datetime(9999, 12, 31, 23, 0, tzinfo=SHANGHAI), MEETINGS, "日期不能晚于2028年12月7日。"),
        (None, MEETINGS, ""),
        (UnreadableDateTime("0001-01-01 00:00:00+00 BC"), MEETINGS, "日期无效，请重新填写。"),
    ],
)
def test_a_date_outside_its_range_has_one_chinese_message(value, date_range, message):
    """Too early names the first day allowed, too late the last (or "today"); an unreadable date asks again."""
    assert date_range_problem(value, date_range, today=TODAY) == message


def test_problems_are_reported_by_field():
    """Each field of the data outside its range is reported at that field; empty fields are not."""
    ranges = {"birth_date": BIRTHS, "joined_on": BIRTHS, "confirmed_on": BIRTHS}
    data = {"birth_date": date(1850, 1, 1), "joined_on": date(2000, 1, 1), "confirmed_on": None}
    assert date_range_problems(data, ranges, today=TODAY) == {"birth_date": "日期不能早于1900年1月1日。"}


class _Form(forms.Form):
    born = forms.DateField(required=False)
    starts = forms.DateTimeField(required=False)


def test_a_form_checks_its_fields_against_their_ranges_and_limits_the_pickers(time_machine_today):
    """`limit_dates` adds the range check to each named field and gives its picker the first and last day."""
    form = _Form({"born": "0202-05-01", "starts": "2027-01-01T09:00"})
    limit_dates(form, {"born": BIRTHS, "starts": MEETINGS})
    assert not form.is_valid()
    assert form.errors == {"born": ["日期不能早于1900年1月1日。"]}
    assert form.fields["born"].widget.attrs == {"min": "1900-01-01", "max": "2026-12-07"}
    assert form.fields["starts"].widget.attrs == {"min": "2016-12-07T00:00", "max": "2028-12-07T23:59"}


def test_a_form_does_not_offer_an_unreadable_stored_date_again(time_machine_today):
    """The field is empty and says why: the stored date cannot be read and must be entered again."""
    form = _Form(initial={"born": UnreadableDate("0001-01-01 BC")})
    limit_dates(form, {"born": BIRTHS})
    assert form.initial["born"] is None
    assert form.fields["born"].help_text == "原日期无效，请重新填写。"


def test_the_validator_refuses_with_the_same_message():
    """Forms built from model fields (the admin's) use the validator: the same check, the same message."""
    with pytest.raises(forms.ValidationError) as error:
        DateRangeValidator(BIRTHS)(date(2999, 1, 1))
    assert error.value.messages == ["日期不能晚于今天。"]
    DateRangeValidator(BIRTHS)(date(1985, 6, 15))


@pytest.fixture
def time_machine_today(monkeypatch):
    """Today is 7 December 2026 for `timezone.localdate()`."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


# --- Unreadable stored dates --------------------------------------------------------------------------------------


def test_an_unreadable_moment_orders_first_or_last_and_shows_as_invalid():
    """A BC value orders before every readable moment and one after 9999 after them, as the database orders them;
    wherever it is formatted it reads 日期无效."""
    early = UnreadableDateTime("0001-01-01 00:00:00+00 BC")
    late = UnreadableDateTime("10000-01-01 00:00:00+00")
    now = timezone.now()
    assert sorted([now, late, early]) == [early, now, late]
    assert early.early and not late.early
    assert f"{early:%Y-%m-%d}" == early.strftime("%Y") == "日期无效"
    assert date_text(early, "DATE_FORMAT") == "日期无效"
    assert time_text(early, "H:i") == ""
    assert is_unreadable(early) and not readable(early)


def test_an_unreadable_moment_survives_local_time_and_day_arithmetic():
    """Local time, its day, the first of its month and a day later stay unreadable instead of overflowing."""
    late = UnreadableDateTime("9999-12-31 23:00:00+00")
    local = timezone.localtime(late)
    assert is_unreadable(local) and local.tzinfo is not None
    day = timezone.localdate(late)
    assert isinstance(day, UnreadableDate)
    assert is_unreadable(day.replace(day=1)) and is_unreadable(day + timedelta(days=4))
    assert is_unreadable(late + timedelta(hours=1)) and is_unreadable(late - timedelta(hours=1))
    naive = timezone.make_naive(late, UTC)
    assert naive.tzinfo is None and str(naive) == "9999-12-31 23:00:00+00"
    assert timezone.is_aware(timezone.make_aware(naive, SHANGHAI))


def test_an_unreadable_date_keeps_its_stored_text_through_a_copy():
    """Pickled (the cache) or copied, it is still the same unreadable value with the text it was read from."""
    for value in (UnreadableDate("0001-01-01 BC"), UnreadableDateTime("0001-01-01 00:00:00+00 BC")):
        copy = pickle.loads(pickle.dumps(value))
        assert type(copy) is type(value) and copy.raw == value.raw and copy == value
        assert str(copy) == value.raw


@pytest.mark.parametrize(
    ("value", "is_readable"),
    [
        (date(2026, 12, 7), True),
        (date(2, 1, 1), True),
        (date(1, 12, 31), False),  # year 1: local time or the month before overflows
        (datetime(9999, 1, 1, tzinfo=UTC), False),
        (datetime(9998, 12, 31, 23, tzinfo=UTC), True),
        (None, True),
    ],
)
def test_years_at_the_edges_of_pythons_calendar_are_not_readable(value, is_readable):
    """Years 1 and 9999 load in Python but overflow in local time and date arithmetic: they count as unreadable."""
    assert readable(value) is is_readable


def test_the_templates_show_an_unreadable_date_as_invalid():
    """The filters `date` and `time` of every template show 日期无效 (and no time) for an unreadable date."""
    template = Template('{{ when|date:"DATE_FORMAT" }} {{ when|time:"H:i" }}|{{ day|date:"Y-m-d" }}')
    unreadable = {"when": UnreadableDateTime("0001-01-01 00:00:00+00 BC"), "day": UnreadableDate("10000-01-01")}
    assert template.render(Context(unreadable)) == "日期无效 |日期无效"
    readable_values = {"when": datetime(2026, 12, 7, 6, 30, tzinfo=UTC), "day": date(2026, 12, 7)}
    assert template.render(Context(readable_values)) == "2026年12月7日 14:30|2026-12-07"

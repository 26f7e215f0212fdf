"""Stored dates Python cannot use, read without failing.

PostgreSQL holds dates from 4713 BC to 294276 AD; Python's `date` and `datetime` only years 1 to 9999. A value
outside (a meeting saved for year 1 in Asia/Shanghai is year 0, 1 BC, in UTC; a row written by raw SQL) made the
driver raise while building the Python value, so every page that loaded the row failed. Values at the very edges
(9999-12-31 23:00 UTC) load, but overflow as soon as they are turned into local time or a day is added.

Here every date and timestamp column is read through a guard, on each new database connection (`install`):

- a value Python cannot represent, or whose year is 1 or 9999 (too near an edge for local time and date
  arithmetic), becomes an `UnreadableDate` / `UnreadableDateTime`;
- it orders as the earliest or the latest day (BC first, far future last), as the database orders it;
- it shows as "日期无效" wherever it is formatted (`format()`, `strftime()`, the template filters `date` and `time`
  through `branches.templatetags.portal_dates`, `date_text`);
- local time, `date()`, `replace()` and adding days leave it unreadable instead of overflowing;
- it is written back exactly as it was stored, so saving other fields of the row (or its history copy) keeps it.

The range rules (`branches.rules.DateRange`, checked by `branches.dates`) keep new values sane; this module is for
values already stored (before those rules, or by raw SQL). Code that computes with dates skips such values with
`is_unreadable` or, in queries, `readable_q`.
"""

from datetime import UTC, date, datetime, timedelta

from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _

#: What is shown instead of a date that cannot be read.
INVALID_TEXT = _("日期无效")

#: The readable window of stored timestamps: a year of margin from the ends of Python's calendar.
READABLE_FROM = datetime(2, 1, 1, tzinfo=UTC)
READABLE_UNTIL = datetime(9999, 1, 1, tzinfo=UTC)


def _early(raw: str) -> bool:
    """Whether stored text lies before year 1 or at its very start ("... BC", year 0 or 1), not after 9999."""
    text = raw.strip()
    return text.endswith("BC") or text.startswith(("-", "0"))


class UnreadableDate(date):
    """A stored date Python cannot use: orders as the first or last day, shows as 日期无效, saves as stored."""

    def __new__(cls, raw: str, early: bool | None = None):
        early = _early(raw) if early is None else early
        edge = date.min if early else date.max
        self = super().__new__(cls, edge.year, edge.month, edge.day)
        self.raw, self.early = raw, early
        return self

    def __reduce_ex__(self, protocol):
        return type(self), (self.raw, self.early)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.raw!r})"

    def __str__(self) -> str:
        return self.raw  # the text SQLite is given back when the row is saved

    def __format__(self, spec: str) -> str:
        return str(INVALID_TEXT)

    def strftime(self, fmt: str) -> str:
        return str(INVALID_TEXT)

    def isoformat(self) -> str:
        return self.raw

    def replace(self, *args, **kwargs):
        return self

    def __add__(self, other):
        return self if isinstance(other, timedelta) else NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        return self if isinstance(other, timedelta) else super().__sub__(other)


class UnreadableDateTime(datetime):
    """A stored moment Python cannot use: orders as the first or last moment, shows as 日期无效, saves as stored."""

    #: Django's template engine leaves it as it is instead of converting it to local time.
    convert_to_local_time = False

    def __new__(cls, raw: str, early: bool | None = None, aware: bool = True):
        early = _early(raw) if early is None else early
        edge = datetime.min if early else datetime.max
        self = super().__new__(
            cls,
            edge.year,
            edge.month,
            edge.day,
            edge.hour,
            edge.minute,
            edge.second,
            edge.microsecond,
            tzinfo=UTC if aware else None,
        )
        self.raw, self.early = raw, early
        return self

    def __reduce_ex__(self, protocol):
        return type(self), (self.raw, self.early, self.tzinfo is not None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.raw!r})"

    def __str__(self) -> str:
        return self.raw  # the text SQLite is given back when the row is saved

    def __format__(self, spec: str) -> str:
        return str(INVALID_TEXT)

    def strftime(self, fmt: str) -> str:
        return str(INVALID_TEXT)

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        return self.raw

    def astimezone(self, tz=None):
        # No shift: in UTC the edge stays comparable with any aware moment without overflowing.
        return type(self)(self.raw, self.early, aware=True)

    def replace(self, *args, **kwargs):
        aware = kwargs["tzinfo"] is not None if "tzinfo" in kwargs else self.tzinfo is not None
        return type(self)(self.raw, self.early, aware=aware)

    def date(self) -> UnreadableDate:
        return UnreadableDate(self.raw, self.early)

    def __add__(self, other):
        return self if isinstance(other, timedelta) else NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        return self if isinstance(other, timedelta) else super().__sub__(other)


def is_unreadable(value) -> bool:
    return isinstance(value, UnreadableDate | UnreadableDateTime)


def readable(value: date | datetime | None) -> bool:
    """Whether a value Python built can be used: its year is not at an edge of Python's calendar."""
    return value is None or (not is_unreadable(value) and 1 < value.year < 9999)


def readable_q(field: str) -> Q:
    """The rows whose timestamp `field` can be read, for queries that compute with it (months, local days)."""
    return Q(**{f"{field}__gte": READABLE_FROM, f"{field}__lt": READABLE_UNTIL})


def date_text(value, fmt: str | None = None) -> str:
    """A date or moment formatted like the template filter `date` (DATE_FORMAT by default); 日期无效 when unreadable."""
    if value is None:
        return ""
    if is_unreadable(value):
        return str(INVALID_TEXT)
    return date_format(value, fmt)


def time_text(value, fmt: str | None = None) -> str:
    """A moment's time like the template filter `time`; empty when unreadable (its date already says so)."""
    if value is None or is_unreadable(value):
        return ""
    return time_format(value, fmt)


# --- Reading through the database drivers ---------------------------------------------------------------------------


def _checked(value, raw: str, unreadable: type):
    return value if readable(value) else unreadable(raw)


def _pg_type(default, unreadable: type):
    """psycopg2's own caster for a date or timestamp type, wrapped: what it cannot build comes back unreadable."""
    import psycopg2.extensions

    def cast(raw, cursor):
        if raw is None:
            return None
        try:
            value = default(raw, cursor)
        except ValueError:  # "year -1 is out of range", "year 10000 is out of range"
            return unreadable(raw)
        return _checked(value, raw, unreadable)

    return psycopg2.extensions.new_type(default.values, f"PORTAL_{default.name}", cast)


def _pg_adapt(value):
    """Write an unreadable value back as the text it was read from; PostgreSQL casts it to the column's type."""
    import psycopg2.extensions

    return psycopg2.extensions.QuotedString(value.raw)


def _sqlite_parse(raw: str, parse, unreadable: type):
    try:
        value = parse(raw)
    except ValueError:  # "year 0 is out of range"
        return unreadable(raw)
    return unreadable(raw) if value is None else _checked(value, raw, unreadable)


def _sqlite_naive(raw: str):
    return _sqlite_parse(raw, parse_datetime, lambda text: UnreadableDateTime(text, aware=False))


def _sqlite_ops_converter(convert, parse):
    """Django's SQLite converter of computed columns (aggregates, subqueries): they arrive as the stored text,
    which Django's own parser cannot always read; parse it here first."""

    def converter(value, expression, connection):
        if isinstance(value, str):
            value = parse(value)
        return convert(value, expression, connection)

    converter.portal_unreadable_dates = True
    return converter


def _install_postgresql(connection) -> None:
    try:
        import psycopg2.extensions
    except ImportError:  # psycopg 3 is not used by this project
        return
    if not isinstance(connection.connection, psycopg2.extensions.connection):
        return
    for default, unreadable in (
        (psycopg2.extensions.PYDATE, UnreadableDate),
        (psycopg2.extensions.PYDATETIME, lambda raw: UnreadableDateTime(raw, aware=False)),
        (psycopg2.extensions.PYDATETIMETZ, UnreadableDateTime),
    ):
        psycopg2.extensions.register_type(_pg_type(default, unreadable), connection.connection)
    psycopg2.extensions.register_adapter(UnreadableDate, _pg_adapt)
    psycopg2.extensions.register_adapter(UnreadableDateTime, _pg_adapt)


def _install_sqlite(connection) -> None:
    import sqlite3

    # Columns of a table: the sqlite3 module converts them by their declared type (Django registers its parsers
    # for these names when its backend is imported, which has happened once a connection exists).
    sqlite3.register_converter("date", lambda raw: _sqlite_parse(raw.decode(), parse_date, UnreadableDate))
    sqlite3.register_converter("datetime", lambda raw: _sqlite_naive(raw.decode()))
    sqlite3.register_converter("timestamp", lambda raw: _sqlite_naive(raw.decode()))
    ops = connection.ops
    if not getattr(ops.convert_datetimefield_value, "portal_unreadable_dates", False):
        ops.convert_datetimefield_value = _sqlite_ops_converter(ops.convert_datetimefield_value, _sqlite_naive)
        ops.convert_datefield_value = _sqlite_ops_converter(
            ops.convert_datefield_value, lambda raw: _sqlite_parse(raw, parse_date, UnreadableDate)
        )


def install(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: read this connection's dates through the guard."""
    if connection.vendor == "postgresql":
        _install_postgresql(connection)
    elif connection.vendor == "sqlite":
        _install_sqlite(connection)

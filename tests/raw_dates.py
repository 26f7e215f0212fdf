"""Dates Python cannot use, written straight into a row as raw SQL (or a row from before the date rules) would be:
for the tests of pages that must show them as 日期无效 instead of failing."""

from django.db import connection

#: Moments: year 1 in Asia/Shanghai is 1 BC (year 0) in UTC; the last hour of 9999 overflows in local time.
BAD_MOMENTS = {
    "bc": {"postgresql": "0001-01-01 00:00:00 BC", "sqlite": "0000-12-31 16:00:00"},
    "end_of_9999": {"postgresql": "9999-12-31 23:00+00", "sqlite": "9999-12-31 23:00:00"},
}
#: Days: before year 1 and after 9999.
BAD_DAYS = {
    "bc": {"postgresql": "0001-01-01 BC", "sqlite": "0000-01-01"},
    "after_9999": {"postgresql": "10000-01-01", "sqlite": "10000-01-01"},
}


def store_raw(instance, column: str, value: str) -> None:
    """Write `value` into one column of the instance's row by raw SQL, bypassing every check."""
    table = connection.ops.quote_name(instance._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s", [value, instance.pk]
        )


def stored_text(instance, column: str) -> str:
    """The text the database holds in one column of the instance's row."""
    table = connection.ops.quote_name(instance._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CAST({connection.ops.quote_name(column)} AS TEXT) FROM {table} WHERE id = %s", [instance.pk]
        )
        return cursor.fetchone()[0]


def bad_moment(kind: str) -> str:
    return BAD_MOMENTS[kind][connection.vendor]


def bad_day(kind: str) -> str:
    return BAD_DAYS[kind][connection.vendor]

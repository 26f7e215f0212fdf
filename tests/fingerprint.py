"""A fingerprint of everything the portal keeps: every table and the uploaded files.

Two fingerprints taken around a request are equal when the request saved nothing. On PostgreSQL a table's part is its
row count and a checksum of its rows (so an UPDATE shows too); on SQLite, where there is no md5 function, the row
count (every save of a record also adds a history row, so an UPDATE still changes a count).
"""

from pathlib import Path

from django.conf import settings
from django.db import connection

#: Tables whose writes are not data a form saves: the user's own login session (it also carries the messages and the
#: staged import's token), the login throttle's record of failed attempts and the audit log (a refused request is
#: logged there by design).
FILES = "<uploaded files>"
NOT_DATA = ("django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog", "audit_auditevent")


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t not in NOT_DATA)


def _postgresql(tables: list[str]) -> dict[str, tuple]:
    quote = connection.ops.quote_name
    parts = [
        f"SELECT %s, count(*), coalesce(md5(string_agg(md5(r::text), '' ORDER BY md5(r::text))), '') "
        f"FROM {quote(table)} r"
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), tables)
        return {table: (count, checksum) for table, count, checksum in cursor.fetchall()}


def _counts(tables: list[str]) -> dict[str, tuple]:
    quote = connection.ops.quote_name
    parts = [f"SELECT %s, count(*) FROM {quote(table)}" for table in tables]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), tables)
        return {table: (count,) for table, count in cursor.fetchall()}


def files() -> tuple[tuple[str, int], ...]:
    """The uploaded files' names (under MEDIA_ROOT) and sizes."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return ()
    return tuple(sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()))


def fingerprint() -> dict:
    """Per table its row count (and, on PostgreSQL, a checksum of its rows), and the uploaded files' names and sizes."""
    tables = _tables()
    found = _postgresql(tables) if connection.vendor == "postgresql" else _counts(tables)
    found[FILES] = files()
    return found


def changed(before: dict, after: dict) -> list[str]:
    """The tables (and "<uploaded files>") whose fingerprint differs."""
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))

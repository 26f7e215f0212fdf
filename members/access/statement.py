"""The one statement a request pays for its user's scope (bench figure 5): built through the ORM, compiled to SQL
once per process, then run with the user's id and today's date."""

from datetime import date

from django.db import connection
from django.db.models import BigIntegerField, CharField, F, QuerySet, Value
from django.db.models.functions import Cast

from branches.models import ReviewerAppointment

from ..models import CommitteePost, Member

POST, REVIEW, OWN = "post", "review", "own"
#: Stand-ins compiled into the statement once and replaced by the user's values on every run.
_USER_MARK = -7_340_017
_TODAY_MARK = date(1901, 2, 3)


def _scope_queryset(user_id, today) -> QuerySet:
    """The three sources of a scope in one `UNION ALL`, each row (kind, organisation id, path, level, member id):
    the user's posts in current committee terms, their reviewer appointments in force, and their own record and
    branch (at most one: a login belongs to one member record)."""
    no_member = Cast(Value(None), BigIntegerField())

    def row(kind: str, prefix: str, member) -> dict:
        return {
            "kind": Value(kind, output_field=CharField()),
            "unit_id": F(f"{prefix}id"),
            "unit_path": F(f"{prefix}path"),
            "unit_level": F(f"{prefix}level"),
            "own_member_id": member,
        }

    columns = ("kind", "unit_id", "unit_path", "unit_level", "own_member_id")
    posts = (
        CommitteePost.objects.current()
        .filter(member__user_id=user_id)
        .annotate(**row(POST, "term__organisation__", no_member))
        .values_list(*columns)
        .order_by()
    )
    reviews = (
        ReviewerAppointment.objects.in_force(today)
        .filter(user_id=user_id)
        .annotate(**row(REVIEW, "organisation__", no_member))
        .values_list(*columns)
        .order_by()
    )
    own = (
        Member.objects.filter(user_id=user_id)
        .annotate(**row(OWN, "organisation__", Cast(F("pk"), BigIntegerField())))
        .values_list(*columns)
        .order_by()
    )
    return posts.union(reviews, own, all=True)


_compiled: dict[str, tuple[str, tuple]] = {}


def _scope_statement() -> tuple[str, tuple]:
    """The scope query compiled to SQL once per process and database vendor (compiling it through the ORM on every
    request cost more than running it); its parameters list which places take the user and today."""
    vendor = connection.vendor
    if vendor not in _compiled:
        sql, params = _scope_queryset(_USER_MARK, _TODAY_MARK).query.sql_with_params()
        _compiled[vendor] = (sql, tuple(params))
    return _compiled[vendor]


def scope_rows(user_id: int, today: date) -> list[tuple]:
    """The rows of a user's scope on `today`: (kind, organisation id, path, level, own member id)."""
    sql, template = _scope_statement()
    marks = {_USER_MARK: user_id, _TODAY_MARK: today, _TODAY_MARK.isoformat(): today.isoformat()}  # SQLite: text
    params = [marks.get(p, p) for p in template]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()

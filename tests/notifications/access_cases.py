# Each entry: URL name -> function(world) returning a list of Case (see tests/matrix.py).
from tests.matrix import Case

_EVERYONE = {"member": 200, "secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}
_EVERYONE_POST = dict.fromkeys(_EVERYONE, 302)


def _notice(world, **fields):
    """A notice straight in the database: shown in member A's portal unless fields say otherwise."""
    from django.utils import timezone

    from notifications.models import Notice, NoticeKind, NoticeStatus

    now = timezone.now()
    values = {
        "key": f"test|{Notice.objects.count()}",
        "kind": NoticeKind.MEETING_REMINDER,
        "user": world.member_user,
        "member": world.member_a,
        "organisation": world.branch_a,
        "title": "会议提醒：学习党章",
        "due_at": now,
        "status": NoticeStatus.SENT,
        "shown_at": now,
    }
    values.update(fields)
    return Notice.objects.create(**values)


def _failed_in_a(world):
    from notifications.models import NoticeStatus

    return _notice(world, status=NoticeStatus.FAILED, shown_at=None, last_error="ConnectionRefusedError")


CASES = {
    # Everyone signed in sees their own notices (possibly none).
    "notifications:list": lambda w: [Case({}, _EVERYONE), Case({}, _EVERYONE, query="unread=1&page=9")],
    # Only the recipient may mark a notice read; anyone else gets 404 and nothing changes.
    "notifications:read": lambda w: [
        Case({"pk": _notice(w).pk}, {"member": 302}, method="post"),
        Case({"pk": _notice(w).pk}, {"member": 302}, method="post", data={"stay": "1"}),
    ],
    "notifications:read_all": lambda w: [Case({}, _EVERYONE_POST, method="post")],
    # Failed notices: admins all, secretaries those of what they manage.
    "notifications:failed": lambda w: [Case({}, {"secretary_a": 200, "secretary_b": 200, "admin": 200})],
    "notifications:retry": lambda w: [
        Case({"pk": _failed_in_a(w).pk}, {"secretary_a": 302, "admin": 302}, method="post"),
    ],
}

EXEMPT: dict[str, str] = {}

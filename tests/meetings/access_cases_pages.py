"""Access-matrix entries for the meeting pages: list, plan, record, attendance, finalise, amend, cancel, delete,
recycle bin, restore and history (the meetings/views package).

Merged into tests/meetings/access_cases.py. A meeting of branch A is read by its members, A's secretary, the reviewer
of P1 and admins, and managed by A's secretary and admins; branch B's by B's secretary and admins. Every meeting
is made per case list, so a case's POST (rolled back after each role) never sees another's changes.
"""

from datetime import timedelta

from members.access import SYSTEM
from tests.matrix import Case

_READ_A = {"member": 200, "secretary_a": 200, "reviewer": 200, "admin": 200}
_READ_B = {"secretary_b": 200, "admin": 200}
_MANAGE_A = {"secretary_a": 200, "admin": 200}
_MANAGE_B = {"secretary_b": 200, "admin": 200}
_SAVED_A = {"secretary_a": 302, "admin": 302}
_SAVED_B = {"secretary_b": 302, "admin": 302}
_MANAGERS = {"secretary_a": 200, "secretary_b": 200, "admin": 200}
_EVERYONE = {"member": 200, "secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}


def _when(days: int) -> str:
    """A datetime-local value `days` from now (negative: in the past)."""
    from django.utils import timezone

    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _meeting(organisation, status: str = "planned", **extra):
    """A meeting of the branch with every party member expected (those of a held one marked present)."""
    from django.utils import timezone

    from meetings.selectors import members_of
    from tests.factories import make_meeting

    people = list(members_of(organisation))
    present = people if status in ("held", "finalised") else ()
    extra.setdefault("minutes", "会议内容" if status in ("held", "finalised") else "")
    return make_meeting(
        organisation,
        ("theme_day",),
        status=status,
        starts_at=timezone.now() - timedelta(days=1),
        attendees=people,
        present=present,
        **extra,
    )


def _deleted(organisation):
    from meetings.services import meeting_delete

    meeting = _meeting(organisation)
    meeting_delete(meeting=meeting, by=SYSTEM)
    return meeting


def _plan_data(organisation, **changes) -> dict:
    return {
        "types": ["theme_day"],
        "organisation": organisation.pk,
        "starts_at": _when(3),
        "ends_at": _when(3),
        "place": "党员活动室",
        "topic": "学习党章",
        **changes,
    }


def _edit_data(meeting, **changes) -> dict:
    return {
        "types": ["theme_day"],
        "starts_at": _when(-1),
        "topic": "学习党章（修订）",
        "minutes": "",
        "version": meeting.version,
        **changes,
    }


def _attendance_data(meeting, state: str = "present") -> dict:
    data = {"action": "attendance", "version": meeting.version}
    for member_id in meeting.attendances.values_list("member_id", flat=True):
        data[f"state_{member_id}"] = state
    return data


def _list_cases(w):
    return [
        Case({}, _EVERYONE),
        Case(
            {},
            _EVERYONE,
            query="q=学习&type=theme_day&status=finalised&month=2026-11&backfilled=yes&ordering=starts_at",
        ),
        # Bad filter values are reported at the field (or match nothing), never a 500.
        Case({}, _EVERYONE, query="type=nonsense&month=2026-13&organisation=999999&page=99"),
    ]


def _create_cases(w):
    return [
        Case({}, _MANAGERS),
        Case({}, _MANAGERS, query=f"organisation={w.group_a1.pk}"),
        # Branch A (or its 党小组) is not among B's secretary's choices: the form again with the message.
        Case({}, {"secretary_a": 302, "secretary_b": 200, "admin": 302}, method="post", data=_plan_data(w.branch_a)),
        Case({}, {"secretary_a": 302, "secretary_b": 200, "admin": 302}, method="post", data=_plan_data(w.group_a1)),
        # Bad input (an end before the start): the form again with the message at the field, nothing saved.
        Case({}, _MANAGERS, method="post", data=_plan_data(w.branch_a, ends_at=_when(2))),
    ]


def _detail_cases(w):
    return [
        Case({"pk": _meeting(w.branch_a).pk}, _READ_A),
        Case({"pk": _meeting(w.group_a1, "finalised").pk}, _READ_A),
        Case({"pk": _meeting(w.branch_b, "held").pk}, _READ_B),
        Case({"pk": _deleted(w.branch_a).pk}, {}),
        Case({"pk": 999999}, {}),
    ]


def _edit_cases(w):
    planned_a = _meeting(w.branch_a)
    return [
        Case({"pk": planned_a.pk}, _MANAGE_A),
        Case({"pk": _meeting(w.branch_b).pk}, _MANAGE_B),
        # A finalised record is read-only: back to the record with a message.
        Case({"pk": _meeting(w.branch_a, "finalised").pk}, _SAVED_A),
        Case({"pk": planned_a.pk}, _SAVED_A, method="post", data=_edit_data(planned_a)),
        # A stale version is refused with the message; the first change stays.
        Case({"pk": planned_a.pk}, _MANAGE_A, method="post", data=_edit_data(planned_a, version=0)),
    ]


def _attendance_cases(w):
    from meetings.services import guest_add

    held_a = _meeting(w.branch_a, "held")
    held_b = _meeting(w.branch_b, "held")
    with_guest = _meeting(w.branch_a, "held")
    guest = guest_add(meeting=with_guest, name="周积极", kind="activist", by=SYSTEM)
    return [
        # A guest on the list: the page shows the remove form; removing answers with the page.
        Case({"pk": with_guest.pk}, _MANAGE_A),
        Case({"pk": with_guest.pk}, _SAVED_A, method="post", data={"action": "guest_remove", "guest": guest.pk}),
        Case({"pk": held_a.pk}, _MANAGE_A),
        Case({"pk": held_b.pk}, _MANAGE_B),
        Case({"pk": held_a.pk}, _SAVED_A, method="post", data=_attendance_data(held_a, "absent")),
        Case({"pk": held_b.pk}, _SAVED_B, method="post", data=_attendance_data(held_b, "absent")),
        # Someone of another branch cannot be put on the list: the page again with the message.
        Case(
            {"pk": held_a.pk},
            _MANAGE_A,
            method="post",
            data={"action": "attendees", "members": [w.member_b.pk], "version": held_a.version},
        ),
        Case(
            {"pk": held_a.pk},
            _SAVED_A,
            method="post",
            data={"action": "guest_add", "name": "刘积极", "kind": "activist"},
        ),
        Case({"pk": _meeting(w.branch_a, "finalised").pk}, _SAVED_A),
    ]


def _finalise_cases(w):
    held_a = _meeting(w.branch_a, "held")
    return [
        Case({"pk": held_a.pk}, _MANAGE_A),
        Case({"pk": _meeting(w.branch_b, "held").pk}, _MANAGE_B),
        Case({"pk": held_a.pk}, _SAVED_A, method="post", data={"version": held_a.version}),
        Case({"pk": _meeting(w.branch_a, "finalised").pk}, _SAVED_A),
    ]


def _amend_cases(w):
    final_a = _meeting(w.branch_a, "finalised")
    return [
        Case({"pk": final_a.pk}, _MANAGE_A),
        Case({"pk": final_a.pk}, _MANAGE_A, query="field=decisions"),
        Case({"pk": _meeting(w.branch_b, "finalised").pk}, _MANAGE_B),
        Case(
            {"pk": final_a.pk},
            _SAVED_A,
            method="post",
            data={"field": "minutes", "new_value": "更正后的会议内容", "reason": "记录有误"},
        ),
        # Without a reason: the form again with the message.
        Case({"pk": final_a.pk}, _MANAGE_A, method="post", data={"field": "minutes", "new_value": "x", "reason": ""}),
        # A record not yet finalised is edited directly: back to the record with a message.
        Case({"pk": _meeting(w.branch_a, "held").pk}, _SAVED_A),
    ]


def _cancel_cases(w):
    planned_a = _meeting(w.branch_a)
    return [
        Case({"pk": planned_a.pk}, _MANAGE_A),
        Case({"pk": _meeting(w.branch_b).pk}, _MANAGE_B),
        Case(
            {"pk": planned_a.pk},
            _SAVED_A,
            method="post",
            data={"reason": "与上级会议冲突", "version": planned_a.version},
        ),
        Case({"pk": _meeting(w.branch_a, "held").pk}, _SAVED_A),
    ]


def _delete_cases(w):
    held_a = _meeting(w.branch_a, "held")
    return [
        Case({"pk": held_a.pk}, _MANAGE_A),
        Case({"pk": _meeting(w.branch_b).pk}, _MANAGE_B),
        Case({"pk": held_a.pk}, _SAVED_A, method="post"),
    ]


def _restore_cases(w):
    return [
        Case({"pk": _deleted(w.branch_a).pk}, _SAVED_A, method="post"),
        Case({"pk": _deleted(w.branch_b).pk}, _SAVED_B, method="post"),
        # A meeting not in the recycle bin cannot be restored.
        Case({"pk": _meeting(w.branch_a).pk}, {}, method="post"),
    ]


def _history_cases(w):
    return [
        Case({"pk": _meeting(w.branch_a, "finalised").pk}, _READ_A),
        Case({"pk": _meeting(w.branch_b).pk}, _READ_B),
        Case({"pk": _meeting(w.branch_a).pk}, _READ_A, query="page=5"),
    ]


CASES = {
    "meetings:list": _list_cases,
    "meetings:create": _create_cases,
    "meetings:detail": _detail_cases,
    "meetings:edit": _edit_cases,
    "meetings:attendance": _attendance_cases,
    "meetings:finalise": _finalise_cases,
    "meetings:amend": _amend_cases,
    "meetings:cancel": _cancel_cases,
    "meetings:delete": _delete_cases,
    "meetings:trash": lambda w: [Case({}, _MANAGERS), Case({}, _MANAGERS, query="page=3")],
    "meetings:restore": _restore_cases,
    "meetings:history": _history_cases,
}

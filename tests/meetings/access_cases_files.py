"""Access-matrix entries for photos, attachments, the minutes PDF, the calendar, the .ics feed and "my meetings".

Merged into tests/meetings/access_cases.py. A meeting of branch A is read by its members, A's secretary, the reviewer
of P1 and admins, and managed by A's secretary and admins; branch B's by B's secretary and admins.
"""

from members.access import SYSTEM
from tests.matrix import Case

_READ_A = {"member": 200, "secretary_a": 200, "reviewer": 200, "admin": 200}
_READ_B = {"secretary_b": 200, "admin": 200}
_MANAGE_A = {"secretary_a": 200, "admin": 200}
_MANAGE_B = {"secretary_b": 200, "admin": 200}
_SAVED_A = {"secretary_a": 302, "admin": 302}
_EVERYONE = {"member": 200, "secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}


def _meeting(organisation, attendees=()):
    from tests.factories import make_meeting

    return make_meeting(organisation, ("theme_day",), status="held", attendees=attendees, minutes="会议内容")


def _photo(meeting):
    from meetings.services import meeting_photo_add
    from tests.members.images import image_bytes, upload

    return meeting_photo_add(meeting=meeting, upload=upload(image_bytes()), caption="合影", by=SYSTEM)


def _pdf_upload(name: str = "学习材料.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")


def _attachment(meeting):
    from meetings.services import meeting_attachment_add

    return meeting_attachment_add(meeting=meeting, upload=_pdf_upload(), by=SYSTEM)


def _photo_data() -> dict:
    from tests.members.images import image_bytes, upload

    return {"images": upload(image_bytes()), "caption": "会场"}


def _photo_cases(w):
    a, b = _meeting(w.branch_a, [w.member_a]), _meeting(w.branch_b)
    photo_a, photo_b = _photo(a), _photo(b)
    return [
        Case({"pk": a.pk, "photo_pk": photo_a.pk}, _READ_A),
        Case({"pk": b.pk, "photo_pk": photo_b.pk}, _READ_B),
        # A photo asked for under another meeting's address is not found, for everyone.
        Case({"pk": a.pk, "photo_pk": photo_b.pk}, {}),
    ]


def _photo_add_cases(w):
    a, b = _meeting(w.branch_a), _meeting(w.branch_b)
    return [
        Case({"pk": a.pk}, _MANAGE_A),
        Case({"pk": b.pk}, _MANAGE_B),
        Case({"pk": a.pk}, _SAVED_A, method="post", data=_photo_data),
        # Not an image: the form again with the message at the field, nothing saved.
        Case({"pk": a.pk}, _MANAGE_A, method="post",
             data=lambda: {"images": _pdf_upload("photo.jpg")}),
    ]


def _photo_remove_cases(w):
    a, b = _meeting(w.branch_a), _meeting(w.branch_b)
    photo_a, photo_b = _photo(a), _photo(b)
    return [
        Case({"pk": a.pk, "photo_pk": photo_a.pk}, _MANAGE_A),
        Case({"pk": b.pk, "photo_pk": photo_b.pk}, _MANAGE_B),
        Case({"pk": a.pk, "photo_pk": photo_a.pk}, _SAVED_A, method="post"),
        Case({"pk": a.pk, "photo_pk": photo_b.pk}, {}, method="post"),
    ]


def _attachment_cases(w):
    a, b = _meeting(w.branch_a), _meeting(w.branch_b)
    attachment_a, attachment_b = _attachment(a), _attachment(b)
    return [
        Case({"pk": a.pk, "attachment_pk": attachment_a.pk}, _READ_A),
        Case({"pk": b.pk, "attachment_pk": attachment_b.pk}, _READ_B),
        Case({"pk": a.pk, "attachment_pk": attachment_b.pk}, {}),
    ]


def _attachment_add_cases(w):
    a, b = _meeting(w.branch_a), _meeting(w.branch_b)
    return [
        Case({"pk": a.pk}, _MANAGE_A),
        Case({"pk": b.pk}, _MANAGE_B),
        Case({"pk": a.pk}, _SAVED_A, method="post", data=lambda: {"file": _pdf_upload()}),
        # A text file named .pdf: the form again with the message, nothing saved.
        Case({"pk": a.pk}, _MANAGE_A, method="post", data=lambda: {"file": _fake_pdf()}),
        Case({"pk": b.pk}, {"secretary_b": 302, "admin": 302}, method="post", data=lambda: {"file": _pdf_upload()}),
    ]


def _fake_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("报告.pdf", b"just text", content_type="application/pdf")


def _attachment_remove_cases(w):
    a, b = _meeting(w.branch_a), _meeting(w.branch_b)
    attachment_a, attachment_b = _attachment(a), _attachment(b)
    return [
        Case({"pk": a.pk, "attachment_pk": attachment_a.pk}, _MANAGE_A),
        Case({"pk": b.pk, "attachment_pk": attachment_b.pk}, _MANAGE_B),
        Case({"pk": a.pk, "attachment_pk": attachment_a.pk}, _SAVED_A, method="post"),
    ]


def _minutes_cases(w):
    a, b = _meeting(w.branch_a, [w.member_a]), _meeting(w.branch_b, [w.member_b])
    return [Case({"pk": a.pk}, _READ_A), Case({"pk": b.pk}, _READ_B), Case({"pk": 999999}, {})]


def _calendar_cases(w):
    _meeting(w.branch_a, [w.member_a])
    _meeting(w.branch_b)
    return [
        Case({}, _EVERYONE),
        Case({}, _EVERYONE, query="month=2026-02"),
        # A month that is not one shows this month: never a 500.
        Case({}, _EVERYONE, query="month=2026-13"),
        Case({}, _READ_A, query=f"org={w.branch_a.pk}"),
        Case({}, _READ_A, query=f"org={w.group_a1.pk}"),
        Case({}, _READ_B, query=f"org={w.branch_b.pk}"),
        Case({}, {"reviewer": 200, "admin": 200}, query=f"org={w.p1.pk}"),
        Case({}, {}, query="org=999999"),
        Case({}, {}, query="org=abc"),
    ]


def _ics_cases(w):
    from meetings.calendar_views import ics_token

    _meeting(w.branch_a, [w.member_a])
    return [
        # The token is the key: the feed answers to it, whoever (or whatever calendar app) asks.
        Case({"token": ics_token(w.member_user)}, _EVERYONE, anonymous_status=200),
        Case({"token": "forged:token"}, {}, anonymous_status=404),
        # A signed token of a user without a member record has no meetings to show.
        Case({"token": ics_token(w.reviewer)}, {}, anonymous_status=404),
    ]


CASES = {
    "meetings:photo": _photo_cases,
    "meetings:photo_add": _photo_add_cases,
    "meetings:photo_remove": _photo_remove_cases,
    "meetings:attachment": _attachment_cases,
    "meetings:attachment_add": _attachment_add_cases,
    "meetings:attachment_remove": _attachment_remove_cases,
    "meetings:minutes_pdf": _minutes_cases,
    "meetings:calendar": _calendar_cases,
    "meetings:mine": lambda w: [Case({}, _EVERYONE), Case({}, _EVERYONE, query="page=99")],
    "meetings:ics": _ics_cases,
}

"""Every meeting download (minutes PDF, attachments, the .ics feed) is named safely, whatever the names typed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.calendar_views import ics_token
from meetings.services import meeting_attachment_add
from members.access import SYSTEM
from tests.downloads import disposition_name
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

HOSTILE = '运检/营销\\联合"党支部;\n（一）'
UNSAFE = ("/", "\\", '"', ";", "\n", "\r")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_minutes_pdf_of_an_organisation_with_slashes_quotes_and_a_newline_in_its_name(client, world):
    """The minutes download under the whole organisation name (not cut at "/"), with the meeting's date."""
    world.branch_a.name = HOSTILE
    world.branch_a.save()
    meeting = make_meeting(
        world.branch_a,
        starts_at=datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        attendees=[world.member_a],
        minutes="内容",
    )
    client.force_login(world.secretary_a)
    response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    name = disposition_name(response)
    assert name == "运检-营销-联合-党支部-(一)会议记录_2026-11-27.pdf"
    assert not any(c in name for c in UNSAFE)


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("会议材料.pdf", "会议材料.pdf"),
        ('..\\..\\x";y=1\n材料.pdf', "x-y-1-材料.pdf"),
        ('"; filename=evil.exe; x=".pdf', "filename-evil-exe-x.pdf"),
    ],
)
def test_attachment_with_a_hostile_original_name_downloads_under_a_safe_one(client, world, original, expected):
    """An attachment's original name keeps its letters and its extension; separators, quotes, ";" and line
    breaks never reach the header."""
    meeting = make_meeting(world.branch_a, status="held", attendees=[world.member_a], minutes="内容")
    attachment = meeting_attachment_add(meeting=meeting, upload=SimpleUploadedFile(original, PDF), by=SYSTEM)
    assert attachment.original_name == original  # kept as typed, for display
    client.force_login(world.member_user)
    response = client.get(reverse("meetings:attachment", args=[meeting.pk, attachment.pk]))
    assert response.status_code == 200
    assert disposition_name(response) == expected


def test_ics_feed_has_a_safe_inline_name(client, world):
    """The calendar feed is served inline under a plain name."""
    response = client.get(reverse("meetings:ics", kwargs={"token": ics_token(world.member_user)}))
    assert response["Content-Disposition"].startswith("inline;")
    assert disposition_name(response) == "meetings.ics"

"""The minutes PDF: the standard 会议记录 layout with Chinese text, downloadable only by readers of the meeting."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import minutes, selectors
from meetings.models import Amendment, Attendance, Guest
from members.access import scope_for
from tests.factories import MemberFactory, make_meeting
from tests.meetings.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _finalised_meeting(world):
    """A 支部委员会 held on 2026-11-27 14:30–16:00 with one present, one on leave, one absent and a guest."""
    on_leave = MemberFactory(name="钱请假", organisation=world.branch_a)
    absent = MemberFactory(name="孙缺席", organisation=world.branch_a)
    meeting = make_meeting(
        world.branch_a,
        ("committee_meeting",),
        starts_at=datetime(2026, 11, 27, 14, 30, tzinfo=SHANGHAI),
        ends_at=datetime(2026, 11, 27, 16, 0, tzinfo=SHANGHAI),
        status="finalised",
        attendees=[world.secretary_a_member, on_leave, absent],
        present=[world.secretary_a_member],
        topic="研究第四季度党员发展工作",
        place="三楼会议室",
        host=world.secretary_a_member,
        recorder=world.secretary_a_member,
        agenda="一、传达上级文件精神\n二、研究发展对象",
        minutes="会议学习了有关文件。" * 40,
        decisions="同意确定两名发展对象。",
    )
    Attendance.objects.filter(meeting=meeting, member=on_leave).update(state="leave", leave_reason="出差")
    Guest.objects.create(meeting=meeting, name="周积极", kind="activist")
    Amendment.objects.create(
        meeting=meeting, author=world.secretary_a, reason="地点记错", field="place",
        old_value="二楼", new_value="三楼会议室",
    )
    return meeting


def _pdf(world, meeting) -> bytes:
    loaded = selectors.meeting_detail_queryset(scope_for(world.admin)).get(pk=meeting.pk)
    return minutes.minutes_pdf(loaded)


def test_minutes_pdf_has_the_standard_layout_in_chinese(world):
    """The minutes carry the title, time, place, host, recorder, attendance by name with counts and reasons,
    guests, agenda, content, decisions and the amendments, with a page-numbered footer."""
    meeting = _finalised_meeting(world)
    pdf = _pdf(world, meeting)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in (
        "甲党支部会议记录",
        "支部委员会",
        "会议时间",
        "2026年11月27日 14:30—16:00",
        "三楼会议室",
        "主持人",
        "记录人",
        "应到",
        "3人：",
        "实到",
        "1人：张书记",
        "请假",
        "钱请假（出差）",
        "缺席",
        "孙缺席",
        "列席",
        "周积极（入党积极分子）",
        "议程",
        "传达上级文件精神",
        "会议内容",
        "决定事项",
        "同意确定两名发展对象。",
        "更正记录",
        "地点记错",
        "原内容：二楼",
        "第 1 页，共 ",
    ):
        assert expected in text, expected


def test_minutes_pdf_embeds_a_chinese_font_subset(world):
    """The PDF embeds a subset of the Chinese font, so it reads the same on a machine without one."""
    pdf = _pdf(world, _finalised_meeting(world))
    assert b"/FontFile2" in pdf
    assert b"WenQuanYiMicroHei" in pdf or b"DroidSansFallback" in pdf or b"NotoSansCJK" in pdf
    assert len(pdf) < 400_000  # a subset, not the whole 5 MB font


def test_long_minutes_run_onto_more_pages(world):
    """Long content flows onto further pages, each numbered."""
    meeting = _finalised_meeting(world)
    meeting.minutes = "支部书记传达了上级党委会议精神，与会同志逐条讨论。\n" * 120
    meeting.save()
    text = pdf_text(_pdf(world, meeting))
    assert "第 2 页，共 " in text


def test_a_draft_record_is_marked_as_not_finalised(world):
    """A record not yet finalised says so under the title."""
    meeting = make_meeting(world.branch_a, status="held", attendees=[world.member_a], minutes="草稿内容")
    assert "尚未归档" in pdf_text(_pdf(world, meeting))


def test_minutes_download_for_readers_only(client, world):
    """A reader of the meeting downloads the PDF as an attachment; a secretary of another branch gets 404."""
    meeting = _finalised_meeting(world)
    url = reverse("meetings:minutes_pdf", args=[meeting.pk])
    client.force_login(world.member_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(world.secretary_b)
    assert client.get(url).status_code == 404


def test_minutes_query_count_does_not_grow_with_attendees(client, world):
    """The minutes load in the same number of queries with 5 or 40 attendees."""
    client.force_login(world.admin)
    counts = []
    for size in (5, 40):
        people = MemberFactory.create_batch(size, organisation=world.branch_a)
        meeting = make_meeting(world.branch_a, attendees=people, present=people[:2])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
            b"".join(response.streaming_content)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12


def test_font_path_uses_the_setting_or_the_vendored_font(tmp_path):
    """MINUTES_FONT_PATH wins when it names a file; a wrong path is a configuration error; otherwise the
    vendored font is used, so a fresh machine needs no system font."""
    assert minutes.font_path("") == minutes.VENDORED_FONT
    font = tmp_path / "my.ttf"
    font.write_bytes(b"x")
    assert minutes.font_path(str(font)) == font
    with pytest.raises(ImproperlyConfigured):
        minutes.font_path(str(tmp_path / "missing.ttf"))


def test_a_missing_font_is_reported_at_start_up(settings, tmp_path):
    """`manage.py check` warns when MINUTES_FONT_PATH names no file, instead of the first download failing."""
    from meetings.checks import minutes_font_check

    assert minutes_font_check() == []
    settings.MINUTES_FONT_PATH = str(tmp_path / "missing.ttf")
    [warning] = minutes_font_check()
    assert warning.id == "meetings.W001"

"""A branch secretary logs a 支部委员会 in the browser: plan, attendance with one member on leave, minutes, a photo,
finalise, the minutes PDF, and the branch's status for the month turns green."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, MeetingStatus
from members.models import Post
from tests.factories import MemberFactory, make_committee
from tests.members.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-2026")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def _started_this_month() -> str:
    """A start a few minutes ago, but never before the first of the current (local) month."""
    now = timezone.localtime()
    start = max(now - timedelta(minutes=5), now.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
    return start.strftime("%Y-%m-%dT%H:%M")


def test_secretary_logs_a_committee_meeting_and_the_month_turns_green(
    browser, live_server, world, screenshot, tmp_path
):
    """Plan → attendance (全部出席, one on leave with a reason) → minutes → photo → finalise → PDF → green month."""
    officers = [
        MemberFactory(name="组织委员甲", organisation=world.branch_a),
        MemberFactory(name="宣传委员乙", organisation=world.branch_a),
    ]
    for n in range(3):  # 7 正式党员: the branch has a 支委会 and owes its monthly meeting
        MemberFactory(name=f"党员{n}号", organisation=world.branch_a)
    make_committee(
        world.branch_a,
        [
            (world.secretary_a_member, Post.SECRETARY),
            (officers[0], Post.ORGANISATION_OFFICER),
            (officers[1], Post.PUBLICITY_OFFICER),
        ],
    )
    photo = tmp_path / "会场.jpg"
    photo.write_bytes(image_bytes(size=(640, 480)))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    _log_in(page, live_server.url, "secretary_a", reverse("meetings:create"))

    # Plan: the 党课 fields appear only for a 党课.
    assert page.locator("#lecture-fields").is_hidden()
    page.get_by_label("支部委员会").check()
    page.fill("input[name=starts_at]", _started_this_month())
    page.fill("input[name=ends_at]", "")
    page.fill("input[name=place]", "党员活动室")
    page.fill("input[name=topic]", "研究本月党建工作")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert "已安排会议：研究本月党建工作" in page.content()
    meeting = Meeting.objects.get()

    # Attendance: everyone present, then one on leave with a reason.
    with page.expect_navigation():
        page.get_by_role("link", name="出席登记").click()
    page.get_by_role("button", name="全部出席").click()
    page.locator(f"label[for=id_state_{officers[1].pk}_1]").click()
    page.fill(f"input[name=reason_{officers[1].pk}]", "外出培训")
    screenshot(page, "meeting-attendance-1280")
    with page.expect_navigation():
        page.get_by_role("button", name="保存出席情况").click()
    assert "已保存出席情况" in page.content()
    assert "宣传委员乙（外出培训）" in page.locator("[data-testid=on-leave]").inner_text()

    # Minutes.
    with page.expect_navigation():
        page.get_by_role("link", name="编辑/填写记录").click()
    page.fill("textarea[name=minutes]", "研究了本月党建工作安排。")
    page.fill("textarea[name=decisions]", "月底前完成党员信息核对。")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert "研究了本月党建工作安排。" in page.locator("[data-testid=minutes]").inner_text()

    # A photo (optional; the photos section is part of the record page once installed).
    if page.locator("#photo-images").count():
        page.set_input_files("#photo-images", str(photo))
        with page.expect_navigation():
            page.locator("#photos [type=submit]").click()
        assert page.locator("#photos img").count() == 1

    # Finalise: the quorum is met (2 of 3 committee members present).
    with page.expect_navigation():
        page.get_by_role("link", name="归档", exact=True).click()
    assert "达到法定人数" in page.locator("[data-testid=quorum]").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="确认归档").click()
    assert "会议记录已归档" in page.content()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINALISED
    assert page.get_by_role("link", name="编辑/填写记录").count() == 0
    screenshot(page, "meeting-finalised-1280")

    if page.get_by_role("link", name="会议记录PDF").count():
        with page.expect_download() as download:
            page.get_by_role("link", name="会议记录PDF").click()
        with open(download.value.path(), "rb") as handle:
            assert handle.read(5) == b"%PDF-"

    # The branch page: this month's 支部委员会 is done.
    page.goto(f"{live_server.url}{reverse('branches:detail', args=[world.branch_a.pk])}")
    month = timezone.localdate().strftime("%Y-%m")
    calendar = page.locator("[data-testid=compliance-calendar]")
    if calendar.count():
        row = calendar.locator("tr", has=page.locator("th", has_text="支部委员会"))
        cell = row.locator(f'td[data-window="{month}"] [data-status]')
        assert cell.get_attribute("data-status") == "green"
    assert "研究本月党建工作" in page.locator("[data-testid=recent-meetings]").inner_text()
    context.close()

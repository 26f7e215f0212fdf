"""A secretary adds a photo and a document to a meeting record and prints its minutes; a member checks their
meetings on a phone and subscribes to them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_meeting
from tests.members.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-2026")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def test_secretary_adds_a_photo_and_a_document_then_downloads_the_minutes(
    browser, live_server, world, screenshot, tmp_path
):
    """On the meeting page the secretary uploads a photo (shown as a thumbnail) and a PDF (listed for download),
    then downloads the minutes as a PDF."""
    meeting = make_meeting(world.branch_a, ("committee_meeting",), status="held", attendees=[world.secretary_a_member],
                           present=[world.secretary_a_member], topic="研究本月工作", minutes="会议研究了本月工作。")
    photo = tmp_path / "会场.jpg"
    photo.write_bytes(image_bytes(size=(640, 480), gps=True))
    document = tmp_path / "学习材料.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    _log_in(page, live_server.url, "secretary_a", meeting.get_absolute_url())

    page.set_input_files("#photo-images", str(photo))
    page.fill("#photo-caption", "会场")
    with page.expect_navigation():
        page.locator("#photos [type=submit]").click()
    assert "已上传1张照片。" in page.content()
    thumbnail = page.locator("#photos img").first
    thumbnail.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", thumbnail.element_handle())

    page.set_input_files("#attachment-file", str(document))
    with page.expect_navigation():
        page.locator("#attachments [type=submit]").click()
    assert page.locator("#attachments").get_by_role("link", name="学习材料.pdf").count() == 1
    screenshot(page, "meeting-files-1280")

    with page.expect_download() as download:
        page.get_by_role("link", name="会议记录PDF").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert re.fullmatch(r".+会议记录_\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)
    context.close()


def test_member_sees_their_meetings_and_the_calendar_on_a_phone(browser, live_server, world, screenshot):
    """At 390×844 "我的会议" shows the next meeting as a card and the subscription address, and the calendar
    shows a list by day; neither scrolls sideways. The feed address answers with the meeting."""
    starts = timezone.now() + timedelta(days=2)
    make_meeting(world.branch_a, ("theme_day",), starts_at=starts, status="planned", attendees=[world.member_a],
                 topic="下次主题党日", place="党员活动室")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    _log_in(page, live_server.url, "member_t", reverse("meetings:mine"))
    assert page.locator("h1").first.inner_text() == "我的会议"
    assert page.get_by_text("下次主题党日").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "my-meetings-390")

    feed = page.locator("#ics-url").input_value()
    response = page.request.get(feed)
    assert response.status == 200
    assert "SUMMARY:主题党日：下次主题党日" in response.text()

    month = timezone.localtime(starts).strftime("%Y-%m")
    page.goto(f"{live_server.url}{reverse('meetings:calendar')}?month={month}")
    assert page.locator(".meeting-calendar").is_hidden()
    assert page.get_by_role("link", name="下次主题党日").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "calendar-390")
    context.close()

"""A member hears about a meeting: the bell counts the reminder, the notifications page shows it, '查看' opens the
meeting and marks it read, and on a phone the bell stays visible beside the menu button."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notice
from tests.notifications.helpers import plan, sweep_and_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-2026")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def test_member_sees_a_reminder_opens_the_meeting_and_the_bell_clears(browser, live_server, world, screenshot):
    """Secretary A plans a 主题党日 starting in 30 minutes; the sweep sends the reminder; member A's bell shows 1,
    the page lists it as 未读, '查看' opens the meeting, and back on the page nothing is unread."""
    meeting = plan(world, starts_in=timedelta(minutes=30), attendees=[world.member_a], topic="学习党章")
    sweep_and_send(timezone.now() + timedelta(seconds=1))
    assert Notice.objects.filter(user=world.member_user, shown_at__isnull=False).count() == 1

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, "member_t", reverse("notifications:list"))
    bell = page.locator(f"a[href='{reverse('notifications:list')}']").first
    assert bell.is_visible() and "1" in bell.inner_text()
    card = page.locator(".card", has_text="会议提醒：学习党章")
    assert "未读" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "notifications-phone")
    with page.expect_navigation():
        card.get_by_role("button", name="查看").click()
    assert page.url.endswith(meeting.get_absolute_url())
    page.goto(f"{live_server.url}{reverse('notifications:list')}?unread=1")
    assert "没有未读通知" in page.content()
    context.close()

"""A reviewer checks last quarter's organisational life: red branches first, then the meetings behind a figure."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse

from meetings.models import MeetingType
from tests.factories import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")


def _log_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-2026")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def test_reviewer_filters_red_branches_and_opens_the_meetings_behind_a_figure(browser, live_server, world,
                                                                              screenshot):
    """The reviewer of P1 opens its compliance for 2025-Q3, keeps only red units, and follows branch A's
    主题党日 figure to the finalised meetings it counts; on a phone the same page shows cards, no side scrolling."""
    for month in (7, 8, 9):
        make_meeting(world.branch_a, [T.THEME_DAY], starts_at=datetime(2025, month, 10, 9, tzinfo=SH))
    url = reverse("meetings:compliance", args=[world.p1.pk])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, "reviewer_t", url)
    page.select_option("select[name=period]", "2025-Q3")
    page.select_option("select[name=status]", "red")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    rows = page.locator("[data-testid=compliance-table] tbody tr")
    assert sorted(rows.nth(i).get_attribute("data-organisation") for i in range(rows.count())) == ["A", "A1"]
    assert "逾期" in rows.first.inner_text()
    screenshot(page, "compliance-red-1280")

    figure = page.locator('tr[data-organisation="A"] td[data-type="theme_day"] [data-figure]')
    assert figure.inner_text() == "3/3"
    try:
        reverse("meetings:list")
    except NoReverseMatch:
        pytest.skip("the meeting list is not installed")
    with page.expect_navigation():
        figure.click()
    assert page.url.startswith(f"{live_server.url}{reverse('meetings:list')}?organisation={world.branch_a.pk}")
    assert page.locator("table tbody tr").count() == 3
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    _log_in(page, live_server.url, "reviewer_t", url + "?period=2025-Q3")
    assert page.locator('.card[data-organisation="A"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "compliance-390")
    phone.close()

"""A branch secretary finds a member in the roster and opens their record; the ID number stays masked."""

import pytest
from django.urls import reverse

from members import crypto
from members.models import IdNumberAccess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base_url: str, username: str, password: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    # Anonymous: the roster sends us to the login form first.
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def test_secretary_finds_a_member_and_sees_the_id_number_masked(browser, live_server, world, screenshot):
    """Log in through the form, open the roster, search by ID number (kept out of the address) and by name, open the
    record: the ID number shows masked and the full number is nowhere in the page until the secretary asks for it
    (which is logged)."""
    member = world.member_a
    full_number = crypto.decrypt(member.id_number_encrypted)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()

    _log_in(page, live_server.url, "secretary_a", "pass-2026", reverse("members:list"))
    assert page.url.endswith(reverse("members:list"))
    assert page.locator("h1").first.inner_text().startswith("党员名册")
    screenshot(page, "roster-1280")

    # An ID number typed into the search box finds the member without ever standing in the address.
    page.fill("input[name=q]", full_number)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "idq=" in page.url and full_number not in page.url
    assert page.locator("table tbody tr").count() == 1
    assert full_number not in page.content()

    page.fill("input[name=q]", member.name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "idq=" not in page.url
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert member.id_number_masked in rows.first.inner_text()
    with page.expect_navigation():
        rows.first.get_by_role("link", name=member.name).click()

    assert page.url.endswith(reverse("members:detail", args=[member.pk]))
    assert page.locator("h1").first.inner_text().startswith(member.name)
    assert page.get_by_test_id("id-number-masked").inner_text() == member.id_number_masked
    assert full_number not in page.content()
    screenshot(page, "member-detail-1280")

    # The explicit "show" action reveals the number in place (htmx) and writes the access log.
    page.get_by_role("button", name="显示完整号码").click()
    page.get_by_test_id("id-number-full").wait_for()
    assert page.get_by_test_id("id-number-full").inner_text() == full_number
    assert IdNumberAccess.objects.filter(member=member, user=world.secretary_a).count() == 1
    context.close()


def test_roster_and_record_fit_a_phone(browser, live_server, world, screenshot):
    """At 390×844 the roster shows cards and the record needs no horizontal scrolling."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    _log_in(page, live_server.url, "secretary_a", "pass-2026", reverse("members:list"))
    card = page.locator("a.card", has_text=world.member_a.name)
    assert card.is_visible()
    assert not page.locator("table").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "roster-390")
    with page.expect_navigation():
        card.click()
    assert page.get_by_test_id("id-number-masked").inner_text() == world.member_a.id_number_masked
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "member-detail-390")
    context.close()

"""A secretary moves a member to another secretary's branch, who accepts: the member stays on the sending roster
until then, both see the transfer in flight, and after acceptance the record shows the new branch and the history
keeps both."""

import pytest
from django.urls import reverse

from members.models import Member, Transfer, TransferStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-2026")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def test_secretary_moves_a_member_to_secretary2s_branch_who_accepts(browser, live_server, world, screenshot):
    """secretary_a opens 王党员's record, 转接组织关系 to 乙党支部 (the form refuses the own branch first); the
    member is still on A's roster; secretary_b finds it under 待我支部接收 and accepts; the record now shows 乙党支部
    and its 组织关系转接记录 both branches."""
    member = world.member_a
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, "secretary_a", reverse("members:detail", args=[member.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="转接组织关系").click()
    assert page.url.endswith(reverse("members:transfer_start", args=[member.pk]))

    # Bad input first: no destination at all → the rule is named, nothing is saved.
    page.fill("input[name=reason]", "工作调动")
    with page.expect_navigation():
        page.get_by_role("button", name="发起转接").click()
    assert "请选择转入的党支部" in page.content()
    assert not Transfer.objects.exists()

    page.select_option("select[name=to_organisation]", label=world.branch_b.name)
    page.fill("input[name=dues_paid_until]", "2026-01")
    screenshot(page, "transfer-start-1280")
    with page.expect_navigation():
        page.get_by_role("button", name="发起转接").click()
    transfer = Transfer.objects.get()
    assert page.url.endswith(transfer.get_absolute_url())
    assert page.get_by_test_id("transfer-status").inner_text() == "待接收"
    assert page.get_by_test_id("transfer-destination").inner_text() == world.branch_b.name
    assert Member.objects.get(pk=member.pk).organisation_id == world.branch_a.pk
    # Still on A's roster until accepted.
    page.goto(f"{live_server.url}{reverse('members:list')}?organisation={world.branch_a.pk}")
    assert page.locator("table tbody tr", has_text=member.name).count() == 1
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)  # fmt: skip
    page = context.new_page()
    _log_in(page, live_server.url, "secretary_b", reverse("members:transfers") + "?state=incoming")
    row = page.get_by_test_id("transfer-row").filter(has_text=member.name)
    assert row.count() == 1 and "待接收" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "transfer-incoming-390")
    with page.expect_navigation():
        row.get_by_role("link", name="办理接收").click()
    with page.expect_navigation():
        page.get_by_role("button", name="接收").click()
    assert "已接收" in page.get_by_test_id("transfer-status").inner_text()
    assert "该党员已转入本支部" in page.content()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    moved = Member.objects.get(pk=member.pk)
    assert (moved.organisation_id, moved.party_group_id) == (world.branch_b.pk, None)

    # secretary_b now manages the record; its transfer history keeps both branches.
    page.goto(f"{live_server.url}{reverse('members:detail', args=[member.pk])}")
    history = page.get_by_test_id("member-transfers").inner_text()
    assert world.branch_a.name in history and world.branch_b.name in history
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "transfer-accepted-390")
    context.close()

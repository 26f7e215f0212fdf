"""Study tasks on a phone (390×844): the member opens a task from their home, writes and submits a reflection; the
secretary then sees it completed and returns another member's reflection."""

import pytest
from django.urls import reverse

from members.access import scope_for
from study import services
from study.models import AssignmentState
from tests.factories import MemberFactory, UserFactory
from tests.study.helpers import assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFLECTION = "通过学习，我深刻认识到坚持党的全面领导的重要意义，将在本职工作中落实。"


def _log_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-2026")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def test_member_submits_a_reflection_and_the_secretary_returns_another(browser, live_server, world, screenshot):
    """member_t lands on 我的待办, opens the task, writes and submits a reflection (done); secretary_a sees 1 done
    on the completion page and returns 钱党员's reflection with a comment."""
    other_user = UserFactory(username="other_t")
    other = MemberFactory(name="钱党员", organisation=world.branch_a, user=other_user)
    task = assign(world.branch_a, title="撰写学习心得", completion="reflection", min_length=20)
    services.reflection_save(
        assignment=task.assignments.get(member=other), text=REFLECTION, submit=True, by=scope_for(other_user)
    )

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, "member_t", "/")
    assert page.url.endswith(reverse("dashboards:mine"))
    next_thing = page.get_by_test_id("next-thing")
    assert "撰写学习心得" in next_thing.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "study-my-home-phone")
    with page.expect_navigation():
        next_thing.get_by_role("link").click()
    page.fill("textarea[name=reflection]", "太短")
    with page.expect_navigation():
        page.get_by_role("button", name="提交心得体会").click()
    assert "至少20字" in page.content()
    page.fill("textarea[name=reflection]", REFLECTION)
    with page.expect_navigation():
        page.get_by_role("button", name="提交心得体会").click()
    assert page.get_by_test_id("done").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "study-reflection-done-phone")
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, "secretary_a", reverse("study:detail", args=[task.pk]))
    assert "已完成 2 / 4 人" in page.get_by_test_id("completion-total").inner_text()
    page.goto(f"{live_server.url}{reverse('study:members', args=[task.pk])}")
    with page.expect_navigation():
        page.locator("tr[data-member='钱党员'] a").click()
    page.fill("textarea[name=comment]", "请结合本职工作再谈谈。")
    with page.expect_navigation():
        page.get_by_role("button", name="退回修改").click()
    assert "已退回" in page.content()
    context.close()
    returned = task.assignments.get(member=other)
    assert returned.state == AssignmentState.RETURNED and returned.return_comment == "请结合本职工作再谈谈。"
    assert task.assignments.get(member=world.member_a).state == AssignmentState.DONE

"""A small branch's 民主评议党员 in the browser, from opening to feedback: the secretary opens it and moves it on;
`member`, on a phone-sized screen (390×844), writes their self-assessment and votes; the secretary votes, closes the
ballot, sees the tally, proposes grades, links the 支部党员大会 and gives feedback, which the member reads."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import BallotMark, BallotVoter
from tests.factories import MemberFactory, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _log_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-2026")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def _advance(page) -> None:
    with page.expect_navigation():
        page.locator("form:has(input[value=advance]) button").click()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_branch_runs_its_appraisal_and_member_votes_on_a_phone(browser, live_server, world, screenshot):
    """Open → self-assessment (phone) → ballot (phone, anonymous) → close and tally → grades → confirmation →
    feedback the member reads."""
    MemberFactory(name="陈党员", organisation=world.branch_a)
    base = live_server.url
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True).new_page()

    # The secretary opens this year's appraisal and moves it to self-assessment.
    _log_in(desk, base, "secretary_a", reverse("evaluations:branch", args=[world.branch_a.pk]))
    with desk.expect_navigation():
        desk.get_by_role("button", name="启动").click()
    assert "民主评议党员已启动" in desk.content()
    _advance(desk)

    # The member writes a self-assessment on the phone.
    _log_in(phone, base, "member_t", reverse("evaluations:mine"))
    _fits(phone)
    phone.get_by_role("link", name="填写自我评价").click()
    phone.fill("textarea[name=text]", "认真学习，按时参加组织生活，立足岗位作贡献。")
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存自我评价").click()
    assert "自我评价已保存" in phone.content()

    # Mutual assessment, then the ballot.
    desk.reload()
    _advance(desk)
    _advance(desk)
    assert "已投票 0 人" in desk.content()

    # The member votes on the phone: one grade for each other member.
    phone.goto(f"{base}{reverse('evaluations:mine')}")
    phone.get_by_role("link", name="参加民主测评投票").click()
    _fits(phone)
    screenshot(phone, "appraisal-vote-phone")
    phone.locator("fieldset", has_text="张书记").get_by_label("优秀").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交选票").click()
    assert "投票成功" in phone.content()
    assert "已投票" in phone.content()
    assert BallotVoter.objects.count() == 1 and BallotMark.objects.count() == 3

    # The secretary sees only the turnout, votes (a member of the branch too), closes the ballot, sees the tally.
    appraisal_id = BallotVoter.objects.get().appraisal_id
    desk.goto(f"{base}{reverse('evaluations:detail', args=[appraisal_id])}")
    assert "已投票 1 人" in desk.content() and 'data-testid="tally"' not in desk.content()
    desk.goto(f"{base}{reverse('evaluations:vote', args=[appraisal_id])}")
    with desk.expect_navigation():
        desk.get_by_role("button", name="提交选票").click()
    desk.goto(f"{base}{reverse('evaluations:detail', args=[appraisal_id])}")
    with desk.expect_navigation():
        desk.get_by_role("button", name="结束投票并计票").click()
    assert "计票结果" in desk.content()
    screenshot(desk, "appraisal-tally")

    # Proposal: grades (each 合格), then confirmation by a finalised 支部党员大会.
    _advance(desk)
    desk.get_by_role("link", name="提出评定等次").click()
    for select in desk.locator("main select[name^=g]").all():
        select.select_option("qualified")
    with desk.expect_navigation():
        desk.get_by_role("button", name="保存评定等次").click()
    assert "评定等次已保存" in desk.content()
    _advance(desk)
    make_meeting(world.branch_a, ["general_meeting"], starts_at=timezone.now() - timedelta(minutes=30))
    desk.reload()
    desk.locator("select[name=meeting]").select_option(index=1)
    with desk.expect_navigation():
        desk.get_by_role("button", name="确认并进入反馈").click()
    assert "请向党员反馈评议结果" in desk.content()

    # Feedback to the member, then the appraisal finishes.
    desk.get_by_role("link", name="反馈意见与不合格党员处置").click()
    card = desk.locator(".card", has_text="王党员")
    card.locator("textarea[name=feedback]").fill("继续保持，发挥先锋模范作用。")
    with desk.expect_navigation():
        card.get_by_role("button", name="保存反馈").click()
    desk.goto(f"{base}{reverse('evaluations:detail', args=[appraisal_id])}")
    _advance(desk)

    # The member reads their result and feedback on the phone.
    phone.goto(f"{base}{reverse('evaluations:mine')}")
    result = phone.locator('[data-testid="own-result"]')
    assert "合格" in result.inner_text() and "继续保持" in result.inner_text()
    _fits(phone)
    screenshot(phone, "appraisal-result-phone")
    desk.context.close()
    phone.context.close()

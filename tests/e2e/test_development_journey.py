"""The secretary takes a demo 发展对象 through the political review, training, pre-review and public notice, the
admission vote at the branch's latest finalised 支部党员大会 and the superior's approval: a 预备党员."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo import tree
from development import selectors
from meetings.models import Meeting, MeetingStatus, MeetingType
from members.models import Member, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base_url: str, next_url: str) -> None:
    page.goto(f"{base_url}{next_url}")
    page.fill("input[name=username]", "secretary")
    page.fill("input[name=password]", "demo-pass-2026")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def _record_next(page, step: str, day=None, **fields) -> None:
    """From the person's path: the primary button records the next step, with its date (or its meeting)."""
    with page.expect_navigation():
        page.get_by_test_id("record-next").click()
    assert page.locator("select[name=kind]").input_value() == step
    if day is not None:
        page.fill("input[name=done_on]", day.isoformat())
    for name, value in fields.items():
        if name == "meeting":
            page.select_option("select[name=meeting]", str(value))
        else:
            page.fill(f"input[name={name}]", str(value))
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert page.locator(".alert-success, .alert-warning").count() == 1, page.content()


def test_secretary_takes_a_candidate_through_the_admission_vote_to_probationary_member(
    browser, live_server, screenshot
):
    """From the pipeline board to the path; each step with a real date, the vote at a finalised 支部党员大会 (those
    entitled and present from its roll), the approval; the record becomes a 预备党员 with 入党日期 the vote's day."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    person = (
        Member.objects.filter(organisation__code=tree.SECRETARY_BRANCH, status=Status.CANDIDATE)
        .exclude(development_steps__kind="political_review")
        .order_by("pk")
        .first()
    )
    meeting = (
        Meeting.objects.filter(
            organisation=person.organisation,
            status=MeetingStatus.FINALISED,
            type_links__type=MeetingType.GENERAL_MEETING,
        )
        .order_by("-starts_at")
        .first()
    )
    roll = selectors.vote_roll(meeting)
    candidate_on = person.development_steps.get(kind="candidate").done_on
    vote_day = roll.day

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, reverse("development:index"))
    assert page.url.endswith(reverse("development:board", args=[person.organisation_id]))
    screenshot(page, "development-board-1280")
    with page.expect_navigation():
        page.get_by_role("link", name=person.name).first.click()
    assert page.locator("h1").inner_text().startswith(f"{person.name}的发展进程")

    _record_next(page, "political_review", candidate_on + timedelta(days=10), actor="组织委员")
    _record_next(page, "training", candidate_on + timedelta(days=15), documents="培训结业证书")
    _record_next(page, "pre_review", vote_day - timedelta(days=20), actor="上级党委组织部")
    _record_next(page, "public_notice", vote_day - timedelta(days=14), documents="公示材料")
    _record_next(
        page, "admission_vote", meeting=meeting.pk, votes_for=roll.present, votes_against=0, votes_abstaining=0
    )
    vote = page.get_by_test_id("vote")
    assert (
        f"应到有表决权党员{roll.entitled}人，实到{roll.present}人" in vote.inner_text() and "通过" in vote.inner_text()
    )
    _record_next(page, "admission_approval", timezone.localdate(), actor="上级党委")

    person.refresh_from_db()
    assert (person.status, person.joined_on) == (Status.PROBATIONARY, vote_day)
    assert "预备党员" in page.locator("h1").inner_text()
    assert page.get_by_test_id("next-step").inner_text().startswith("下一步骤：预备党员考察")
    screenshot(page, "development-path-1280")
    context.close()

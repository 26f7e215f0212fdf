"""留党察看 (probation): a period with a start and an end on a member's record. The member keeps their membership
(still on the roster as 正式党员 or 预备党员) but has no 表决权, 选举权 or 被选举权 for its duration; who has a vote is
decided on a given day (Quorum: "Who may vote is decided on the day of the meeting")."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.errors import DomainError
from members import rules, services
from members.access import SYSTEM
from members.models import MEMBER_STATUSES, VOTING_STATUSES, Member, Status
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

START, END = date(2025, 3, 1), date(2026, 2, 28)


# --- Rules ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "under"),
    [
        (START - timedelta(days=1), False),  # the day before it starts
        (START, True),  # its first day
        (END, True),  # its last day (截止日期) is still within it
        (END + timedelta(days=1), False),  # the day after, the rights return
    ],
)
def test_probation_covers_its_first_and_last_day(day, under):
    """留党察看: from 开始日期 to 截止日期, both included."""
    assert rules.under_probation(START, END, day) is under


def test_no_probation_without_its_dates():
    """A record without 留党察看 dates is never under it."""
    assert rules.under_probation(None, None, START) is False
    assert rules.under_probation(START, None, START) is False


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "valid"),
    [
        (date(2025, 3, 1), date(2025, 3, 1), False),  # ends the day it starts
        (date(2025, 3, 1), date(2025, 2, 28), False),  # ends before it starts
        (date(2025, 3, 1), date(2025, 3, 2), True),  # one day
        (date(2025, 3, 1), date(2027, 3, 1), True),  # two years, the longest (Party Constitution, Article 40)
        (date(2025, 3, 1), date(2027, 3, 2), False),  # two years and a day
        (date(2024, 2, 29), date(2026, 2, 28), True),  # from 29 February: two years end on 28 February
        (date(2024, 2, 29), date(2026, 3, 1), False),
    ],
)
def test_probation_lasts_at_most_two_years(starts_on, ends_on, valid):
    """Party Constitution, Article 40: 留党察看 lasts at most two years, and ends after it starts."""
    assert rules.probation_period_valid(starts_on, ends_on) is valid


MEETING_DAY = date(2026, 6, 10)


@pytest.mark.parametrize(
    ("status", "joined_on", "confirmed_on", "full"),
    [
        (Status.FULL, date(2025, 6, 9), MEETING_DAY - timedelta(days=1), True),  # confirmed the day before
        (Status.FULL, date(2025, 6, 10), MEETING_DAY, True),  # confirmed on the day of the meeting
        (Status.FULL, date(2025, 6, 11), MEETING_DAY + timedelta(days=1), False),  # confirmed the day after
        (Status.FULL, None, None, True),  # no dates recorded: a 正式党员 now counts
        (Status.FULL, MEETING_DAY + timedelta(days=1), None, False),  # not yet a member that day
        (Status.PROBATIONARY, date(2025, 6, 9), None, False),  # 预备党员 have no vote
        (Status.LEFT, date(2000, 1, 1), date(2001, 1, 1), False),  # no longer a member
    ],
)
def test_full_member_on_the_day(status, joined_on, confirmed_on, full):
    """Quorum: "a 预备党员 made 正式党员 after the meeting did not vote at it" — 正式党员 on the day, from the
    record's 转正日期 and 入党日期."""
    assert rules.full_member_on(status, joined_on, confirmed_on, MEETING_DAY) is full


@pytest.mark.parametrize(
    ("probation", "vote"),
    [
        ((None, None), True),
        ((MEETING_DAY - timedelta(days=30), MEETING_DAY - timedelta(days=1)), True),  # ended the day before
        ((MEETING_DAY - timedelta(days=30), MEETING_DAY), False),  # its last day is the meeting day
        ((MEETING_DAY, MEETING_DAY + timedelta(days=300)), False),  # starts on the meeting day
        ((MEETING_DAY + timedelta(days=1), MEETING_DAY + timedelta(days=300)), True),  # starts the day after
    ],
)
def test_probation_removes_the_vote_for_its_duration(probation, vote):
    """留党察看 keeps membership but removes 表决权, 选举权 and 被选举权 for its duration."""
    starts_on, ends_on = probation
    assert (
        rules.has_vote_on(
            status=Status.FULL,
            joined_on=date(2010, 1, 1),
            confirmed_on=date(2011, 1, 1),
            probation_starts_on=starts_on,
            probation_ends_on=ends_on,
            day=MEETING_DAY,
        )
        is vote
    )


def test_the_rules_statuses_are_the_models():
    """The rules take plain values: their statuses are those `members.models.Status` stores."""
    assert rules.FULL_STATUS == Status.FULL and (rules.FULL_STATUS,) == VOTING_STATUSES
    assert set(rules.MEMBERSHIP_STATUSES) == set(MEMBER_STATUSES)


# --- Service -------------------------------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"probation_starts_on": date(2025, 3, 1)}, "probation_ends_on", "请填写留党察看截止日期。"),
        ({"probation_ends_on": date(2025, 3, 1)}, "probation_starts_on", "请填写留党察看开始日期。"),
        (
            {"probation_starts_on": date(2025, 3, 1), "probation_ends_on": date(2025, 3, 1)},
            "probation_ends_on",
            "留党察看截止日期应晚于开始日期。",
        ),
        (
            {"probation_starts_on": date(2024, 3, 1), "probation_ends_on": date(2026, 3, 2)},
            "probation_ends_on",
            "留党察看期限最长不超过两年。",
        ),
        (
            {"probation_starts_on": date(1900, 3, 1), "probation_ends_on": date(1901, 3, 1)},
            "probation_starts_on",
            "日期不能早于1921年1月1日。",
        ),
    ],
)
def test_probation_dates_are_checked(world, changes, field, message):
    """Both dates or neither, the end after the start, at most two years, in the sane ranges; the message stands
    at its field and nothing is saved."""
    member = world.member_a
    with pytest.raises(DomainError) as error:
        services.member_update(member=member, data=changes, version=member.version, by=SYSTEM)
    assert (error.value.field, error.value.message) == (field, message)
    member.refresh_from_db()
    assert member.probation_starts_on is None and member.version == 1


def test_probation_dates_lie_in_their_ranges(world):
    """开始日期 not after today, 截止日期 not more than two years ahead (`PROBATION_*_RANGE`)."""
    today = _today()
    tomorrow = today + timedelta(days=1)
    problems = services.member_check(
        data={"probation_starts_on": tomorrow, "probation_ends_on": tomorrow + timedelta(days=30)},
        id_number=None,
        member=world.member_a,
    )
    assert problems["probation_starts_on"] == "日期不能晚于今天。"
    far = today + timedelta(days=3 * 366)
    problems = services.member_check(
        data={"probation_starts_on": today, "probation_ends_on": far}, id_number=None, member=world.member_a
    )
    assert problems["probation_ends_on"].startswith("日期不能晚于")


def test_only_a_party_member_is_put_under_probation(world):
    """留党察看 is a measure for a Party member: an applicant with one running is refused at 政治面貌; a record that
    left the Party after its probation ended keeps the old dates."""
    applicant = MemberFactory(organisation=world.branch_a, status=Status.APPLICANT, joined_on=None, confirmed_on=None)
    today = _today()
    with pytest.raises(DomainError) as error:
        services.member_update(
            member=applicant,
            data={"probation_starts_on": today - timedelta(days=10), "probation_ends_on": today + timedelta(days=300)},
            version=applicant.version, by=SYSTEM
        )
    assert (error.value.field, error.value.message) == ("status", "留党察看只适用于党员（预备党员、正式党员）。")
    former = MemberFactory(
        organisation=world.branch_a,
        status=Status.LEFT,
        probation_starts_on=date(2020, 1, 1),
        probation_ends_on=date(2021, 1, 1),
    )
    services.member_update(member=former, data={"work_unit": "新单位"}, version=former.version, by=SYSTEM)


def test_a_member_under_probation_keeps_membership_and_history(world):
    """Recorded through the service: still a 正式党员 on the roster, counted as a member; each change kept in the
    record's history."""
    member = world.member_a
    today = _today()
    services.member_update(
        member=member,
        data={"probation_starts_on": today - timedelta(days=5), "probation_ends_on": today + timedelta(days=360)},
        version=member.version, by=SYSTEM
    )
    member.refresh_from_db()
    assert member.status == Status.FULL and member.on_probation
    assert not member.has_vote_on(today) and member.has_vote_on(today - timedelta(days=6))
    assert Member.objects.filter(organisation=world.branch_a, status__in=MEMBER_STATUSES, pk=member.pk).exists()
    latest = member.history.order_by("-history_id").first()
    assert latest.probation_starts_on == today - timedelta(days=5)


# --- Pages ---------------------------------------------------------------------------------------------------------


def _edit_data(member: Member, **changes) -> dict:
    data = {
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(),
        "organisation": member.organisation_id,
        "party_group": member.party_group_id or "",
        "status": member.status,
        "applied_on": member.applied_on.isoformat(),
        "joined_on": member.joined_on.isoformat(),
        "confirmed_on": member.confirmed_on.isoformat(),
        "version": member.version,
        "id_number": "",
    }
    data.update(changes)
    return data


def test_the_secretary_records_probation_on_the_member_form(client, world):
    """The edit page has the two dates; the record then shows the period with a 留党察看 badge, as does the roster,
    and the history page names the change."""
    client.force_login(world.secretary_a)
    member = world.member_a
    today = _today()
    page = client.get(reverse("members:edit", args=[member.pk])).content.decode()
    assert 'name="probation_starts_on"' in page and 'name="probation_ends_on"' in page
    starts, ends = today - timedelta(days=30), today + timedelta(days=335)
    response = client.post(
        reverse("members:edit", args=[member.pk]),
        _edit_data(member, probation_starts_on=starts.isoformat(), probation_ends_on=ends.isoformat()),
    )
    assert response.status_code == 302
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert 'data-testid="probation-badge"' in detail and 'data-testid="probation"' in detail
    assert "察看期内，没有表决权、选举权和被选举权" in detail
    roster = client.get(reverse("members:list")).content.decode()
    assert roster.count('data-testid="probation-badge"') == 2  # the table row and the phone card, this member only
    history = client.get(reverse("members:history", args=[member.pk])).content.decode()
    assert "留党察看开始日期" in history and "留党察看截止日期" in history


def test_the_form_shows_a_probation_problem_at_its_field(client, world):
    """An end before the start comes back at 留党察看截止日期; nothing is saved."""
    client.force_login(world.secretary_a)
    member = world.member_a
    response = client.post(
        reverse("members:edit", args=[member.pk]),
        _edit_data(member, probation_starts_on="2025-06-01", probation_ends_on="2025-05-01"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["probation_ends_on"] == ["留党察看截止日期应晚于开始日期。"]
    member.refresh_from_db()
    assert member.probation_ends_on is None


def test_an_ended_probation_shows_without_the_badge(client, world):
    """After its last day the record still shows the period, without the badge."""
    client.force_login(world.secretary_a)
    member = MemberFactory(
        organisation=world.branch_a, probation_starts_on=date(2023, 1, 1), probation_ends_on=date(2024, 1, 1)
    )
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert 'data-testid="probation"' in detail and 'data-testid="probation-badge"' not in detail

"""Terms above the branch (domain-rules "Term (换届)"): a 党总支's and a 党委's committee election is recorded with
its own term (党支部 and 党总支: 5 years in 村 and 社区, 3 elsewhere; 基层党委: 5 years), an approved extension of at
most one year is recorded with its approval date (also for branches), and the warnings follow the end in force."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches import rules, services
from branches.errors import DomainError
from branches.models import CommitteeTerm, Domain, Level
from members import services as member_services
from members.access import SYSTEM, scope_for
from members.models import Post, Status
from notifications.models import Notice, NoticeKind
from notifications.services import compliance_alerts_create
from tests.factories import MemberFactory, UserFactory, make_committee, make_org

pytestmark = pytest.mark.django_db


# --- Rules ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "domain", "years"),
    [
        (Level.BRANCH, Domain.RURAL, 5),
        (Level.BRANCH, Domain.COMMUNITY, 5),
        (Level.BRANCH, Domain.STATE_ENTERPRISE, 3),
        (Level.GENERAL_BRANCH, Domain.RURAL, 5),  # 党总支: as a branch, 5 years in 村 and 社区
        (Level.GENERAL_BRANCH, Domain.COMMUNITY, 5),
        (Level.GENERAL_BRANCH, Domain.RESEARCH, 3),  # ... and 3 elsewhere
        (Level.PRIMARY_COMMITTEE, Domain.STATE_ENTERPRISE, 5),  # 基层党委: 5 years whatever the domain
        (Level.PRIMARY_COMMITTEE, Domain.RURAL, 5),
        (Level.SUPERIOR_COMMITTEE, Domain.STATE_ENTERPRISE, 5),  # a higher 党委: 5 years too
    ],
)
def test_term_years_follow_the_level_and_the_domain(level, domain, years):
    """Term (换届): 党支部 and 党总支 5 years in 村 and 社区, 3 elsewhere; 基层党委 5 years."""
    assert rules.term_years(domain, level) == years
    assert rules.term_ends_on(domain, date(2024, 2, 29), level) == date(2024 + years, 2, 28)


@pytest.mark.parametrize(
    ("extended_until", "allowed"),
    [
        (date(2026, 3, 1), False),  # the day the term ends: no extension
        (date(2026, 2, 28), False),  # before it ends
        (date(2026, 3, 2), True),  # the day after
        (date(2027, 3, 1), True),  # a full year, the longest
        (date(2027, 3, 2), False),  # a year and a day
    ],
)
def test_an_extension_is_at_most_one_year(extended_until, allowed):
    """Term (换届): an extension of at most one year after the term's end."""
    assert rules.extension_allowed(date(2026, 3, 1), extended_until) is allowed


@pytest.mark.parametrize(
    ("extended_until", "today", "state"),
    [
        (None, date(2026, 3, 2), "overdue"),  # the day after the end, no extension
        (date(2026, 12, 31), date(2026, 3, 2), "ok"),  # extended: not overdue
        (date(2026, 12, 31), date(2026, 10, 2), "due_soon"),  # 90 days before the extension's end
        (date(2026, 12, 31), date(2026, 12, 31), "due_soon"),  # its last day
        (date(2026, 12, 31), date(2027, 1, 1), "overdue"),  # the day after the extension
    ],
)
def test_the_warnings_follow_the_end_in_force(extended_until, today, state):
    """Term (换届): the portal warns before the term ends and flags an overdue 换届, by the end in force."""
    assert rules.term_state(rules.term_end(date(2026, 3, 1), extended_until), today) == state


# --- Elections above the branch ------------------------------------------------------------------------------------


@pytest.fixture
def general(world):
    """党总支 G under P1 with branch C below it; C has two 正式党员, and one member is under 留党察看 today."""
    general_branch = make_org(world.p1, level=Level.GENERAL_BRANCH, domain=Domain.RURAL, name="丙党总支")
    branch_c = make_org(general_branch, level=Level.BRANCH, name="丙党支部")
    general_branch.refresh_from_db()
    today = timezone.localdate()
    return {
        "org": general_branch,
        "branch": branch_c,
        "secretary": MemberFactory(name="总支书记", organisation=branch_c, user=UserFactory(username="gsec")),
        "officer": MemberFactory(name="总支委员", organisation=branch_c),
        "on_probation": MemberFactory(
            name="察看党员",
            organisation=branch_c,
            probation_starts_on=today - timedelta(days=30),
            probation_ends_on=today + timedelta(days=300),
        ),
    }


def test_a_general_branch_elects_its_committee_from_the_branches_below(world, general):
    """A 党总支 records its election; 5 years in 村 (its domain); its 书记 then manages its subtree."""
    term = member_services.committee_term_start(
        organisation=general["org"],
        elected_on=date(2025, 6, 1),
        posts=[(general["secretary"], Post.SECRETARY), (general["officer"], Post.ORGANISATION_OFFICER)],
        by=SYSTEM,
    )
    assert term.term_ends_on == date(2030, 6, 1) and term.is_current
    user = type(general["secretary"].user).objects.get(pk=general["secretary"].user_id)
    assert scope_for(user).may_elect(general["org"]) and scope_for(user).may_elect(general["branch"])


def test_a_primary_committee_serves_five_years(world):
    """基层党委: 5 years, whatever its domain (P1 is a 国有企业 党委); its holders come from any branch below it."""
    term = member_services.committee_term_start(
        organisation=world.p1,
        elected_on=date(2024, 6, 1),
        posts=[(world.secretary_a_member, Post.SECRETARY)],
        by=SYSTEM,
    )
    assert term.term_ends_on == date(2029, 6, 1)


def _refused(organisation, posts, elected_on=date(2025, 6, 1)) -> DomainError:
    before = list(CommitteeTerm.objects.values_list("pk", "is_current"))
    with pytest.raises(DomainError) as error:
        member_services.committee_term_start(organisation=organisation, elected_on=elected_on, posts=posts, by=SYSTEM)
    assert list(CommitteeTerm.objects.values_list("pk", "is_current")) == before
    return error.value


def test_holders_come_from_the_subtree(world, general):
    """A member of a branch outside the 党总支 (branch A) cannot sit on its committee."""
    error = _refused(general["org"], [(general["secretary"], Post.SECRETARY), (world.member_a, Post.COMMITTEE_MEMBER)])
    assert error.message == f"委员须为本组织所属党支部的正式党员：{world.member_a.name}。"


def test_a_member_under_probation_cannot_be_elected(world, general):
    """留党察看 removes 被选举权: refused on the election day within the period, also for a branch committee."""
    today = timezone.localdate()
    error = _refused(
        general["org"],
        [(general["secretary"], Post.SECRETARY), (general["on_probation"], Post.COMMITTEE_MEMBER)],
        elected_on=today,
    )
    assert error.message == "察看党员在留党察看期内，没有被选举权。"
    branch_error = _refused(general["branch"], [(general["on_probation"], Post.SECRETARY)], elected_on=today)
    assert "没有被选举权" in branch_error.message
    # Elected before the probation began: the day's rights count.
    member_services.committee_term_start(
        organisation=general["branch"],
        elected_on=today - timedelta(days=31),
        posts=[(general["on_probation"], Post.SECRETARY)],
        by=SYSTEM,
    )


def test_a_member_confirmed_after_the_election_day_was_not_electable(world, general):
    """被选举权 on the election day: a 正式党员 confirmed the day after it was a 预备党员 then."""
    late = MemberFactory(organisation=general["branch"], joined_on=date(2024, 6, 2), confirmed_on=date(2025, 6, 2))
    error = _refused(general["org"], [(late, Post.SECRETARY)], elected_on=date(2025, 6, 1))
    assert late.name in error.message
    probationary = MemberFactory(organisation=general["branch"], status=Status.PROBATIONARY, confirmed_on=None)
    assert probationary.name in _refused(general["org"], [(probationary, Post.SECRETARY)]).message


def test_a_committee_above_the_branch_is_not_held_to_seven(world, general):
    """The limit of 7 is the 支委会's; a 党委 may have more members."""
    holders = [MemberFactory(organisation=general["branch"]) for _i in range(8)]
    posts = [(holders[0], Post.SECRETARY)] + [(m, Post.COMMITTEE_MEMBER) for m in holders[1:]]
    term = member_services.committee_term_start(
        organisation=world.p1, elected_on=date(2025, 6, 1), posts=posts, by=SYSTEM
    )
    assert term.posts.count() == 8


def test_a_party_group_elects_no_committee(world):
    """A 党小组 has no committee: its election is refused."""
    error = _refused(world.group_a1, [(world.secretary_a_member, Post.SECRETARY)])
    assert error.message == "只有党支部、党总支和党委可以选举委员会；党小组不设委员会。"


def test_the_election_page_of_a_general_branch(client, world, general):
    """The admin records a 党总支's election on its page: the choices are the subtree's 正式党员 with 被选举权
    (named with their branch); the 党总支's page then shows the term and its 书记; the branch secretary below
    cannot open it."""
    client.force_login(world.admin)
    url = reverse("branches:committee", args=[general["org"].pk])
    page = client.get(url)
    assert page.status_code == 200
    labels = dict(page.context["form"].fields["secretary"].choices)
    assert labels[general["secretary"].pk] == "总支书记（丙党支部）"
    assert general["on_probation"].pk not in labels and world.member_a.pk not in labels
    response = client.post(
        url, {"elected_on": "2025-06-01", "secretary": general["secretary"].pk, "organisation_officer": ""}
    )
    assert response.status_code == 302
    detail = client.get(general["org"].get_absolute_url())
    html = detail.content.decode()
    assert "委员会换届" in html and "总支书记" in html and "2030年6月1日" in html
    assert detail.context["past_terms"] == []
    client.force_login(world.secretary_a)
    assert client.get(url).status_code == 404


# --- Extensions ----------------------------------------------------------------------------------------------------


TOO_LONG = "延期后的届满日期应晚于原届满日期（2026-03-01），且延期最长不超过一年。"


def _term(world, elected_on: date) -> CommitteeTerm:
    return make_committee(world.branch_a, [(world.secretary_a_member, Post.SECRETARY)], elected_on=elected_on)


@pytest.mark.parametrize(
    ("extended_until", "approved_on", "field", "message"),
    [
        (date(2026, 3, 1), date(2026, 2, 1), "extended_until", TOO_LONG),
        (date(2027, 3, 2), date(2026, 2, 1), "extended_until", TOO_LONG),
        (date(2026, 9, 1), date(2023, 2, 28), "extension_approved_on", "批准日期不能早于本届选举日期（2023-03-01）。"),
        (date(2026, 9, 1), None, "extension_approved_on", "请填写上级党组织批准延期的日期。"),
        (None, date(2026, 2, 1), "extended_until", "请填写延期后的届满日期。"),
    ],
)  # fmt: skip
def test_an_extension_is_checked(world, extended_until, approved_on, field, message):
    """At most a year after the end, after it, approved (not before the election): each problem at its field."""
    term = _term(world, date(2023, 3, 1))
    problems = services.extension_check(term=term, extended_until=extended_until, approved_on=approved_on)
    assert problems[field] == message


def test_an_extension_approved_tomorrow_is_refused(world):
    """批准日期 is a date already passed: not after today."""
    term = _term(world, date(2023, 3, 1))
    tomorrow = timezone.localdate() + timedelta(days=1)
    problems = services.extension_check(term=term, extended_until=date(2026, 9, 1), approved_on=tomorrow)
    assert problems["extension_approved_on"] == "日期不能晚于今天。"


def test_only_the_current_term_is_extended(world):
    """A past term cannot be extended."""
    old = _term(world, date(2020, 3, 1))
    _term(world, date(2023, 3, 1))
    old.refresh_from_db()
    with pytest.raises(DomainError, match="只能为现任委员会办理延期换届"):
        services.committee_term_extend(
            term=old, extended_until=date(2023, 9, 1), approved_on=date(2023, 2, 1), by=SYSTEM
        )


def test_an_extension_moves_the_warnings_on_the_page_and_in_the_alerts(client, world):
    """An overdue branch term extended by the superior is no longer overdue: the page shows the extension and the
    alerts follow the extension's end."""
    today = timezone.localdate()
    term = _term(world, rules.years_after(today, -3) - timedelta(days=10))  # ended ten days ago
    client.force_login(world.secretary_a)
    page = client.get(world.branch_a.get_absolute_url())
    assert page.context["term_state"] == "overdue"
    assert "记录经批准的延期换届" in page.content.decode()
    response = client.post(
        reverse("branches:committee_extend", args=[world.branch_a.pk]),
        {
            "extended_until": (term.term_ends_on + timedelta(days=180)).isoformat(),
            "extension_approved_on": (term.term_ends_on - timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.extended_until == term.term_ends_on + timedelta(days=180)
    page = client.get(world.branch_a.get_absolute_url())
    assert page.context["term_state"] == "ok"
    assert 'data-testid="term-extension"' in page.content.decode()
    compliance_alerts_create(today=today, by=SYSTEM)
    assert not Notice.objects.filter(kind=NoticeKind.TERM_ENDING, organisation=world.branch_a).exists()
    compliance_alerts_create(today=term.extended_until + timedelta(days=1), by=SYSTEM)
    assert Notice.objects.filter(kind=NoticeKind.TERM_ENDING, organisation=world.branch_a).exists()
    assert term.history.filter(extended_until__isnull=False).exists()


def test_the_extension_form_refuses_more_than_a_year(client, world):
    """The page shows the problem at its field; nothing is saved."""
    term = _term(world, date(2023, 3, 1))
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("branches:committee_extend", args=[world.branch_a.pk]),
        {"extended_until": "2027-06-01", "extension_approved_on": "2026-02-01"},
    )
    assert response.status_code == 200
    assert "延期最长不超过一年" in response.context["form"].errors["extended_until"][0]
    term.refresh_from_db()
    assert term.extended_until is None


def test_a_general_branch_term_alerts_its_secretary_and_the_parents_reviewers(world, general):
    """An overdue 党总支 term: its 书记 and the reviewers of its parent (P1) are told, once per state."""
    today = timezone.localdate()
    member_services.committee_term_start(
        organisation=general["org"],
        elected_on=rules.years_after(today, -5) - timedelta(days=1),
        posts=[(general["secretary"], Post.SECRETARY)],
        by=SYSTEM,
    )
    compliance_alerts_create(today=today, by=SYSTEM)
    notices = Notice.objects.filter(kind=NoticeKind.TERM_ENDING, organisation=general["org"])
    assert {n.user_id for n in notices} == {general["secretary"].user_id, world.reviewer.pk}
    assert all(n.body.startswith("丙党总支委员会任期于") for n in notices)
    compliance_alerts_create(today=today, by=SYSTEM)
    assert notices.count() == 2


def test_the_admin_holds_an_extension_to_the_same_rule(rf, world):
    """In the Django admin too, an extension ends after the term and at most a year later, with its approval."""
    from django.contrib import admin

    term = _term(world, date(2023, 3, 1))
    request = rf.get("/")
    request.user = world.admin
    form_class = admin.site._registry[CommitteeTerm].get_form(request, term)
    data = {
        "organisation": world.branch_a.pk,
        "elected_on": "2023-03-01",
        "term_ends_on": "2026-03-01",
        "is_current": "on",
        "extended_until": "2027-03-02",
        "extension_approved_on": "2026-02-01",
    }
    form = form_class(data=data, instance=term)
    assert not form.is_valid()
    assert form.errors["extended_until"] == ["延期后的届满日期应晚于原届满日期，且延期最长不超过一年。"]
    form = form_class(data={**data, "extended_until": "2027-03-01"}, instance=term)
    assert form.is_valid(), form.errors
    form = form_class(data={**data, "extension_approved_on": ""}, instance=term)
    assert form.errors["extension_approved_on"] == ["请填写上级党组织批准延期的日期。"]

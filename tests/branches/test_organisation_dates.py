"""Organisation, election and reviewer dates: refused out of their ranges in the forms, the services and the admin;
an organisation whose stored dates cannot be read still opens, the dates shown as 日期无效."""

from datetime import date

import pytest
from django.urls import reverse

from branches import services
from branches.errors import DomainError
from branches.models import CommitteeTerm, Level, Organisation
from members import services as member_services
from members.access import SYSTEM
from members.models import Post
from tests.raw_dates import bad_day, store_raw

pytestmark = pytest.mark.django_db


def _organisation_data(**changes) -> dict:
    data = {"name": "新支部", "code": "NEW", "level": Level.BRANCH, "domain": "state_enterprise", "form": "single"}
    return {**data, **changes}


@pytest.mark.parametrize(
    ("founded_on", "message"),
    [
        ("1920-12-31", "日期不能早于1921年1月1日。"),
        ("0001-01-01", "日期不能早于1921年1月1日。"),
        ("9999-12-31", "日期不能晚于今天。"),
    ],
)
def test_a_founding_date_out_of_range_is_refused_in_the_form(client, world, founded_on, message):
    """成立日期 lies between the Party's founding (1921) and today; nothing is created otherwise."""
    client.force_login(world.admin)
    url = reverse("branches:create", args=[world.p1.pk])
    response = client.post(url, _organisation_data(founded_on=founded_on))
    assert response.status_code == 200
    assert response.context["form"].errors["founded_on"] == [message]
    assert not Organisation.objects.filter(code="NEW").exists()


def test_the_services_refuse_organisation_and_election_dates_out_of_range(world):
    """`organisation_create` and `committee_term_start` check the same ranges, whoever calls them."""
    with pytest.raises(DomainError, match="日期不能早于1921年1月1日") as error:
        services.organisation_create(parent=world.p1, data=_organisation_data(founded_on=date(1, 1, 1)), by=SYSTEM)
    assert error.value.field == "founded_on"
    posts = [(world.secretary_a_member, Post.SECRETARY)]
    with pytest.raises(DomainError, match="日期不能早于1921年1月1日") as error:
        member_services.committee_term_start(
            organisation=world.branch_a, elected_on=date(202, 1, 10), posts=posts, by=SYSTEM
        )
    assert error.value.field == "elected_on"


def test_the_election_form_refuses_a_date_out_of_range(client, world):
    """选举日期 of a 换届 in year 0202 is refused at the field."""
    client.force_login(world.secretary_a)
    url = reverse("branches:committee", args=[world.branch_a.pk])
    response = client.post(url, {"elected_on": "0202-01-10", "secretary": world.secretary_a_member.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["elected_on"] == ["日期不能早于1921年1月1日。"]


def test_the_admin_refuses_term_and_appointment_dates_out_of_range(client, world):
    """The admin's committee term and reviewer appointment forms check their ranges with the same messages."""
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:branches_reviewerappointment_add"),
        {"user": world.member_user.pk, "organisation": world.p2.pk, "appointed_on": "0001-01-01"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["appointed_on"] == ["日期不能早于1921年1月1日。"]
    term = CommitteeTerm.objects.get(organisation=world.branch_a, is_current=True)
    response = client.post(
        reverse("admin:branches_committeeterm_change", args=[term.pk]),
        {
            "organisation": world.branch_a.pk,
            "elected_on": term.elected_on.isoformat(),
            "term_ends_on": "9999-12-31",
            "is_current": "on",
            "posts-TOTAL_FORMS": 0,
            "posts-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "日期不能晚于" in response.context["adminform"].form.errors["term_ends_on"][0]


@pytest.mark.parametrize("kind", ["bc", "after_9999"])
def test_an_organisation_with_unreadable_dates_still_opens(client, world, kind):
    """A founding date and a committee term whose stored dates cannot be read show as 日期无效 on the organisation's
    page, its list, its history and in the admin."""
    store_raw(world.branch_a, "founded_on", bad_day(kind))
    term = CommitteeTerm.objects.get(organisation=world.branch_a, is_current=True)
    store_raw(term, "elected_on", bad_day("bc"))
    store_raw(term, "term_ends_on", bad_day("after_9999"))
    client.force_login(world.secretary_a)
    detail = client.get(reverse("branches:detail", args=[world.branch_a.pk]))
    assert detail.status_code == 200 and "日期无效" in detail.content.decode()
    for url in (
        reverse("branches:history", args=[world.branch_a.pk]),
        reverse("branches:committee", args=[world.branch_a.pk]),
        reverse("branches:edit", args=[world.branch_a.pk]),
        reverse("branches:list"),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(world.admin)
    for url in (
        reverse("admin:branches_organisation_changelist") + "?q=甲党支部",
        reverse("admin:branches_organisation_change", args=[world.branch_a.pk]),
        reverse("admin:branches_committeeterm_changelist"),
        reverse("admin:branches_committeeterm_change", args=[term.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "日期无效" in response.content.decode(), url

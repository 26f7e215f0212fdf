"""Organisation pages: structure checks, the committee and its term, breadcrumbs, bad input and query counts."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import Level, Organisation
from members.models import Member, Post, Status
from tests.factories import MemberFactory, make_committee, make_org

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


@pytest.fixture
def today(monkeypatch):
    """Pages compute term states against a fixed day."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _detail(client, user, organisation) -> str:
    client.force_login(user)
    response = client.get(reverse("branches:detail", args=[organisation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _problem_codes(html: str) -> set[str]:
    return set(re.findall(r'<li data-code="([a-z_]+)">', html))


def test_branch_with_fewer_than_three_full_members_is_flagged(client, world):
    """A branch with fewer than 3 正式党员 (not 联合组建) shows the structure warning on its page."""
    small = make_org(world.p1, level=Level.BRANCH, name="小支部")
    MemberFactory(organisation=small)
    MemberFactory(organisation=small, status=Status.PROBATIONARY, confirmed_on=None)
    html = _detail(client, world.admin, small)
    assert 'data-testid="structure-problems"' in html
    assert _problem_codes(html) == {"too_few"}
    assert "正式党员不足3名" in html


def test_branch_of_seven_without_committee_is_flagged(client, world):
    """Seven or more 正式党员 without a 支部委员会 is flagged; a committee of 3 clears it."""
    branch = make_org(world.p1, level=Level.BRANCH, name="七人支部")
    people = [MemberFactory(organisation=branch) for _ in range(7)]
    assert _problem_codes(_detail(client, world.admin, branch)) == {"no_committee"}
    make_committee(branch, [(people[0], Post.SECRETARY), (people[1], Post.ORGANISATION_OFFICER),
                            (people[2], Post.DISCIPLINE_OFFICER)])
    html = _detail(client, world.admin, branch)
    assert _problem_codes(html) == set()
    assert 'data-testid="structure-problems"' not in html


def test_branch_over_fifty_is_flagged(client, world, settings):
    """More than 50 党员 in one branch is flagged (正式 and 预备 together)."""
    branch = make_org(world.p1, level=Level.BRANCH, name="大支部")
    people = [MemberFactory(organisation=branch) for _ in range(48)]
    for _ in range(3):
        MemberFactory(organisation=branch, status=Status.PROBATIONARY, confirmed_on=None)
    make_committee(branch, [(people[0], Post.SECRETARY), (people[1], Post.ORGANISATION_OFFICER),
                            (people[2], Post.DISCIPLINE_OFFICER)])
    assert _problem_codes(_detail(client, world.admin, branch)) == {"too_many"}


def test_a_joint_branch_is_not_flagged_for_few_members(client, world):
    """Branch A (2 正式党员, 1 预备党员) only lacks members; a joint branch of the same size is not flagged."""
    assert _problem_codes(_detail(client, world.secretary_a, world.branch_a)) == {"too_few"}
    Organisation.objects.filter(pk=world.branch_a.pk).update(form="joint")
    assert _problem_codes(_detail(client, world.secretary_a, world.branch_a)) == set()


@pytest.mark.parametrize(
    ("elected_on", "state", "label"),
    [
        (date(2024, 1, 10), "ok", "正常"),  # ends 2027-01-10
        (date(2023, 8, 1), "due_soon", "即将届满"),  # ends 2026-08-01, within 90 days
        (date(2023, 3, 1), "overdue", "已超期"),  # ended 2026-03-01
    ],
)
def test_committee_term_shows_due_soon_and_overdue(client, world, today, elected_on, state, label):
    """换届: a three-year term shows 正常, 即将届满 within 90 days of its end and 已超期 after it, with a text label."""
    make_committee(world.branch_a, [(world.secretary_a_member, Post.SECRETARY)], elected_on=elected_on)
    html = _detail(client, world.secretary_a, world.branch_a)
    assert f'data-term-state="{state}">{label}</span>' in html


def test_rural_branch_serves_five_years(client, world, today):
    """A 农村 branch elected in 2022 is still within its five-year term in 2026."""
    rural = make_org(world.p1, level=Level.BRANCH, domain="rural", name="村党支部")
    holder = MemberFactory(organisation=rural)
    make_committee(rural, [(holder, Post.SECRETARY)], elected_on=date(2022, 3, 1))
    html = _detail(client, world.admin, rural)
    assert 'data-term-state="ok"' in html
    assert "2027年3月1日" in html


def test_committee_lists_the_secretary_first(client, world):
    """The committee card lists posts in the order of the regulation: 书记, 副书记, then the 委员."""
    people = [MemberFactory(organisation=world.branch_a, name=f"委员{i}") for i in range(3)]
    make_committee(world.branch_a, [
        (people[0], Post.DISCIPLINE_OFFICER),
        (people[1], Post.DEPUTY_SECRETARY),
        (world.secretary_a_member, Post.SECRETARY),
        (people[2], Post.ORGANISATION_OFFICER),
    ])
    html = _detail(client, world.secretary_a, world.branch_a)
    order = [html.index(name) for name in ("张书记", "委员1", "委员2", "委员0")]
    assert order == sorted(order)


def test_breadcrumbs_follow_the_tree(client, world):
    """A 党小组 page shows the path from the root; ancestors the user may not read are shown without a link."""
    page = _detail(client, world.secretary_a, world.group_a1)
    html = page[page.index('<ol class="breadcrumb">'):page.index("</ol>")]
    crumbs = [html.index(name) for name in ("测试公司党委", "第一基层党委", "甲党支部", "甲第一党小组")]
    assert crumbs == sorted(crumbs)
    assert f'href="{reverse("branches:detail", args=[world.root.pk])}"' not in html
    assert f'href="{reverse("branches:detail", args=[world.branch_a.pk])}"' in html


def test_create_refuses_a_future_founding_date_at_the_field(client, world, today):
    """A founding date after today is refused at the field in Chinese; nothing is created."""
    client.force_login(world.admin)
    before = Organisation.objects.count()
    response = client.post(reverse("branches:create", args=[world.p1.pk]), {
        "name": "未来支部", "code": "FUT", "level": Level.BRANCH, "domain": "state_enterprise", "form": "single",
        "founded_on": "2026-06-02",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["founded_on"]
    assert re.search(r"[\u4e00-\u9fff]", response.context["form"].errors["founded_on"][0])
    assert Organisation.objects.count() == before


def test_secretary_adds_a_party_group_with_a_success_message(client, world):
    """A secretary adds a 党小组 to their branch and is told it was saved."""
    client.force_login(world.secretary_a)
    response = client.post(reverse("branches:create", args=[world.branch_a.pk]), {
        "name": "甲第二党小组", "code": "A2", "level": Level.PARTY_GROUP, "domain": "state_enterprise",
        "form": "single", "founded_on": "2020-01-01",
    }, follow=True)
    assert response.status_code == 200
    assert Organisation.objects.filter(code="A2", path__startswith=world.branch_a.path).exists()
    assert "已新建党组织：甲第二党小组。" in response.content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(parent, members_in, children: int, members: int) -> None:
    """Give `parent` `children` sub-units and `members_in` `members` members in total."""
    have = Organisation.objects.get_children_count(Organisation.objects.get(pk=parent.pk))
    level = Level.PARTY_GROUP if parent.level == Level.BRANCH else Level.BRANCH
    for _ in range(children - have):
        make_org(parent, level=level)
    for _ in range(members - Member.objects.filter(organisation=members_in).count()):
        MemberFactory(organisation=members_in)


@pytest.mark.parametrize("role", ["admin", "reviewer"])
def test_organisation_list_queries_do_not_grow_with_rows(client, world, settings, role, django_assert_num_queries):
    """The organisation list costs the same number of queries with 5 and with 50 organisations (one page)."""
    settings.PAGE_SIZE = 100
    client.force_login(world.users()[role])
    url = reverse("branches:list")
    _grow(world.p1, world.branch_a, 5, 5)
    small = _queries(client, url)
    _grow(world.p1, world.branch_a, 50, 50)
    with django_assert_num_queries(small):
        client.get(url)


#: Issue 4, figure 1: every list, detail and compliance page in at most this many queries, at any data size.
MAX_PAGE_QUERIES = 15


def _grow_meetings(branch, meetings: int) -> None:
    """Give `branch` `meetings` meetings over this year: finalised ones with attendance, and planned ones later
    this month (what "本月待办" links to)."""
    from datetime import datetime, time, timedelta

    from meetings.models import MeetingStatus
    from tests.factories import make_meeting

    today = timezone.localdate()
    people = list(Member.objects.filter(organisation=branch)[:3])
    have = branch.meetings.count()
    for i in range(have, meetings):
        day = today - timedelta(days=1 + 7 * i % 300) if i % 3 else today + timedelta(days=i % 2)
        status = MeetingStatus.FINALISED if i % 3 else MeetingStatus.PLANNED
        starts_at = timezone.make_aware(datetime.combine(day, time(9)))
        make_meeting(branch, ["theme_day", "party_lecture"][: 1 + i % 2], starts_at=starts_at, status=status,
                     attendees=people, present=people[:2])  # fmt: skip


@pytest.mark.parametrize(
    ("which", "role"),
    [("p1", "admin"), ("p1", "reviewer"), ("branch_a", "admin"), ("branch_a", "reviewer"),
     ("branch_a", "secretary_a")],
)  # fmt: skip
def test_organisation_page_queries_do_not_grow_with_rows(client, world, settings, which, role):
    """An organisation's page costs the same with 5 and with 50 sub-units, members and meetings, for every role
    that reads it, and at most MAX_PAGE_QUERIES (the branch page runs the compliance calendar and 本月待办)."""
    settings.PAGE_SIZE = 100
    client.force_login(world.users()[role])
    organisation = getattr(world, which)
    url = reverse("branches:detail", args=[organisation.pk])
    _grow(organisation, world.branch_a, 5, 5)
    _grow_meetings(world.branch_a, 5)
    small = _queries(client, url)
    _grow(organisation, world.branch_a, 50, 50)
    _grow_meetings(world.branch_a, 50)
    assert _queries(client, url) == small
    assert small <= MAX_PAGE_QUERIES


def test_sub_units_show_the_members_of_their_subtree_or_group(client, world):
    """党员数 of a sub-unit: a 基层党委 counts its branches' members, a 党小组 its group's; the branch's own figures
    count its roll (预备党员 included in 党员, not in 正式党员); deleted members and applicants are not counted."""
    client.force_login(world.admin)
    extra = make_org(world.p1, level=Level.BRANCH)
    MemberFactory(organisation=extra)
    MemberFactory(organisation=extra, is_deleted=True)
    MemberFactory(organisation=world.branch_a, status=Status.APPLICANT)
    response = client.get(reverse("branches:detail", args=[world.root.pk]))
    counts = {child.code: child.member_count for child in response.context["children"]}
    a_members = Member.objects.filter(organisation=world.branch_a, status__in=[Status.FULL, Status.PROBATIONARY])
    assert counts == {"P1": a_members.count() + 1, "P2": 2}
    response = client.get(reverse("branches:detail", args=[world.branch_a.pk]))
    assert {child.code: child.member_count for child in response.context["children"]} == {"A1": 1}
    figures = response.context["figures"]
    assert figures.members == a_members.count()
    assert figures.full_members == a_members.filter(status=Status.FULL).count()
    assert figures.committee_size == 1


@pytest.mark.parametrize(
    ("url_name", "args", "back"),
    [
        ("branches:edit", lambda w: [w.branch_a.pk], lambda w: reverse("branches:detail", args=[w.branch_a.pk])),
        ("branches:create", lambda w: [w.branch_a.pk], lambda w: reverse("branches:detail", args=[w.branch_a.pk])),
        ("branches:committee", lambda w: [w.branch_a.pk], lambda w: reverse("branches:detail", args=[w.branch_a.pk])),
        ("branches:create_root", lambda w: [], lambda w: reverse("branches:list")),
        ("members:edit", lambda w: [w.member_a.pk], lambda w: reverse("members:detail", args=[w.member_a.pk])),
        ("members:create", lambda w: [], lambda w: reverse("members:list")),
    ],
)
def test_forms_offer_cancel_beside_save(client, world, url_name, args, back):
    """Each form ends with 保存 and, beside it, 取消 back to the page the user came from."""
    client.force_login(world.admin)
    html = client.get(reverse(url_name, args=args(world))).content.decode()
    assert re.search(
        r'<input type="submit"\s+name="save"\s+value="保存"[^>]*>\s*<a class="btn btn-link" href="'
        + re.escape(back(world)) + r'">取消</a>',
        html,
    )

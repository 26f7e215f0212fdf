"""The compliance page, the requirement settings page and the branch page's calendar and "本月待办"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from branches.models import Level
from meetings import rules, selectors
from meetings.models import MeetingType, RequirementOverride
from meetings.rules import GREEN, NEUTRAL, RED
from members.models import Post
from tests.factories import MemberFactory, UserFactory, hold_talks, make_committee, make_meeting, make_org
from tests.factories import listed as listed_meetings

pytestmark = pytest.mark.django_db

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")
PAST_QUARTER = "2025-Q3"  # ended before any day these tests run on: its statuses do not depend on today


def at(y, m, d, hh=9):
    return datetime(y, m, d, hh, 0, tzinfo=SH)


def hold_everything_2025_q3(branch) -> None:
    """Every meeting a branch without a committee owes in 2025-Q3 (the yearly ones earlier in 2025)."""
    make_meeting(branch, [T.THEME_DAY, T.PARTY_LECTURE], starts_at=at(2025, 7, 15))
    make_meeting(branch, [T.THEME_DAY], starts_at=at(2025, 8, 15))
    make_meeting(branch, [T.THEME_DAY], starts_at=at(2025, 9, 15))
    make_meeting(branch, [T.GENERAL_MEETING], starts_at=at(2025, 8, 25))
    make_meeting(branch, [T.ORGANISATIONAL_LIFE_MEETING], starts_at=at(2025, 1, 8))
    make_meeting(branch, [T.MEMBER_APPRAISAL], starts_at=at(2025, 1, 9))
    hold_talks(branch, at(2025, 3, 12))


def _url_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def compliance_url(organisation, **query) -> str:
    url = reverse("meetings:compliance", args=[organisation.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- The compliance page ---------------------------------------------------------------------------------------------


def test_page_shows_each_unit_in_tree_order_with_figures_and_summary(client, world):
    """One row per branch and party group, in tree order (no ranking); per type held/required and a status
    badge with its text label; summary counts of red / yellow / green at the top."""
    hold_everything_2025_q3(world.branch_a)
    client.force_login(world.admin)
    response = client.get(compliance_url(world.root, period=PAST_QUARTER))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [result.organisation for result, _label, _cells in rows] == [world.branch_a, world.group_a1, world.branch_b]
    statuses = {result.organisation.code: result.status for result, _label, _cells in rows}
    assert statuses == {"A": GREEN, "A1": RED, "B": RED}
    summary = {code: count for code, _label, count in response.context["summary"]}
    assert summary == {GREEN: 1, RED: 2, "yellow": 0, NEUTRAL: 0}
    html = response.content.decode()
    assert "已完成" in html and "逾期" in html
    assert 'data-count="red">2<' in html
    a_row = html[html.index('data-organisation="A"') :]
    assert "3/3" in a_row[: a_row.index("</tr>")]  # 主题党日: held 3 of 3


def test_status_filter_and_total(client, world):
    """Filtering by status lists only the branches in that state, with the total of the filtered list."""
    hold_everything_2025_q3(world.branch_a)
    client.force_login(world.admin)
    response = client.get(compliance_url(world.root, period=PAST_QUARTER, status=RED))
    assert [r.organisation.code for r, _l, _c in response.context["rows"]] == ["A1", "B"]
    assert response.context["total"] == 2
    response = client.get(compliance_url(world.root, period=PAST_QUARTER, status=GREEN))
    assert [r.organisation.code for r, _l, _c in response.context["rows"]] == ["A"]


def test_default_period_is_the_current_quarter_and_a_bad_one_is_explained(client, world):
    """Without a period the page shows the current quarter; a bad period shows a message at the field (no 500)."""
    client.force_login(world.secretary_a)
    response = client.get(compliance_url(world.branch_a))
    assert response.context["period"] == rules.period_containing("quarter", timezone.localdate())
    response = client.get(compliance_url(world.branch_a, period="2026-13"))
    assert response.status_code == 200
    assert "期间格式不正确" in response.content.decode()
    assert response.context["period"] == rules.period_containing("quarter", timezone.localdate())


def test_figures_link_to_the_filtered_meeting_list(client, world):
    """Each figure opens the list of finalised meetings filtered by organisation, type and the window it is
    counted in (a month, quarter or year)."""
    list_url = _url_or_empty("meetings:list")
    if not list_url:
        pytest.skip("the meeting list is not installed")
    client.force_login(world.admin)
    html = client.get(compliance_url(world.branch_a, period="2025-08")).content.decode()
    base = f"{list_url}?organisation={world.branch_a.pk}"
    assert f"{base}&amp;type=theme_day&amp;status=finalised&amp;period=2025-08&amp;unit_only=true\"" in html
    # A yearly type in a month view is counted over the year.
    assert f"{base}&amp;type=member_appraisal&amp;status=finalised&amp;period=2025&amp;unit_only=true\"" in html


def test_a_branch_figure_lists_exactly_the_meetings_it_counts(client, world):
    """A branch's figure counts its own finalised meetings, not its 党小组's: the click-through lists as many
    meetings as the figure says held, names the narrowing in a removable chip, and without it the group's
    meetings show again."""
    list_url = _url_or_empty("meetings:list")
    if not list_url:
        pytest.skip("the meeting list is not installed")
    hold_everything_2025_q3(world.branch_a)
    make_meeting(world.group_a1, [T.THEME_DAY, T.GROUP_MEETING], starts_at=at(2025, 8, 20), topic="小组主题党日")
    make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2025, 9, 20), status="held", topic="未归档")
    client.force_login(world.reviewer)
    response = client.get(compliance_url(world.p1, period=PAST_QUARTER))
    row = next(cells for result, _label, cells in response.context["rows"] if result.organisation == world.branch_a)
    item = next(cell for cell in row if cell.meeting_type == T.THEME_DAY)
    url = item.url
    assert item.held == 3  # 7-15 (with a 党课), 8-15 and 9-15: not the group's 8-20, nor the unfinalised 9-20
    listed = client.get(url.replace("&amp;", "&"))
    assert listed.context["total"] == item.held
    assert "小组主题党日" not in {m.topic for m in listed_meetings(listed)}
    html = listed.content.decode()
    assert "仅甲党支部本级会议（不含下级党小组）" in html and "统计期间：2025年第3季度" in html
    back = reverse("meetings:compliance", args=[world.branch_a.pk]) + f"?period={PAST_QUARTER}"
    assert f'href="{back}" data-testid="back-to-compliance"' in html  # no dead end: back to the figures
    without = listed.context["query_without_unit_only"]
    assert "unit_only" not in without
    everything = client.get(f"{list_url}?{without}")
    assert everything.context["total"] == item.held + 1


def test_a_secretary_sees_their_branch_only(client, world):
    """A secretary reads their own branch's compliance; another branch, or the committee above, is 404."""
    client.force_login(world.secretary_a)
    response = client.get(compliance_url(world.branch_a, period=PAST_QUARTER))
    assert [r.organisation.code for r, _l, _c in response.context["rows"]] == ["A", "A1"]
    assert client.get(compliance_url(world.branch_b)).status_code == 404
    assert client.get(compliance_url(world.p1)).status_code == 404


def _grow(world, branches: int) -> None:
    """Add branches under P1, each with a member and three finalised meetings in 2025-Q3."""
    have = len([o for o in selectors.compliance_units(world.p1) if o.level == Level.BRANCH])
    for _i in range(branches - have):
        branch = make_org(world.p1, level=Level.BRANCH)
        member = MemberFactory(organisation=branch)
        for month in (7, 8, 9):
            make_meeting(branch, [T.THEME_DAY], starts_at=at(2025, month, 10), attendees=[member], present=[member])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_compliance_page_queries_do_not_grow_with_branches_or_meetings(client, world, settings, role,
                                                                        django_assert_num_queries):
    """The compliance page costs the same number of queries with 5 and with 50 branches (and their meetings)."""
    settings.PAGE_SIZE = 100
    client.force_login(world.users()[role])
    url = compliance_url(world.p1, period=PAST_QUARTER)
    _grow(world, 5)
    small = _queries(client, url)
    _grow(world, 50)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["total"] == 51  # 50 branches and party group A1


# --- The branch page: calendar and 本月待办 -------------------------------------------------------------------------


def test_branch_page_shows_what_is_due_this_month_with_links_to_plan(client, world):
    """The secretary lands on the branch page, where "本月待办" lists what the branch still owes this month
    with a link to plan each meeting; the year's calendar is below."""
    client.force_login(world.secretary_a)
    response = client.get(reverse("home"), follow=True)
    assert response.request["PATH_INFO"] == world.branch_a.get_absolute_url()
    html = response.content.decode()
    assert 'data-testid="due-this-month"' in html and "本月待办" in html
    assert 'data-testid="compliance-calendar"' in html
    due = selectors.due_this_month(world.branch_a, today=timezone.localdate())
    assert due  # nothing has been held: this month's 主题党日 at least is owed
    create_url = _url_or_empty("meetings:create")
    for item in due:
        assert f'data-type="{item.meeting_type}"' in html
        if create_url:
            assert f"{create_url}?type={item.meeting_type}&amp;organisation={world.branch_a.pk}" in html


def test_due_item_already_planned_links_to_that_meeting(client, world):
    """A due 主题党日 already planned this month shows "已安排" with a link to it instead of a second plan link."""
    today = timezone.localdate()
    planned = make_meeting(world.branch_a, [T.THEME_DAY], status="planned",
                           starts_at=datetime(today.year, today.month, today.day, 23, 30, tzinfo=SH))
    client.force_login(world.secretary_a)
    html = client.get(world.branch_a.get_absolute_url()).content.decode()
    item = html[html.index('data-type="theme_day"') :]
    item = item[: item.index("</li>")]
    assert planned.get_absolute_url() in item and "已安排" in item
    assert "安排会议" not in item


def test_reviewer_sees_the_due_list_without_plan_links(client, world):
    """A reviewer reads what a branch owes but gets no link to plan its meetings."""
    client.force_login(world.reviewer)
    html = client.get(world.branch_a.get_absolute_url()).content.decode()
    assert "本月待办" in html
    assert "安排会议" not in html


def test_committee_page_has_no_calendar_but_links_to_compliance(client, world):
    """Committees owe no meetings themselves: their page links to the compliance of their subtree instead."""
    client.force_login(world.admin)
    html = client.get(world.p1.get_absolute_url()).content.decode()
    assert "本月待办" not in html and 'data-testid="compliance-calendar"' not in html
    assert reverse("meetings:compliance", args=[world.p1.pk]) in html


def test_calendar_cells_span_their_counting_window(client, world):
    """Monthly types get a cell a month, quarterly ones a cell a quarter, yearly ones a single cell."""
    client.force_login(world.secretary_a)
    html = client.get(world.branch_a.get_absolute_url()).content.decode()
    year = timezone.localdate().year
    assert html.count(f'colspan="12" data-window="{year}"') == 3  # 组织生活会, 民主评议党员, 谈心谈话
    assert f'colspan="3" data-window="{year}-Q1"' in html
    assert f'colspan="1" data-window="{year}-01"' in html


def test_branch_page_queries_do_not_grow_with_meetings(client, world, django_assert_num_queries):
    """The branch page with its calendar and due list costs the same with 5 and with 50 meetings."""
    client.force_login(world.secretary_a)
    url = world.branch_a.get_absolute_url()
    year = timezone.localdate().year
    for i in range(5):
        make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(year, 1 + i % 12, 5))
    small = _queries(client, url)
    for i in range(45):
        make_meeting(world.branch_a, [T.THEME_DAY, T.PARTY_LECTURE], starts_at=at(year, 1 + i % 12, 6))
    with django_assert_num_queries(small):
        client.get(url)


# --- Requirement settings ---------------------------------------------------------------------------------------------


def _row(response, meeting_type):
    return next(s for s in response.context["sources"] if s.meeting_type == meeting_type)


def test_requirements_show_the_value_and_where_it_comes_from(client, world):
    """Per type: the value in force and its source (the default, an ancestor's setting, or this organisation's)."""
    RequirementOverride.objects.create(organisation=world.p1, meeting_type=T.PARTY_LECTURE, period="month", count=1)
    RequirementOverride.objects.create(organisation=world.branch_a, meeting_type=T.THEME_DAY, period="month", count=2)
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:requirements", args=[world.branch_a.pk]))
    lecture, theme, general = (_row(response, t) for t in (T.PARTY_LECTURE, T.THEME_DAY, T.GENERAL_MEETING))
    assert (lecture.requirement.count, lecture.source, lecture.own) == (1, world.p1, None)
    assert theme.own is not None and theme.requirement.count == 2
    assert general.source is None and general.requirement == rules.default_requirement(T.GENERAL_MEETING)
    html = response.content.decode()
    assert f"沿用{world.p1.name}的设置" in html and "本组织设置" in html and "全国性规定" in html
    assert 'name="count"' not in html  # a reviewer reads only


def test_committee_manager_sets_and_clears_a_requirement_for_the_subtree(client, world):
    """A manager of P1 requires a monthly 党课 for P1's subtree; branch A then owes one a month. Clearing it
    brings back the default."""
    manager = UserFactory(username="p1_secretary")
    make_committee(world.p1, [(MemberFactory(organisation=world.branch_a, user=manager), Post.SECRETARY)])
    client.force_login(manager)
    url = reverse("meetings:requirements", args=[world.p1.pk])
    response = client.post(url, {"action": "set", "meeting_type": T.PARTY_LECTURE, "period": "month", "count": "1"},
                           follow=True)
    assert "已保存党课的要求" in response.content.decode()
    assert selectors.requirements_for(world.branch_a)[T.PARTY_LECTURE] == rules.Requirement(T.PARTY_LECTURE, "month", 1)
    response = client.post(url, {"action": "clear", "meeting_type": T.PARTY_LECTURE}, follow=True)
    assert "已取消本组织对党课的要求设置" in response.content.decode()
    assert selectors.requirements_for(world.branch_a)[T.PARTY_LECTURE] == rules.default_requirement(T.PARTY_LECTURE)


def test_not_required_sets_a_zero_count(client, world):
    """Ticking 不作要求 stores a count of 0, whatever the count field holds; the type is then not required."""
    client.force_login(world.admin)
    data = {"action": "set", "meeting_type": T.PARTY_LECTURE, "period": "quarter", "count": "", "not_required": "on"}
    client.post(reverse("meetings:requirements", args=[world.branch_a.pk]), data)
    assert selectors.requirements_for(world.branch_a)[T.PARTY_LECTURE].count == 0
    [result] = selectors.compliance_for_branches([world.branch_a], PAST_QUARTER)
    assert result.for_type(T.PARTY_LECTURE).status == NEUTRAL


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"count": "-1"}, "次数不能为负数。"),
        ({"count": ""}, "请填写次数"),
        ({"count": "abc"}, "次数应为整数。"),
        ({"count": "99"}, "次数不能超过 31。"),
        ({"period": "decade"}, "选择一个有效的选项"),
        ({"meeting_type": "other"}, "选择一个有效的选项"),
    ],
)
def test_bad_requirement_input_changes_nothing(client, world, data, message):
    """Bad input: the page again with a Chinese message, and nothing saved."""
    client.force_login(world.admin)
    payload = {"action": "set", "meeting_type": T.PARTY_LECTURE, "period": "month", "count": "1", **data}
    response = client.post(reverse("meetings:requirements", args=[world.branch_a.pk]), payload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RequirementOverride.objects.exists()


@pytest.mark.parametrize(
    ("meeting_type", "period", "count", "saved"),
    [
        (T.THEME_DAY, "month", "2", True),  # stricter than the national once a month
        (T.THEME_DAY, "quarter", "3", False),  # the same count a year, but not every month
        (T.GENERAL_MEETING, "year", "2", False),
        (T.COMMITTEE_MEETING, "month", "0", False),
        (T.PARTY_LECTURE, "year", "1", True),  # 党课's quarterly count is a default: lower is allowed
    ],
)
def test_national_requirements_can_be_raised_not_lowered(client, world, meeting_type, period, count, saved):
    """Configurable defaults: a committee may set 党课 as it likes, but a national frequency only upwards; a lower
    one is refused with a message at the field and nothing is saved."""
    client.force_login(world.admin)
    data = {"action": "set", "meeting_type": meeting_type, "period": period, "count": count}
    response = client.post(reverse("meetings:requirements", args=[world.p1.pk]), data)
    assert RequirementOverride.objects.filter(organisation=world.p1, meeting_type=meeting_type).exists() is saved
    if not saved:
        assert response.status_code == 200
        assert "全国性规定" in response.content.decode() and "只能提高" in response.content.decode()


def test_branch_secretary_cannot_lower_their_own_requirements(client, world):
    """A branch secretary reads the requirements but cannot change them: a POST is 404 and nothing changes."""
    client.force_login(world.secretary_a)
    url = reverse("meetings:requirements", args=[world.branch_a.pk])
    assert client.get(url).status_code == 200
    data = {"action": "set", "meeting_type": T.THEME_DAY, "period": "year", "count": "0", "not_required": "on"}
    assert client.post(url, data).status_code == 404
    assert not RequirementOverride.objects.exists()


def test_requirements_page_queries_are_fixed(client, world, django_assert_num_queries):
    """The settings page costs the same whatever the number of overrides along the tree."""
    client.force_login(world.admin)
    url = reverse("meetings:requirements", args=[world.branch_a.pk])
    small = _queries(client, url)
    for organisation in (world.root, world.p1, world.branch_a):
        for meeting_type in rules.COMPLIANCE_TYPES:
            RequirementOverride.objects.create(organisation=organisation, meeting_type=meeting_type,
                                               period="month", count=1)
    with django_assert_num_queries(small):
        client.get(url)


def test_today_is_not_assumed(world):
    """Sanity: the fixed quarter used above is over on any day these tests run."""
    assert rules.parse_period(PAST_QUARTER).end < date(2026, 1, 1) <= timezone.localdate()

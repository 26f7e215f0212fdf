"""The meeting list's bounded total (branches.paging.CappedPaginator) and its one-markup rows and filter form."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.paging import CappedPaginator
from meetings.models import Meeting, MeetingStatus, MeetingType
from tests.factories import listed, make_meeting

pytestmark = pytest.mark.django_db


def _meetings(organisation, n: int) -> list[Meeting]:
    """`n` theme days of `organisation`, one a day back from yesterday (newest first)."""
    now = timezone.now()
    return [
        make_meeting(organisation, [MeetingType.THEME_DAY], starts_at=now - timedelta(days=i + 1), topic=f"会议{i:02d}")
        for i in range(n)
    ]


def _ordered():
    return Meeting.objects.order_by("-starts_at", "-pk")


@pytest.mark.parametrize("rows, cap, count, exact", [(7, 7, 7, True), (7, 10, 7, True), (8, 7, 7, False)])
def test_the_total_is_exact_up_to_the_cap(world, rows, cap, count, exact):
    """Up to `cap` rows the count is exact; beyond it the count is the cap and says it is not exact."""
    _meetings(world.branch_a, rows)
    paginator = CappedPaginator(_ordered(), 3, cap=cap)
    assert (paginator.count, paginator.count_is_exact) == (count, exact)


def test_pages_past_a_capped_total_still_open_and_know_whether_another_follows(world, django_assert_num_queries):
    """With 8 rows and a cap of 4, page 3 (rows 7–8) opens, has no next page; each page costs two queries."""
    made = _meetings(world.branch_a, 8)
    paginator = CappedPaginator(_ordered(), 3, cap=4)
    with django_assert_num_queries(2):
        page = paginator.get_page(3)
        rows = list(page)
    assert [m.pk for m in rows] == [m.pk for m in made[6:]]
    assert (page.has_next(), page.has_previous(), page.start_index(), page.end_index()) == (False, True, 7, 8)
    second = CappedPaginator(_ordered(), 3, cap=4).get_page(2)
    assert second.has_next() and second.next_page_number() == 3


def test_a_page_past_the_last_row_falls_back_to_the_last_counted_page(world):
    """A stale link past every row shows the last page the capped count knows, never an error."""
    _meetings(world.branch_a, 8)
    page = CappedPaginator(_ordered(), 3, cap=4).get_page(99)
    assert page.number == 2 and len(page) == 3 and page.has_next()


def test_an_empty_list_has_one_empty_page(world):
    """No rows: page 1 is empty, with an exact total of 0."""
    paginator = CappedPaginator(Meeting.objects.order_by("pk"), 3, cap=4)
    page = paginator.get_page(1)
    assert (paginator.count, paginator.count_is_exact, len(page), page.has_next()) == (0, True, 0, False)


def test_the_count_reads_only_primary_keys_and_stops_after_the_cap(world):
    """The count query is bounded (LIMIT cap + 1) and computes none of the list's attendance subqueries."""
    from meetings import selectors
    from members.access import scope_for

    _meetings(world.branch_a, 3)
    queryset = selectors.meetings_for_list(scope_for(world.admin))
    with CaptureQueriesContext(connection) as captured:
        assert CappedPaginator(queryset, 3, cap=2).count == 2
    [sql] = [q["sql"] for q in captured.captured_queries]
    assert "LIMIT 3" in sql and "meetings_attendance" not in sql


def test_the_list_says_more_than_the_cap_and_numbers_pages_without_a_last_one(client, world, settings):
    """Beyond LIST_COUNT_CAP the heading reads "超过 N 次", the pager "第 N 页" with a next link, and a page past
    the cap still lists its meetings."""
    settings.PAGE_SIZE = 3
    settings.LIST_COUNT_CAP = 4
    made = _meetings(world.branch_a, 8)
    client.force_login(world.secretary_a)
    response = client.get(reverse("meetings:list"))
    html = response.content.decode()
    assert "超过 4 次" in html and "共 " not in html.split('data-testid="meeting-total">')[1][:20]
    assert "第 1 页" in html and "page=2" in html
    response = client.get(reverse("meetings:list") + "?page=3")
    assert [m.pk for m in listed(response)] == [m.pk for m in made[6:]]
    assert "第 3 页" in response.content.decode()


def test_the_list_costs_the_same_queries_with_an_exact_and_a_capped_total(
    client, world, settings, django_assert_num_queries
):
    """Counting stops at the cap: the page costs the same queries below and beyond it."""
    settings.PAGE_SIZE = 3
    settings.LIST_COUNT_CAP = 5
    _meetings(world.branch_a, 4)
    client.force_login(world.secretary_a)
    url = reverse("meetings:list")
    with CaptureQueriesContext(connection) as exact:
        assert client.get(url).context["total_is_exact"]
    _meetings(world.group_a1, 6)
    with django_assert_num_queries(len(exact)):
        assert not client.get(url).context["total_is_exact"]


def test_each_meeting_is_rendered_once_for_desktop_and_phone(client, world):
    """One row per meeting (a table on a desktop, a card on a phone by CSS), with its status badge and 补录 label."""
    make_meeting(world.branch_a, [MeetingType.THEME_DAY], status=MeetingStatus.FINALISED, topic="唯一的主题党日")
    lecture = {"status": MeetingStatus.PLANNED, "topic": "补录的党课", "is_backfilled": True}
    make_meeting(world.branch_a, [MeetingType.PARTY_LECTURE], **lecture)
    client.force_login(world.secretary_a)
    html = client.get(reverse("meetings:list")).content.decode()
    assert html.count("唯一的主题党日") == 1 and html.count("<tbody>") == 1
    assert 'class="badge status-green" data-status="finalised">已归档<' in html
    assert 'data-status="planned">计划中<' in html and ">补录</span>" in html


def test_the_filter_form_labels_every_field_and_reports_errors_at_the_field(client, world):
    """Plain markup: each filter has its label; a choice that is not offered is marked invalid with its message."""
    client.force_login(world.secretary_a)
    html = client.get(reverse("meetings:list") + "?organisation=999999&type=theme_day").content.decode()
    for name in ("q", "type", "status", "month", "organisation", "backfilled", "ordering"):
        assert f'<label for="id_{name}" class="form-label">' in html, name
    assert 'aria-invalid="true" aria-describedby="id_organisation_error"' in html
    assert '<div id="id_organisation_error" class="invalid-feedback">' in html
    assert '<option value="theme_day" selected>' in html
    assert 'id="meeting-more-filters" class="collapse d-md-block show"' in html  # a chosen filter keeps it open

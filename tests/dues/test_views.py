"""The dues pages: the ledger of a branch and of the root at two data sizes (same query count), the export (text
stays text), a member's own dues, and the secretary's forms naming the broken rule."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dues import rules
from dues.models import DuesPayment
from tests.dues.helpers import declare, pay
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = rules.month_of(TODAY)


def _grow(world, branches: int, members: int) -> None:
    """Add branches under P1 with declared, partly paid members."""
    for _ in range(branches):
        branch = make_org(world.p1)
        for n in range(members):
            member = MemberFactory(organisation=branch)
            declare(member, on=date(2024, 1, 1))
            if n % 2:
                pay(member, THIS_MONTH, paid_on=TODAY)
    for _n in range(members):
        member = MemberFactory(organisation=world.branch_a)
        declare(member, on=date(2024, 1, 1))


def _queries(client, url):
    client.get(url)  # the first read computes the totals the next reads use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["branch", "root"])
def test_the_ledger_costs_the_same_queries_at_two_sizes(world, client, page):
    """A branch's ledger and the root's ledger: the same number of queries with 1 or 4 branches of 2 or 6 members."""
    client.force_login(world.admin)
    target = world.branch_a if page == "branch" else world.root
    url = reverse("dues:ledger", args=[target.pk])
    _grow(world, 1, 2)
    small = _queries(client, url)
    _grow(world, 3, 4)
    large = _queries(client, url)
    assert small == large
    assert large <= 15


def test_the_ledger_shows_expected_paid_and_arrears(world, client):
    declare(world.member_a, on=date(2020, 1, 1))
    declare(world.secretary_a_member, on=date(2024, 1, 1))
    pay(world.secretary_a_member, THIS_MONTH, paid_on=TODAY)
    client.force_login(world.secretary_a)
    page = client.get(reverse("dues:ledger", args=[world.branch_a.pk])).content.decode()
    assert "王党员" in page and "连续未交超过12个月" in page
    assert "已交" in page and "97.50" in page
    root = client.get(reverse("dues:ledger", args=[world.p1.pk]))
    assert root.status_code == 404  # the branch's secretary does not read P1


def test_the_export_keeps_a_formula_like_name_as_text(world, client):
    """A name typed as =HYPERLINK(...) is written as text, never as a formula."""
    world.member_a.name = '=HYPERLINK("x")'
    world.member_a.save()
    declare(world.member_a, on=date(2024, 1, 1))
    client.force_login(world.secretary_a)
    response = client.get(reverse("dues:export", args=[world.branch_a.pk]))
    assert response["Content-Disposition"].endswith(".xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_member_sees_their_own_dues(world, client):
    declare(world.member_a, on=rules.add_months(THIS_MONTH, -1))
    client.force_login(world.member_user)
    page = client.get(reverse("dues:member", args=[world.member_a.pk])).content.decode()
    assert "97.50" in page and "记录缴纳" not in page
    assert client.get(reverse("dues:member", args=[world.secretary_a_member.pk])).status_code == 404


def test_a_month_paid_twice_is_refused_on_the_form(world, client):
    """The secretary's form shows the rule and saves nothing."""
    declare(world.member_a, on=date(2024, 1, 1))
    pay(world.member_a, THIS_MONTH, paid_on=TODAY)
    client.force_login(world.secretary_a)
    month = f"{TODAY:%Y-%m}"
    data = {"first_month": month, "last_month": month, "amount": "97.50", "paid_on": TODAY.isoformat(),
            "method": "cash"}  # fmt: skip
    response = client.post(reverse("dues:pay", args=[world.member_a.pk]), data)
    assert response.status_code == 200
    assert "同一月份不能重复交纳" in response.content.decode()
    assert DuesPayment.objects.count() == 1


def test_the_secretary_records_a_quarter_with_approval(world, client):
    declare(world.member_a, on=date(2024, 1, 1))
    client.force_login(world.secretary_a)
    last = rules.add_months(THIS_MONTH, 2)
    data = {"first_month": f"{THIS_MONTH:%Y-%m}", "last_month": f"{last:%Y-%m}", "amount": "292.50",
            "paid_on": TODAY.isoformat(), "method": "transfer", "approved": "on"}  # fmt: skip
    response = client.post(reverse("dues:pay", args=[world.member_a.pk]), data)
    assert response.status_code == 302
    assert DuesPayment.objects.get().months.count() == 3

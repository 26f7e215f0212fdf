"""Member dates: 出生日期 from 1900 to today, the Party dates from 1921 to today, and the birth date inside an ID
number too, refused in the form, the service, the Excel import and the admin; a record whose stored date cannot be
read still opens, lists, exports and edits, the date shown as 日期无效."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.errors import DomainError
from branches.unreadable_dates import is_unreadable
from members import services, spreadsheets
from members.access import SYSTEM, scope_for
from members.imports import import_rows_check
from members.models import Member, Status
from tests.factories import MemberFactory, make_id_number
from tests.raw_dates import bad_day, store_raw, stored_text

pytestmark = pytest.mark.django_db

#: Born in the year 3000 with the right check character: only the birth date is wrong.
FUTURE_BIRTH_ID = "520102300001010038"


def _form_data(world, **changes) -> dict:
    data = {
        "name": "孙党员",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "1992-08-09",
        "id_number": make_id_number(date(1992, 8, 9)),
        "organisation": world.branch_a.pk,
        "status": Status.APPLICANT,
        "applied_on": "2021-03-04",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birth_date": "1899-12-31", "id_number": make_id_number(date(1899, 12, 31))}, "birth_date", "1900年1月1日"),
        ({"birth_date": "0001-01-01"}, "birth_date", "日期不能早于1900年1月1日。"),
        ({"applied_on": "0202-03-04"}, "applied_on", "日期不能早于1921年1月1日。"),
    ],
)
def test_the_member_form_refuses_dates_out_of_range_at_the_field(client, world, changes, field, message):
    """Each date out of its range comes back with a Chinese message at its field; nothing is saved."""
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:create"), _form_data(world, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Member.all_objects.filter(name="孙党员").exists()


def test_an_id_number_born_in_the_future_is_refused_at_the_id_number(client, world):
    """GB 11643 with the birth-date range: an ID number born in the year 3000 is invalid, at 身份证号 itself."""
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("members:create"), _form_data(world, birth_date="3000-01-01", id_number=FUTURE_BIRTH_ID)
    )
    errors = response.context["form"].errors
    assert errors["id_number"] == ["身份证号码无效：请核对18位号码、其中的出生日期及最后一位校验码。"]
    assert not Member.all_objects.filter(name="孙党员").exists()


def test_the_service_refuses_dates_out_of_range(world):
    """`member_check` (under `member_create`, the forms and the import) reports each date out of its range at its
    field, and an ID number whose birth date is out of range at 身份证号."""
    data = {"name": "孙党员", "gender": "female", "birth_date": date(1850, 1, 1), "organisation": world.branch_a}
    problems = services.member_check(data={**data, "applied_on": date(1920, 1, 1)}, id_number=make_id_number())
    assert problems["birth_date"] == "日期不能早于1900年1月1日。"
    assert problems["applied_on"] == "日期不能早于1921年1月1日。"
    problems = services.member_check(data={**data, "birth_date": date(3000, 1, 1)}, id_number=FUTURE_BIRTH_ID)
    assert problems["id_number"] == "身份证号码无效：请核对18位号码、其中的出生日期及最后一位校验码。"
    assert problems["birth_date"] == "日期不能晚于今天。"
    with pytest.raises(DomainError):
        services.member_create(
            data={**data, "status": Status.APPLICANT}, id_number=make_id_number(date(1850, 1, 1)), by=SYSTEM
        )
    assert not Member.all_objects.filter(name="孙党员").exists()


def test_the_import_refuses_dates_out_of_range_row_by_row(world):
    """Excel import: a birth date before 1900, a Party date in 9999 and an ID number born in the future are each
    reported at their row and column in Chinese."""
    base = {
        "name": "新党员",
        "gender": "女",
        "birth_date": date(1990, 2, 3),
        "id_number": make_id_number(date(1990, 2, 3)),
        "organisation": "A",
        "status": "入党申请人",
    }
    raw = [
        spreadsheets.RawRow(line=2, cells={**base, "birth_date": date(1899, 12, 31)}),
        spreadsheets.RawRow(
            line=3, cells={**base, "id_number": make_id_number(date(1990, 2, 3)), "applied_on": "9999-12-31"}
        ),
        spreadsheets.RawRow(line=4, cells={**base, "birth_date": date(3000, 1, 1), "id_number": FUTURE_BIRTH_ID}),
    ]
    rows = import_rows_check(raw_rows=raw, scope=scope_for(world.secretary_a))
    assert "第2行 出生日期：日期不能早于1900年1月1日。" in rows[0].problems
    assert rows[1].problems == ["第3行 递交入党申请日期：日期不能晚于今天。"]
    assert "第4行 身份证号：身份证号码无效：请核对18位号码、其中的出生日期及最后一位校验码。" in rows[2].problems


def test_the_admin_form_refuses_dates_out_of_range(client, world):
    """The Django admin's member form checks the same ranges."""
    member = world.member_a
    client.force_login(world.admin)
    url = reverse("admin:members_member_change", args=[member.pk])
    data = {
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": "0001-01-01",
        "organisation": member.organisation_id,
        "status": member.status,
        "applied_on": member.applied_on.isoformat(),
        "joined_on": member.joined_on.isoformat(),
        "confirmed_on": member.confirmed_on.isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "日期不能早于1900年1月1日。" in response.context["adminform"].form.errors["birth_date"]
    member.refresh_from_db()
    assert member.birth_date == date(1985, 6, 15)


# --- Read back when stored ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["bc", "after_9999"])
def test_a_record_with_an_unreadable_birth_date_still_opens_everywhere(client, world, kind):
    """The record, the roster (sorted, searched, filtered by age), its history, the export and the admin answer
    200 with 日期无效 where the date is shown; the edit form asks for the date again."""
    member = MemberFactory(name="日期坏掉的党员", organisation=world.branch_a)
    store_raw(member, "birth_date", bad_day(kind))
    store_raw(member, "joined_on", bad_day(kind))
    client.force_login(world.secretary_a)
    roster = reverse("members:list")
    pages = {
        reverse("members:detail", args=[member.pk]): True,
        reverse("members:history", args=[member.pk]): False,
        roster: False,
        f"{roster}?q=日期坏掉": False,
        f"{roster}?age=under35": False,
        f"{roster}?ordering=birth_date": False,
        f"{roster}?ordering=-birth_date": False,
    }
    for url, shows_it in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        if shows_it:
            assert "日期无效" in response.content.decode(), url
    export = client.get(reverse("members:export"))
    assert export.status_code == 200
    load_workbook(io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content))
    edit = client.get(reverse("members:edit", args=[member.pk]))
    assert edit.status_code == 200 and edit.context["form"].initial["birth_date"] is None
    assert "原日期无效，请重新填写。" in edit.content.decode()

    client.force_login(world.admin)
    changelist = client.get(reverse("admin:members_member_changelist"))
    assert changelist.status_code == 200
    change = client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert change.status_code == 200 and "日期无效" in change.content.decode()


@pytest.mark.parametrize("kind", ["bc", "after_9999"])
def test_deleting_such_a_record_keeps_the_stored_date(client, world, kind):
    """Moved to the recycle bin and back, the record keeps the value it had, in the row and in its history."""
    member = MemberFactory(name="日期坏掉的党员", organisation=world.branch_a)
    store_raw(member, "birth_date", bad_day(kind))
    before = stored_text(member, "birth_date")
    client.force_login(world.secretary_a)
    assert client.post(reverse("members:delete", args=[member.pk]), {"version": member.version}).status_code == 302
    member = Member.all_objects.get(pk=member.pk)
    assert member.is_deleted and is_unreadable(member.birth_date)
    assert stored_text(member, "birth_date") == before
    assert is_unreadable(member.history.latest().birth_date)
    assert client.get(reverse("members:trash")).status_code == 200

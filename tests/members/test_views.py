"""Member pages: the roster's search and filters, the record, create and edit, recycle bin, history, ID numbers."""

from datetime import date

import pytest
from django.urls import reverse

from members import crypto
from members.models import Education, IdNumberAccess, Member, Status
from tests.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db


def _roster(client, query: str = "") -> list[str]:
    response = client.get(reverse("members:list") + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return [m.name for m in response.context["members"]]


def _search(client, text: str) -> list[str]:
    """Type `text` into the roster's search box (the form posts, the roster redirects to its address)."""
    response = client.post(reverse("members:list"), {"q": text}, follow=True)
    assert response.status_code == 200
    return [m.name for m in response.context["members"]]


def test_roster_shows_only_the_scope_with_masked_id_numbers(client, world):
    """A secretary's roster lists their branch only; ID numbers appear masked, never in full."""
    client.force_login(world.secretary_a)
    response = client.get(reverse("members:list"))
    html = response.content.decode()
    assert sorted(m.name for m in response.context["members"]) == sorted(["张书记", "王党员", "预备党员甲"])
    assert response.context["total"] == 3
    assert world.member_a.id_number_masked in html
    assert crypto.decrypt(world.member_a.id_number_encrypted) not in html
    assert "赵党员" not in html


def test_member_sees_only_their_own_record_in_the_roster(client, world):
    """A plain member's roster holds one record: their own."""
    client.force_login(world.member_user)
    assert _roster(client) == ["王党员"]


def test_search_by_name_phone_and_exact_id_number(client, world):
    """The search box finds a name (part of it), a phone number, or an exact ID number via the blind index (sent
    by POST and kept out of the address: tests/members/test_id_search.py)."""
    number = make_id_number(date(1988, 1, 2), seq=555)
    MemberFactory(
        name="欧阳明", organisation=world.branch_a, phone="13800001234", id_number=number, birth_date=date(1988, 1, 2)
    )
    client.force_login(world.secretary_a)
    assert _roster(client, "q=欧阳") == ["欧阳明"]
    assert _roster(client, "q=0001234") == ["欧阳明"]
    assert _search(client, "欧阳") == ["欧阳明"]
    assert _search(client, number) == ["欧阳明"]
    assert _roster(client, f"q={number[:-1]}") == []  # part of an ID number finds nothing
    # The number of a member outside the scope finds nothing either.
    other = crypto.decrypt(world.member_b.id_number_encrypted)
    assert _search(client, other) == []


def test_filters_and_sorting(client, world):
    """Status, organisation (with its subtree), education, age band, mobile flag and sorting all narrow the roster."""
    young = MemberFactory(
        name="青年党员",
        organisation=world.branch_a,
        birth_date=date(2000, 1, 1),
        id_number=make_id_number(date(2000, 1, 1)),
        applied_on=date(2019, 1, 1),
        joined_on=date(2020, 1, 1),
        confirmed_on=date(2021, 1, 1),
        education=Education.MASTER,
        is_mobile=True,
    )
    client.force_login(world.admin)
    assert "预备党员甲" in _roster(client, "status=probationary")
    assert set(_roster(client, f"organisation={world.p1.pk}")) == {"张书记", "王党员", "预备党员甲", "青年党员"}
    assert _roster(client, f"organisation={world.group_a1.pk}") == ["王党员"]
    assert _roster(client, "education=master") == [young.name]
    assert _roster(client, "age=under35") == [young.name]
    assert _roster(client, "mobile=yes") == [young.name]
    assert "青年党员" not in _roster(client, "age=35to45")
    names = _roster(client, "ordering=-joined_on")
    assert names[0] == "青年党员"


def test_secretary_cannot_filter_by_an_organisation_outside_the_scope(client, world):
    """An organisation outside the scope is not a choice: the field shows an error and nothing outside appears."""
    client.force_login(world.secretary_a)
    response = client.get(reverse("members:list") + f"?organisation={world.branch_b.pk}")
    assert response.status_code == 200
    assert "organisation" in response.context["filter"].form.errors
    assert "赵党员" not in response.content.decode()


def test_bad_filter_values_and_pages_never_fail(client, world):
    """Unknown choices, text in the page number or a page past the end still answer 200."""
    client.force_login(world.admin)
    for query in ("status=nonsense", "page=abc", "page=999", "ordering=password", "age=200"):
        assert client.get(reverse("members:list") + f"?{query}").status_code == 200


def test_empty_roster_says_what_to_do_next(client, world):
    """A search without results says so and offers to clear it."""
    client.force_login(world.secretary_a)
    html = client.get(reverse("members:list") + "?q=不存在的人").content.decode()
    assert "没有符合条件的党员" in html
    assert "清除查询条件" in html


def _form_data(**changes) -> dict:
    data = {
        "name": "孙党员",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "1992-08-09",
        "id_number": make_id_number(date(1992, 8, 9)),
        "status": Status.APPLICANT,
        "applied_on": "2021-03-04",
    }
    data.update(changes)
    return data


def test_create_member_through_the_form(client, world):
    """A secretary creates a record in their branch; a success message follows."""
    client.force_login(world.secretary_a)
    data = _form_data(organisation=world.branch_a.pk, party_group=world.group_a1.pk)
    response = client.post(reverse("members:create"), data, follow=True)
    member = Member.objects.get(name="孙党员")
    assert response.redirect_chain[-1][0] == member.get_absolute_url()
    assert "已新建党员档案" in response.content.decode()
    assert crypto.decrypt(member.id_number_encrypted) == data["id_number"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "520102199208090001"}, "id_number", "身份证号码无效"),
        ({"birth_date": "2099-01-01"}, "birth_date", "日期不能晚于今天。"),
        ({"status": Status.FULL, "joined_on": "2020-01-01"}, "joined_on", "入党日期不能早于递交入党申请日期。"),
        ({"phone": "abc"}, "phone", "请输入有效的电话号码"),
        ({"birth_date": "not a date"}, "birth_date", "输入一个有效的日期"),
    ],
)
def test_form_shows_each_problem_at_its_field(client, world, changes, field, message):
    """Bad input comes back with the Chinese message at the field; nothing is saved."""
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:create"), _form_data(organisation=world.branch_a.pk, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert "档案未保存" in response.content.decode()
    assert not Member.all_objects.filter(name="孙党员").exists()


def test_duplicate_id_number_message_in_the_form(client, world):
    """An ID number already on file is refused at the ID number field."""
    client.force_login(world.secretary_a)
    existing = crypto.decrypt(world.member_b.id_number_encrypted)
    response = client.post(
        reverse("members:create"),
        _form_data(organisation=world.branch_a.pk, id_number=existing, birth_date="1985-06-15"),
    )
    assert response.context["form"].errors["id_number"] == ["该身份证号码已登记在其他党员档案中。"]


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


def test_edit_keeps_id_number_when_left_blank(client, world):
    """The edit form does not show the ID number; leaving it blank keeps it."""
    client.force_login(world.secretary_a)
    member = world.member_a
    before = member.id_number_encrypted
    page = client.get(reverse("members:edit", args=[member.pk])).content.decode()
    assert crypto.decrypt(before) not in page
    response = client.post(reverse("members:edit", args=[member.pk]), _edit_data(member, work_unit="电网公司"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.work_unit == "电网公司"
    assert member.id_number_encrypted == before


def test_stale_edit_shows_message_and_keeps_first_change(client, world):
    """Two secretaries open the same version; the second save is refused and the first change stays."""
    member = world.member_a
    client.force_login(world.secretary_a)
    first = _edit_data(member, work_unit="第一次")
    second = _edit_data(member, work_unit="第二次")
    assert client.post(reverse("members:edit", args=[member.pk]), first).status_code == 302
    response = client.post(reverse("members:edit", args=[member.pk]), second)
    assert response.status_code == 200
    assert "该档案已被他人修改" in response.content.decode()
    member.refresh_from_db()
    assert member.work_unit == "第一次"


def test_organisation_choices_are_limited_to_managed_branches(client, world):
    """The form offers only branches (and their party groups) the user manages."""
    client.force_login(world.secretary_a)
    form = client.get(reverse("members:create")).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.branch_a]
    assert list(form.fields["party_group"].queryset) == [world.group_a1]
    assert form.fields["party_group"].label_from_instance(world.group_a1) == "甲党支部 · 甲第一党小组"


def test_delete_confirm_then_restore_from_the_recycle_bin(client, world):
    """Deleting asks first, moves the record to the recycle bin, and restoring brings it back."""
    client.force_login(world.secretary_a)
    member = world.member_a
    page = client.get(reverse("members:delete", args=[member.pk])).content.decode()
    assert "确认删除" in page
    assert Member.objects.filter(pk=member.pk).exists()
    client.post(reverse("members:delete", args=[member.pk]))
    assert not Member.objects.filter(pk=member.pk).exists()
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404
    trash = client.get(reverse("members:trash"))
    assert [m.pk for m in trash.context["members"]] == [member.pk]
    client.post(reverse("members:restore", args=[member.pk]))
    assert Member.objects.filter(pk=member.pk).exists()


def test_deleting_the_secretary_is_refused_with_a_message(client, world):
    """A current committee post holder is not deleted; the page says why."""
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:delete", args=[world.secretary_a_member.pk]), follow=True)
    assert "请先调整支部委员会" in response.content.decode()
    assert Member.objects.filter(pk=world.secretary_a_member.pk).exists()


def test_history_lists_who_changed_what_with_masked_id_numbers(client, world):
    """The history shows each change with its user, the field, old and new values; ID numbers only masked."""
    client.force_login(world.secretary_a)
    member = world.member_a
    old_number = crypto.decrypt(member.id_number_encrypted)
    new_number = make_id_number(member.birth_date, seq=901)
    client.post(
        reverse("members:edit", args=[member.pk]),
        _edit_data(member, work_unit="供电局", id_number=new_number, party_group=""),
    )
    response = client.get(reverse("members:history", args=[member.pk]))
    html = response.content.decode()
    entry = response.context["entries"][0]
    assert entry.record.history_user == world.secretary_a
    changes = {c.label: (c.old, c.new) for c in entry.changes}
    assert changes["工作单位"] == ("—", "供电局")
    assert changes["党小组"] == ("甲第一党小组", "—")
    assert changes["身份证号"] == (
        old_number[:4] + "*" * 10 + old_number[-4:],
        new_number[:4] + "*" * 10 + new_number[-4:],
    )
    assert "身份证号（加密）" not in html and "gAAAA" not in html
    assert old_number not in html and new_number not in html
    assert "secretary_a" in html


def test_show_id_number_to_the_secretary_logs_the_access(client, world):
    """The branch's secretary sees the full number through the show action; the use is logged with the address."""
    client.force_login(world.secretary_a)
    url = reverse("members:show_id", args=[world.member_a.pk])
    response = client.post(url, HTTP_HX_REQUEST="true", REMOTE_ADDR="10.1.2.3")
    number = crypto.decrypt(world.member_a.id_number_encrypted)
    assert response.status_code == 200
    assert number in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    access = IdNumberAccess.objects.get()
    assert (access.user, access.member, access.address) == (world.secretary_a, world.member_a, "10.1.2.3")
    # Without htmx the same action shows a page.
    page = client.post(url)
    assert "<html" in page.content.decode() and number in page.content.decode()
    assert IdNumberAccess.objects.count() == 2


def test_member_sees_own_full_number(client, world):
    """The member themself may show their own number (and it is logged)."""
    client.force_login(world.member_user)
    response = client.post(reverse("members:show_id", args=[world.member_a.pk]))
    assert crypto.decrypt(world.member_a.id_number_encrypted) in response.content.decode()
    assert IdNumberAccess.objects.filter(user=world.member_user).count() == 1


@pytest.mark.parametrize("role", ["reviewer", "secretary_b"])
def test_others_cannot_show_the_number(client, world, role):
    """A reviewer (read-only) or another branch's secretary gets 404 and no log entry is written."""
    client.force_login(world.users()[role])
    response = client.post(reverse("members:show_id", args=[world.member_a.pk]))
    assert response.status_code == 404
    assert not IdNumberAccess.objects.exists()


def test_detail_page_masks_the_number_and_offers_show_only_when_allowed(client, world):
    """The record shows the masked number; the show button only for those who may use it."""
    number = crypto.decrypt(world.member_a.id_number_encrypted)
    client.force_login(world.reviewer)
    html = client.get(reverse("members:detail", args=[world.member_a.pk])).content.decode()
    assert world.member_a.id_number_masked in html and number not in html
    assert "显示完整号码" not in html
    client.force_login(world.secretary_a)
    html = client.get(reverse("members:detail", args=[world.member_a.pk])).content.decode()
    assert "显示完整号码" in html and number not in html


def test_edit_page_shows_the_stored_masked_number_as_text(client, world):
    """The edit form's hint quotes the stored masked number; a help text is shown as markup, so the number is
    escaped into it (whatever a record written around the portal holds, it is never read as markup)."""
    Member.objects.filter(pk=world.member_a.pk).update(id_number_masked="<b>52</b>")
    client.force_login(world.secretary_a)
    html = client.get(reverse("members:edit", args=[world.member_a.pk])).content.decode()
    assert "当前号码：&lt;b&gt;52&lt;/b&gt;" in html
    assert "<b>52</b>" not in html

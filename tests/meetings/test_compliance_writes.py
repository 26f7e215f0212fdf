"""Every writer reaches `meetings.compliance` (no Django signals): the services and admins of members, committees
and the tree through the hooks meetings registers, the requirement admin, a recount of every month, the command."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from branches import services as branch_services
from branches.models import CommitteeTerm, Organisation
from meetings import compliance
from meetings.compliance import hooks, month_summary, page_cache
from meetings.models import MeetingType, MonthSummary
from members import services as member_services
from members.access import SYSTEM
from members.imports import ImportRow, members_import
from members.models import Member
from tests.admin_posts import change_form_data
from tests.factories import create_member, make_id_number, make_meeting

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
EVERY_PAGE = {"root", "p1", "p2", "a", "b"}


def _keys(world) -> dict[str, str]:
    """The compliance overview's key of each organisation (it moves when the page must be rendered again)."""
    units = {"root": world.root, "p1": world.p1, "p2": world.p2, "a": world.branch_a, "b": world.branch_b}
    return {name: page_cache.key("compliance", [org.path], org.pk) for name, org in units.items()}


def _renewed(world, change) -> set[str]:
    """The pages whose key `change()` moved."""
    before = _keys(world)
    change()
    after = _keys(world)
    return {name for name in before if before[name] != after[name]}


# --- Members -------------------------------------------------------------------------------------------------------


def test_member_services_renew_the_pages_of_the_members_branch_and_above(world):
    """Creating, deleting and restoring a member through the services renews their branch's pages (and those
    above it) only: their 正式党员 count is in its figures."""
    assert _renewed(world, lambda: create_member(world.branch_b, name="新党员")) == {"root", "p2", "b"}
    member = Member.objects.get(pk=world.member_b.pk)
    assert _renewed(world, lambda: member_services.member_delete(member=member, by=SYSTEM)) == {"root", "p2", "b"}
    assert _renewed(world, lambda: member_services.member_restore(member=member, by=SYSTEM)) == {"root", "p2", "b"}


def test_importing_a_roster_renews_the_pages_of_the_branches_imported_into(world):
    """Each member an import creates goes through `member_create`, and so through its hook."""
    row = ImportRow(line=2, name="导入的党员", id_number=make_id_number(date(1985, 6, 15)), organisation=world.branch_b)
    row.data = {
        "name": "导入的党员",
        "gender": "female",
        "birth_date": date(1985, 6, 15),
        "status": "full",
        "joined_on": date(2010, 7, 1),
        "confirmed_on": date(2011, 7, 1),
        "organisation": world.branch_b,
    }
    assert _renewed(world, lambda: members_import(rows=[row], by=SYSTEM)) == {"root", "p2", "b"}


def test_a_transfer_saved_in_the_admin_renews_both_branches(client, world):
    """The admin's member form saves the record itself, then calls the members hook with where it was."""
    client.force_login(world.admin)
    url = reverse("admin:members_member_change", args=[world.member_a.pk])
    data = change_form_data(client.get(url), organisation=world.branch_b, party_group=None)

    def transfer():
        assert client.post(url, data).status_code == 302

    assert _renewed(world, transfer) == EVERY_PAGE
    assert Member.objects.get(pk=world.member_a.pk).organisation == world.branch_b


def test_a_member_deleted_in_the_admin_renews_their_branch(client, world):
    """Deleting a record for good in the admin renews the pages of the branch it was in."""
    client.force_login(world.admin)
    member = create_member(world.branch_b, name="将被删除的党员")
    url = reverse("admin:members_member_delete", args=[member.pk])

    def delete():
        assert client.post(url, {"post": "yes"}).status_code == 302

    assert _renewed(world, delete) == {"root", "p2", "b"}
    assert not Member.all_objects.filter(pk=member.pk).exists()


# --- Committees ----------------------------------------------------------------------------------------------------


def test_a_committee_term_saved_in_the_admin_renews_its_branch(client, world):
    """A term (and its posts) saved in the admin renews its branch's pages and those above, not the others."""
    term = CommitteeTerm.objects.get(organisation=world.branch_a, is_current=True)
    client.force_login(world.admin)
    url = reverse("admin:branches_committeeterm_change", args=[term.pk])
    data = change_form_data(client.get(url), term_ends_on=date(2028, 1, 9))

    def save():
        assert client.post(url, data).status_code == 302

    assert _renewed(world, save) == {"root", "p1", "a"}


# --- The tree ------------------------------------------------------------------------------------------------------


def test_organisation_services_renew_every_page(world):
    """An organisation's name and place show on every page above it: adding or renaming one renews them all."""
    assert (
        _renewed(
            world,
            lambda: branch_services.organisation_create(
                parent=world.p2,
                data={"name": "新党支部", "code": "NEW", "level": "branch", "domain": "state_enterprise"},
                by=SYSTEM,
            ),
        )
        == EVERY_PAGE
    )
    branch = Organisation.objects.get(pk=world.branch_b.pk)
    assert (
        _renewed(
            world, lambda: branch_services.organisation_update(organisation=branch, data={"name": "乙支部"}, by=SYSTEM)
        )
        == EVERY_PAGE
    )


def test_an_organisation_renamed_or_moved_in_the_admin_renews_every_page(client, world):
    """Renaming in the change form and dragging in the tree both renew every page."""
    client.force_login(world.admin)
    url = reverse("admin:branches_organisation_change", args=[world.branch_b.pk])
    data = change_form_data(client.get(url), name="改名的乙党支部")

    def rename():
        assert client.post(url, data).status_code == 302

    assert _renewed(world, rename) == EVERY_PAGE
    move_url = reverse("admin:branches_organisation_changelist") + "move/"

    def move():
        response = client.post(move_url, {"node": world.branch_b.pk, "target": world.p1.pk, "relation": "child"})
        assert response.status_code == 200

    assert _renewed(world, move) == EVERY_PAGE
    moved = Organisation.objects.get(pk=world.branch_b.pk)
    assert Organisation.objects.get_parent(moved) == world.p1


# --- Requirements --------------------------------------------------------------------------------------------------


def test_a_requirement_saved_in_the_admin_renews_every_page(client, world):
    """A requirement added in the admin applies to its whole subtree: every page is rendered again."""
    client.force_login(world.admin)
    url = reverse("admin:meetings_requirementoverride_add")
    data = {"organisation": world.p2.pk, "meeting_type": MeetingType.PARTY_LECTURE, "period": "month", "count": 1}

    def add():
        assert client.post(url, data).status_code == 302

    assert _renewed(world, add) == EVERY_PAGE


# --- The entry itself ----------------------------------------------------------------------------------------------


def _rows() -> dict:
    return {
        (r.organisation_id, r.month): (r.held, r.expected, r.present, r.last_activity)
        for r in MonthSummary.objects.all()
    }


def test_changed_without_months_recounts_every_month_of_those_organisations(world):
    """`changed(ids)` recounts every month of theirs (as a rebuild would), `changed(ids, months=())` none; other
    organisations' rows are left as they are."""
    make_meeting(world.branch_a, starts_at=datetime(2025, 3, 4, 9, tzinfo=SH), attendees=[world.member_a])
    make_meeting(world.branch_a, starts_at=datetime(2025, 5, 6, 9, tzinfo=SH))
    make_meeting(world.branch_b, starts_at=datetime(2025, 5, 7, 9, tzinfo=SH))
    correct = _rows()
    MonthSummary.objects.update(expected=99)
    MonthSummary.objects.filter(organisation=world.branch_a, month=date(2025, 5, 1)).delete()
    compliance.changed([world.branch_a.pk], months=())
    assert MonthSummary.objects.filter(organisation=world.branch_a).count() == 1
    compliance.changed([world.branch_a.pk])
    rows = _rows()
    assert {k: v for k, v in rows.items() if k[0] == world.branch_a.pk} == {
        k: v for k, v in correct.items() if k[0] == world.branch_a.pk
    }
    assert rows[(world.branch_b.pk, date(2025, 5, 1))][1] == 99


def test_the_rebuild_command_recounts_the_summary_and_renews_every_page(world):
    """`manage.py compliance_rebuild` recounts rows written past the services and renews every page."""
    make_meeting(world.branch_a, starts_at=datetime(2025, 3, 4, 9, tzinfo=SH))
    MonthSummary.objects.all().delete()
    out = StringIO()

    def rebuild():
        call_command("compliance_rebuild", stdout=out)

    assert _renewed(world, rebuild) == EVERY_PAGE
    assert "1 rows" in out.getvalue()
    assert month_summary.rebuild() == MonthSummary.objects.count() == 1


def test_the_hooks_are_registered_once_however_often_meetings_is_readied(world):
    """Registering again adds nothing: each write calls each handler once."""
    hooks.register()
    hooks.register()
    assert member_services.member_changed_hooks.count(hooks.member_changed) == 1
    assert branch_services.committee_changed_hooks.count(hooks.committee_changed) == 1
    assert branch_services.organisation_changed_hooks.count(hooks.organisation_changed) == 1


def test_a_late_month_is_counted_in_local_time(world):
    """A moment is counted in its local (Asia/Shanghai) month: 23:00 on 31 March is March although April in UTC."""
    moment = datetime(2025, 3, 31, 23, tzinfo=SH)
    make_meeting(world.branch_a, starts_at=moment)
    MonthSummary.objects.all().delete()
    compliance.changed([world.branch_a.pk], months=[moment])
    assert list(MonthSummary.objects.values_list("month", flat=True)) == [date(2025, 3, 1)]

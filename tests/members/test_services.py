"""Writes to member records: the rules' messages, encryption at rest, versions, soft delete and restore."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from branches.errors import DomainError, NotPermitted
from members import crypto, services
from members.access import SYSTEM
from members.models import Member, Post
from tests.factories import MemberFactory, make_committee, make_id_number

pytestmark = pytest.mark.django_db


def _data(world, **changes) -> dict:
    data = {
        "name": "钱党员",
        "gender": "male",
        "birth_date": date(1990, 4, 5),
        "organisation": world.branch_a,
        "status": "full",
        "applied_on": date(2010, 3, 1),
        "joined_on": date(2011, 7, 1),
        "confirmed_on": date(2012, 7, 1),
    }
    data.update(changes)
    return data


def test_id_number_is_encrypted_at_rest(world):
    """The database column holds a Fernet token, never the number; the number decrypts back."""
    number = make_id_number(date(1990, 4, 5))
    member = services.member_create(data=_data(world), id_number=number, by=SYSTEM)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_member WHERE id = %s", [member.pk])
        row = [str(v) for v in cursor.fetchone()]
        cursor.execute("SELECT * FROM members_historicalmember WHERE id = %s", [member.pk])
        history_row = [str(v) for v in cursor.fetchone()]
    assert not any(number in value for value in row + history_row)
    assert member.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert crypto.decrypt(member.id_number_encrypted) == number
    assert member.id_number_index == crypto.blind_index(number)


def test_duplicate_id_number_refused_even_against_deleted_records(world):
    """An ID number already on file (also in the recycle bin) is refused with a Chinese message."""
    number = make_id_number(date(1990, 4, 5))
    first = services.member_create(data=_data(world), id_number=number, by=SYSTEM)
    services.member_delete(member=first, by=SYSTEM)
    with pytest.raises(DomainError) as error:
        services.member_create(data=_data(world, name="另一人"), id_number=number.lower(), by=SYSTEM)
    assert error.value.field == "id_number"
    assert error.value.message == "该身份证号码已登记在其他党员档案中。"
    assert Member.all_objects.count() == 6


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"joined_on": date(2009, 1, 1)}, "joined_on", "入党日期不能早于递交入党申请日期。"),
        ({"confirmed_on": date(2011, 1, 1)}, "confirmed_on", "转正日期不能早于入党日期。"),
        (
            {"applied_on": date(2007, 1, 1), "joined_on": None, "confirmed_on": None},
            "applied_on",
            "递交入党申请时应年满18周岁。",
        ),
        ({"birth_date": date(1990, 4, 6)}, "birth_date", "出生日期与身份证号码不一致。"),
        ({"organisation": "group"}, "organisation", "党员应编入党支部。"),
    ],
)
def test_rule_messages_name_their_field(world, changes, field, message):
    """Each broken rule gives its Chinese message at the field it concerns; nothing is saved."""
    if changes.get("organisation") == "group":
        changes["organisation"] = world.group_a1
    problems = services.member_check(data=_data(world, **changes), id_number=make_id_number(date(1990, 4, 5)))
    assert problems[field] == message
    with pytest.raises(DomainError):
        services.member_create(data=_data(world, **changes), id_number=make_id_number(date(1990, 4, 5)), by=SYSTEM)
    assert not Member.all_objects.filter(name="钱党员").exists()


def test_future_dates_refused(world):
    """No date of a record may lie in the future."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    problems = services.member_check(
        data=_data(world, applied_on=tomorrow, joined_on=tomorrow, confirmed_on=tomorrow), id_number=None
    )
    assert problems["applied_on"] == "日期不能晚于今天。"
    assert problems["joined_on"] == "日期不能晚于今天。"
    assert problems["confirmed_on"] == "日期不能晚于今天。"


def test_party_group_must_belong_to_the_branch(world):
    """A member's 党小组 lies inside their 党支部."""
    problems = services.member_check(
        data=_data(world, organisation=world.branch_b, party_group=world.group_a1), id_number=None
    )
    assert problems["party_group"] == "党小组应属于所在党支部。"


def test_stale_edit_refused_and_first_change_kept(world):
    """Two people edit the same version: the second save is refused and the first one stays."""
    member = Member.objects.get(pk=world.member_a.pk)
    version = member.version
    services.member_update(member=member, data={"work_unit": "第一次修改"}, version=version, by=SYSTEM)
    other = Member.objects.get(pk=world.member_a.pk)
    with pytest.raises(DomainError) as error:
        services.member_update(member=other, data={"work_unit": "第二次修改"}, version=version, by=SYSTEM)
    assert error.value.message.startswith("该档案已被他人修改")
    member.refresh_from_db()
    assert member.work_unit == "第一次修改"
    assert member.version == version + 1


def test_edit_without_new_id_number_checks_birth_date_against_the_stored_one(world):
    """Leaving the ID number blank keeps it, and the birth date must still agree with it."""
    member = Member.objects.get(pk=world.member_a.pk)
    with pytest.raises(DomainError) as error:
        services.member_update(member=member, data={"birth_date": date(1985, 6, 16)}, version=member.version, by=SYSTEM)
    assert error.value.field == "birth_date"


def test_new_id_number_replaces_index_and_mask(world):
    """A new ID number is encrypted, indexed and masked again."""
    member = Member.objects.get(pk=world.member_a.pk)
    number = make_id_number(member.birth_date, seq=777)
    services.member_update(member=member, data={}, version=member.version, id_number=number, by=SYSTEM)
    member.refresh_from_db()
    assert crypto.decrypt(member.id_number_encrypted) == number
    assert member.id_number_index == crypto.blind_index(number)
    assert member.id_number_masked.endswith(number[-4:])


def test_soft_delete_and_restore(world):
    """Deleting moves the record to the recycle bin (hidden from the roster); restoring brings it back."""
    member = world.member_b
    services.member_delete(member=member, by=SYSTEM)
    assert not Member.objects.filter(pk=member.pk).exists()
    deleted = Member.all_objects.get(pk=member.pk)
    assert deleted.is_deleted and deleted.deleted_at is not None
    services.member_restore(member=deleted, by=SYSTEM)
    restored = Member.objects.get(pk=member.pk)
    assert restored.deleted_at is None
    assert restored.history.count() == 3


def test_current_committee_post_holder_cannot_be_deleted(world):
    """The secretary of a current committee term stays on the roll until the committee is changed."""
    with pytest.raises(DomainError) as error:
        services.member_delete(member=world.secretary_a_member, by=SYSTEM)
    assert "支部委员会" in error.value.message
    assert Member.objects.filter(pk=world.secretary_a_member.pk).exists()
    # After a new term without them, the record can go.
    make_committee(world.branch_a, [(MemberFactory(organisation=world.branch_a), Post.SECRETARY)])
    services.member_delete(member=world.secretary_a_member, by=SYSTEM)
    assert not Member.objects.filter(pk=world.secretary_a_member.pk).exists()


def test_a_caller_who_does_not_manage_the_record_is_refused_and_nothing_changes(world):
    """The member services refuse a caller without the named permission: branch B's secretary and the reviewer
    cannot add to, edit, move, delete, restore or photograph branch A's records; A's secretary cannot move a record
    to branch B; the member cannot edit their own record."""
    from branches.errors import NotPermitted
    from members.access import scope_for
    from tests.members.images import image_bytes, upload

    member = world.member_a
    version = member.version
    for outsider in (world.secretary_b, world.reviewer, world.member_user):
        by = scope_for(outsider)
        with pytest.raises(NotPermitted):
            services.member_create(data=_data(world), id_number=make_id_number(date(1990, 4, 5)), by=by)
        with pytest.raises(NotPermitted):
            services.member_update(member=member, data={"name": "改名"}, version=version, by=by)
        with pytest.raises(NotPermitted):
            services.member_delete(member=member, by=by)
        with pytest.raises(NotPermitted):
            services.member_restore(member=member, by=by)
        with pytest.raises(NotPermitted):
            services.member_photo_set(member=member, upload=upload(image_bytes()), by=by)
    with pytest.raises(NotPermitted):
        services.member_update(
            member=member, data={"organisation": world.branch_b}, version=version, by=scope_for(world.secretary_a)
        )
    member.refresh_from_db()
    assert (member.name, member.organisation_id, member.is_deleted, member.version, bool(member.photo)) == (
        "王党员",
        world.branch_a.pk,
        False,
        version,
        False,
    )
    assert not Member.objects.filter(name="钱党员").exists()


def test_revealing_an_id_number_logs_it_and_refuses_others(world):
    """The reveal service hands the full number to those who may see it, writing one access-log row each time, and
    refuses anyone else without writing anything (the member themself, their secretary and admins may)."""
    from members.access import scope_for
    from members.models import IdNumberAccess

    member = world.member_a
    for user in (world.member_user, world.secretary_a, world.admin):
        number = services.id_number_reveal(member=member, by=scope_for(user), address="192.0.2.7")
        assert len(number) == 18 and number.endswith(member.id_number_masked[-4:])
    assert IdNumberAccess.objects.filter(member=member, purpose="show", address="192.0.2.7").count() == 3
    for user in (world.secretary_b, world.reviewer):
        with pytest.raises(NotPermitted):
            services.id_number_reveal(member=member, by=scope_for(user), address=None)
    assert IdNumberAccess.objects.count() == 3


def test_an_export_logs_each_full_number_it_hands_out(world):
    """A full-number export gives the number of each member the caller manages (logged, one row each) and the masked
    form of the others; a masked export logs nothing; a caller who may not export full numbers is refused."""
    from members.access import scope_for
    from members.models import IdNumberAccess

    export = services.id_number_export(by=scope_for(world.secretary_a), address=None, full=True)
    assert len(export.number_of(world.member_a)) == 18
    assert export.number_of(world.member_b) == world.member_b.id_number_masked
    assert export.save() == 1 and IdNumberAccess.objects.get().member == world.member_a
    masked = services.id_number_export(by=scope_for(world.secretary_a), address=None, full=False)
    assert masked.number_of(world.member_a) == world.member_a.id_number_masked and masked.save() == 0
    with pytest.raises(NotPermitted):
        services.id_number_export(by=scope_for(world.reviewer), address=None, full=True)

"""组织关系转接: the services (start, accept, return, withdraw, the member leaving the portal), their refusals
(nothing changed, the rule named), the notices they write, the 介绍信 and the pages' query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.errors import DomainError, NotPermitted
from members.access import SYSTEM, scope_for
from members.models import IdNumberAccess, Member, Post, Status, Transfer, TransferStatus
from members.services import transfers as services
from notifications.models import Notice, NoticeKind
from notifications.transfers import transfer_reminders_create
from tests.factories import MemberFactory, UserFactory, make_committee
from tests.fingerprint import changed, fingerprint
from tests.meetings.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def _start(world, member=None, by=None, **extra):
    values = {"to_organisation": world.branch_b, "reason": "工作调动", "started_on": timezone.localdate()}
    values.update(extra)
    return services.transfer_start(member=member or world.member_a, by=by or scope_for(world.secretary_a), **values)


def test_a_transfer_leaves_the_member_on_the_sending_roster_until_accepted(world):
    """Started: still in branch A (and its 党小组); accepted by B: in B, out of the 党小组, both dates kept."""
    transfer = _start(world)
    member = Member.objects.get(pk=world.member_a.pk)
    assert (member.organisation_id, member.party_group_id) == (world.branch_a.pk, world.group_a1.pk)
    assert transfer.status == TransferStatus.PENDING and transfer.from_organisation == world.branch_a

    services.transfer_accept(transfer=transfer, by=scope_for(world.secretary_b))
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert (member.organisation_id, member.party_group_id) == (world.branch_b.pk, None)
    assert transfer.status == TransferStatus.ACCEPTED and transfer.decided_on == timezone.localdate()
    assert (transfer.from_organisation_id, transfer.to_organisation_id) == (world.branch_a.pk, world.branch_b.pk)
    assert transfer.decided_by == world.secretary_b and transfer.started_by == world.secretary_a
    # The record's own history keeps the move too.
    assert {h.organisation_id for h in member.history.all()} >= {world.branch_a.pk, world.branch_b.pk}


def test_the_apps_above_hear_of_the_move_on_acceptance(world, monkeypatch):
    """`member_changed_hooks` get the member with the branch and 党小组 it left (dues, study tasks and reminders
    follow)."""
    from members import services as member_services

    heard = []
    monkeypatch.setattr(member_services, "member_changed_hooks", [lambda m, before: heard.append((m.pk, before))])
    transfer = _start(world)
    assert heard == []
    services.transfer_accept(transfer=transfer, by=scope_for(world.secretary_b))
    assert heard == [(world.member_a.pk, {world.branch_a.pk, world.group_a1.pk})]


def test_a_returned_transfer_keeps_the_member_and_its_reason(world):
    """Returned with a reason: the member never moved; the sending branch may start again."""
    transfer = _start(world)
    services.transfer_return(transfer=transfer, reason="接收单位有误", by=scope_for(world.secretary_b))
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RETURNED and transfer.return_reason == "接收单位有误"
    assert Member.objects.get(pk=world.member_a.pk).organisation_id == world.branch_a.pk
    assert _start(world).is_pending


def test_withdrawing_and_leaving_the_portal(world):
    """The sending branch withdraws a waiting transfer; a transfer out of the portal closes as 已转出."""
    services.transfer_cancel(transfer=_start(world), by=scope_for(world.secretary_a))
    outgoing = _start(world, to_organisation=None, destination="中共某市某区机关工委某党支部")
    assert outgoing.to_organisation is None and outgoing.destination_name.startswith("中共某市")
    services.transfer_record_left(transfer=outgoing, by=scope_for(world.secretary_a))
    member = Member.objects.get(pk=world.member_a.pk)
    assert member.status == Status.TRANSFERRED_OUT and member.organisation_id == world.branch_a.pk
    assert member.party_group_id is None
    assert list(Transfer.objects.filter(member=member).values_list("status", flat=True)) == ["left", "cancelled"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"to_organisation": "own"}, "不能转接到党员所在的本支部"),
        ({"to_organisation": "group"}, "组织关系只能转入党支部"),
        ({"to_organisation": None, "destination": ""}, "请选择转入的党支部"),
        ({"started_on": "tomorrow"}, "日期不能晚于今天"),
        ({"started_on": "two years ago"}, "日期不能早于"),
        ({"valid_days": 91}, "介绍信有效期应为1至90天"),
        ({"reason": "  "}, "请填写转接原因"),
    ],
)
def test_bad_input_is_refused_with_the_rule_and_nothing_changes(world, change, message):
    """Dates out of range, a transfer to one's own branch or to a 党小组, no destination, a letter valid too long,
    no reason: a clear message naming the rule, and no table changes."""
    today = timezone.localdate()
    values = {
        "own": world.branch_a,
        "group": world.group_a1,
        "tomorrow": today + timedelta(days=1),
        "two years ago": today - timedelta(days=800),
    }
    extra = {k: values.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    if "reason" in change:
        extra["reason"] = change["reason"]
    before = fingerprint()
    with pytest.raises(DomainError, match=message):
        _start(world, **extra)
    assert not changed(before, fingerprint())


def test_refusals_of_status_duplicates_and_posts(world):
    """An applicant has no 组织关系 to transfer; a second transfer waits for the first; a committee member first
    leaves the committee."""
    applicant = MemberFactory(organisation=world.branch_a, status=Status.APPLICANT, joined_on=None, confirmed_on=None)
    with pytest.raises(DomainError, match="只有预备党员和正式党员"):
        _start(world, member=applicant)
    _start(world)
    with pytest.raises(DomainError, match="已有一项正在办理"):
        _start(world)
    with pytest.raises(DomainError, match="担任现任委员会职务"):
        _start(world, member=world.secretary_a_member)


def test_out_of_scope_callers_are_refused(world):
    """Only the sending branch starts, withdraws and prints; only the receiving branch accepts or returns."""
    with pytest.raises(NotPermitted):
        _start(world, member=world.member_b)  # B's member, by A's secretary
    with pytest.raises(NotPermitted):
        _start(world, by=scope_for(world.reviewer))
    transfer = _start(world)
    for user in (world.secretary_a, world.reviewer, world.member_user):
        with pytest.raises(NotPermitted):
            services.transfer_accept(transfer=transfer, by=scope_for(user))
        with pytest.raises(NotPermitted):
            services.transfer_return(transfer=transfer, reason="x", by=scope_for(user))
    with pytest.raises(NotPermitted):
        services.transfer_cancel(transfer=transfer, by=scope_for(world.secretary_b))


def test_a_closed_transfer_cannot_be_decided_again(world):
    """Accepted once: a second accept, a return or a withdrawal is refused, the member stays where they went."""
    transfer = _start(world)
    services.transfer_accept(transfer=transfer, by=scope_for(world.secretary_b))
    for act in (
        lambda: services.transfer_accept(transfer=transfer, by=SYSTEM),
        lambda: services.transfer_return(transfer=transfer, reason="晚了", by=SYSTEM),
        lambda: services.transfer_cancel(transfer=transfer, by=SYSTEM),
    ):
        with pytest.raises(DomainError, match="已办结"):
            act()
    with pytest.raises(DomainError, match="办结日期不能早于转出日期"):
        services.transfer_accept(
            transfer=_start(world, member=world.member_b, by=SYSTEM, to_organisation=world.branch_a),
            by=SYSTEM,
            decided_on=timezone.localdate() - timedelta(days=1),
        )


def test_the_status_transferred_out_is_set_by_a_transfer_only(world):
    """A member's form cannot set 已转出 directly: it is the record of a transfer out of the portal."""
    from members import services as member_services

    problems = member_services.member_check(
        data={"status": Status.TRANSFERRED_OUT}, id_number=None, member=world.member_a
    )
    assert "组织关系转接" in problems["status"]


def test_notices_go_to_each_side_once(world):
    """Started → B's secretary; accepted → A's secretary and the member; a repeated hook writes nothing new; the
    morning reminder goes to B's secretary once, 7 days after the start."""
    started_on = timezone.localdate() - timedelta(days=7)
    transfer = _start(world, started_on=started_on)
    incoming = Notice.objects.get(kind=NoticeKind.TRANSFER_INCOMING)
    assert incoming.user == world.secretary_b and incoming.link == transfer.get_absolute_url()
    assert transfer_reminders_create(today=started_on + timedelta(days=6), by=SYSTEM) == 0
    assert transfer_reminders_create(today=started_on + timedelta(days=7), by=SYSTEM) == 1
    assert transfer_reminders_create(today=started_on + timedelta(days=8), by=SYSTEM) == 0
    services.transfer_accept(transfer=transfer, by=scope_for(world.secretary_b))
    accepted = Notice.objects.filter(kind=NoticeKind.TRANSFER_ACCEPTED)
    assert {(n.user_id, n.member_id) for n in accepted} == {
        (world.secretary_a.pk, world.secretary_a_member.pk),
        (world.member_user.pk, world.member_a.pk),
    }
    from notifications.transfers import transfer_notices

    transfer_notices(transfer, "accepted")
    assert Notice.objects.filter(kind=NoticeKind.TRANSFER_ACCEPTED).count() == 2
    with pytest.raises(NotPermitted):
        transfer_reminders_create(today=timezone.localdate(), by=scope_for(world.admin))


def test_the_transfer_letter_carries_the_standard_fields_and_logs_the_id_number(world):
    """The 介绍信: stub, letter and return slip with the same number, name, full ID number, both organisations,
    dues paid until and validity; printing it writes the ID-number access log."""
    transfer = _start(
        world, to_organisation=None, destination="中共某县委组织部", dues_paid_until=date.today().replace(day=1)
    )
    transfer = Transfer.objects.select_related("member", "from_organisation").get(pk=transfer.pk)
    pdf = services.transfer_letter(transfer=transfer, by=scope_for(world.secretary_a), address="127.0.0.1")
    text = pdf_text(pdf)
    from members import crypto

    for expected in (
        "组织关系介绍信",
        "回执",
        transfer.letter_number,
        world.member_a.name,
        crypto.decrypt(world.member_a.id_number_encrypted),
        "中共某县委组织部",
        world.branch_a.name,
        "党费已交到",
        "有效期30天",
    ):
        assert expected in text, expected
    assert IdNumberAccess.objects.filter(member=world.member_a, purpose="letter").count() == 1
    with pytest.raises(NotPermitted):
        services.transfer_letter(transfer=transfer, by=scope_for(world.secretary_b), address=None)


def _transfers(world, count: int) -> None:
    for _ in range(count):
        member = MemberFactory(organisation=world.branch_a)
        _start(world, member=member, by=SYSTEM)


@pytest.mark.parametrize("role", ["secretary_a", "secretary_b", "reviewer"])
def test_the_transfer_list_costs_the_same_with_few_and_many_transfers(client, world, django_assert_num_queries, role):
    """The list of transfers (both sides and the reviewer above the sender) queries the same with 3 and 30."""
    client.force_login(getattr(world, role))
    url = reverse("members:transfers")
    _transfers(world, 3)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["transfers"]) == 3
    _transfers(world, 27)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["paginator"].count == 30


def test_in_flight_transfers_are_seen_by_both_branches_and_their_common_superior(world):
    """A → B waits: A's and B's secretaries and the root's readers see it; the reviewer of P1 (above A) too."""
    transfer = _start(world)
    root_officer = MemberFactory(organisation=world.branch_b, user=UserFactory(username="root_officer"))
    make_committee(world.root, [(root_officer, Post.SECRETARY)])
    for user in (world.secretary_a, world.secretary_b, world.reviewer, root_officer.user, world.admin):
        scope = scope_for(user)
        assert Transfer.objects.filter(scope.transfers_readable_q(), pk=transfer.pk).exists(), user
    assert not Transfer.objects.filter(scope_for(world.member_user).transfers_readable_q() & Q(pk=transfer.pk))


def test_the_mobile_list_shows_where_members_are(client, world):
    """流动党员 show their place, unit and contact; one away six months or more is told to transfer."""
    Member.objects.filter(pk=world.member_a.pk).update(
        is_mobile=True, away_place="广东省深圳市", away_contact="13800000000", away_since=date(2020, 1, 1)
    )
    client.force_login(world.secretary_a)
    response = client.get(reverse("members:mobile"))
    content = response.content.decode()
    assert "广东省深圳市" in content and "13800000000" in content and "应转接组织关系" in content

"""Every write of 组织关系转接 (transfers): start, accept, return, withdraw, and the member leaving the portal.

Inside the portal the sending branch starts a transfer and the receiving branch accepts it (the member moves, from
that day, with everything that follows the member record: `member_changed_hooks` tell the apps above) or returns it
with a reason (the member never moved). Out of the portal the sending branch prints the 介绍信 and, once the member
has left, closes the transfer: the record stays, with the status 已转出. Every write calls
`transfer_changed_hooks(transfer, event)` inside its transaction (notifications registers there).
"""

from collections.abc import Callable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record, target_of
from branches.dates import date_range_problems
from branches.errors import DomainError, NotPermitted
from branches.models import Organisation

from .. import crypto, letters, rules
from ..access import Scope
from ..models import CommitteePost, IdNumberAccess, Member, Status, Transfer, TransferKind, TransferStatus
from . import member_changed, member_units

#: `hook(transfer, event)` runs inside the transaction of every transfer write; `event` is one of
#: "started", "accepted", "returned", "cancelled", "left". Apps above members register in their `ready()`.
transfer_changed_hooks: list[Callable[[Transfer, str], None]] = []

STARTED, ACCEPTED, RETURNED, CANCELLED, LEFT = "started", "accepted", "returned", "cancelled", "left"


def transfer_changed(transfer: Transfer, event: str) -> None:
    for hook in transfer_changed_hooks:
        hook(transfer, event)


def transfer_check(
    *,
    member: Member,
    to_organisation: Organisation | None,
    destination: str,
    started_on: date | None,
    dues_paid_until: date | None = None,
    valid_days: int = rules.LETTER_VALID_DAYS_DEFAULT,
    today: date | None = None,
) -> dict[str, str]:
    """The rule problems of a new transfer as {field: Chinese message}; empty when it may start."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if member.is_deleted:
        return {"__all__": _("该党员档案已被删除。")}
    if not rules.transferable_status(member.status):
        problems["__all__"] = _("只有预备党员和正式党员办理组织关系转接（当前为%(status)s）。") % {
            "status": member.get_status_display()
        }
    if to_organisation is None and not destination.strip():
        problems["to_organisation"] = _("请选择转入的党支部，或填写系统外的接收党组织。")
    elif to_organisation is not None and destination.strip():
        problems["destination"] = _("转入本系统的党支部时，不填写系统外的接收党组织。")
    elif to_organisation is not None and not rules.transfer_target_valid(
        member.organisation_id, to_organisation.pk, to_organisation.level
    ):
        if to_organisation.pk == member.organisation_id:
            problems["to_organisation"] = _("不能转接到党员所在的本支部。")
        else:
            problems["to_organisation"] = _("组织关系只能转入党支部。")
    if started_on is None:
        problems["started_on"] = _("请填写转出日期。")
    problems.update(
        date_range_problems(
            {"started_on": started_on, "dues_paid_until": dues_paid_until}, rules.TRANSFER_DATE_RANGES, today=today
        )
    )
    if not rules.letter_valid_days_ok(valid_days):
        problems["valid_days"] = _("介绍信有效期应为1至%(max)d天。") % {"max": rules.LETTER_VALID_DAYS_MAX}
    if Transfer.objects.filter(member=member, status=TransferStatus.PENDING).exists():
        problems.setdefault("__all__", _("该党员已有一项正在办理的组织关系转接，请先办结或撤回。"))
    if CommitteePost.objects.current().filter(member=member).exists():
        problems.setdefault("__all__", _("该党员担任现任委员会职务，请先调整委员会后再转接组织关系。"))
    return problems


def _raise_first(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=None if field == "__all__" else field)


@transaction.atomic
def transfer_start(
    *,
    member: Member,
    reason: str,
    started_on: date,
    by: Scope,
    to_organisation: Organisation | None = None,
    destination: str = "",
    dues_paid_until: date | None = None,
    valid_days: int = rules.LETTER_VALID_DAYS_DEFAULT,
) -> Transfer:
    """Start a member's transfer from their branch: to another branch of the portal (`to_organisation`), or out of
    the portal (`destination`, the receiving organisation's name). The member stays on the sending roster until the
    transfer is accepted."""
    if not by.may_start_transfer(member):
        raise NotPermitted
    member = Member.all_objects.select_for_update().select_related("organisation").get(pk=member.pk)
    reason = (reason or "").strip()
    destination = (destination or "").strip()
    problems = transfer_check(
        member=member,
        to_organisation=to_organisation,
        destination=destination,
        started_on=started_on,
        dues_paid_until=dues_paid_until,
        valid_days=valid_days,
    )
    if not reason:
        problems.setdefault("reason", _("请填写转接原因。"))
    _raise_first(problems)
    transfer = Transfer(
        member=member,
        kind=TransferKind.INTERNAL if to_organisation is not None else TransferKind.OUTGOING,
        from_organisation=member.organisation,
        to_organisation=to_organisation,
        destination=destination,
        member_status=member.status,
        reason=reason[:200],
        dues_paid_until=dues_paid_until,
        valid_days=valid_days,
        started_on=started_on,
        started_by_id=by.user_id,
    )
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as exc:  # a second start of the same member at the same moment
        raise DomainError(_("该党员已有一项正在办理的组织关系转接，请先办结或撤回。")) from exc
    transfer_changed(transfer, STARTED)
    return transfer


def _locked_pending(transfer: Transfer) -> Transfer:
    """The transfer re-read under a row lock, still waiting; a transfer already closed is refused."""
    locked = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_organisation", "to_organisation")
        .get(pk=transfer.pk)
    )
    if locked.status != TransferStatus.PENDING:
        raise DomainError(
            _("该组织关系转接已办结（%(status)s），不能再办理。") % {"status": locked.get_status_display()}
        )
    return locked


def _decision_day(transfer: Transfer, decided_on: date | None) -> date:
    today = timezone.localdate()
    decided_on = decided_on or today
    problems = date_range_problems({"decided_on": decided_on}, rules.TRANSFER_DATE_RANGES, today=today)
    if not problems and not rules.decided_in_order(transfer.started_on, decided_on):
        problems["decided_on"] = _("办结日期不能早于转出日期（%(date)s）。") % {"date": transfer.started_on.isoformat()}
    _raise_first(problems)
    return decided_on


def _close(transfer: Transfer, status: str, decided_on: date, by: Scope, return_reason: str = "") -> None:
    transfer.status = status
    transfer.decided_on = decided_on
    transfer.decided_by_id = by.user_id
    transfer.return_reason = return_reason
    transfer.save(update_fields=["status", "decided_on", "decided_by", "return_reason"])


@transaction.atomic
def transfer_accept(*, transfer: Transfer, by: Scope, decided_on: date | None = None) -> Transfer:
    """The receiving branch accepts: the member moves to it (out of any 党小组 of the sending branch) from
    `decided_on` (today by default); their study tasks, reminders and dues follow through `member_changed_hooks`."""
    if not by.may_decide_transfer(transfer):
        raise NotPermitted
    transfer = _locked_pending(transfer)
    decided_on = _decision_day(transfer, decided_on)
    member = Member.all_objects.select_for_update().get(pk=transfer.member_id)
    if member.is_deleted:
        raise DomainError(_("该党员档案已被删除。"))
    before = member_units(member)
    member.organisation = transfer.to_organisation
    member.party_group = None
    member.version += 1
    member.save(update_fields=["organisation", "party_group", "version", "updated_at"])
    _close(transfer, TransferStatus.ACCEPTED, decided_on, by)
    member_changed(member, before)
    transfer_changed(transfer, ACCEPTED)
    return transfer


@transaction.atomic
def transfer_return(*, transfer: Transfer, reason: str, by: Scope, decided_on: date | None = None) -> Transfer:
    """The receiving branch returns the transfer with a reason; the member stays where they were."""
    if not by.may_decide_transfer(transfer):
        raise NotPermitted
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("退回时请填写退回原因。"), field="return_reason")
    if len(reason) > 200:
        raise DomainError(_("退回原因不能超过200字。"), field="return_reason")
    transfer = _locked_pending(transfer)
    _close(transfer, TransferStatus.RETURNED, _decision_day(transfer, decided_on), by, return_reason=reason)
    transfer_changed(transfer, RETURNED)
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, by: Scope) -> Transfer:
    """The sending branch withdraws a transfer still waiting; nothing else changes."""
    if not by.may_handle_sent_transfer(transfer):
        raise NotPermitted
    transfer = _locked_pending(transfer)
    _close(transfer, TransferStatus.CANCELLED, _decision_day(transfer, None), by)
    transfer_changed(transfer, CANCELLED)
    return transfer


@transaction.atomic
def transfer_record_left(*, transfer: Transfer, by: Scope, decided_on: date | None = None) -> Transfer:
    """A transfer out of the portal is closed by the sending branch once the member has left with the 介绍信:
    the record stays in the branch (status 已转出, out of its 党小组 and of every count and roll), with the transfer
    saying where they went."""
    if not by.may_handle_sent_transfer(transfer):
        raise NotPermitted
    if transfer.kind != TransferKind.OUTGOING:
        raise DomainError(_("转入本系统党支部的转接由接收党支部接收，不需登记转出。"))
    transfer = _locked_pending(transfer)
    decided_on = _decision_day(transfer, decided_on)
    member = Member.all_objects.select_for_update().get(pk=transfer.member_id)
    before = member_units(member)
    member.status = Status.TRANSFERRED_OUT
    member.party_group = None  # a 党小组 holds Party members of the portal only
    member.is_mobile = False
    member.version += 1
    member.save(update_fields=["status", "party_group", "is_mobile", "version", "updated_at"])
    _close(transfer, TransferStatus.LEFT, decided_on, by)
    member_changed(member, before)
    transfer_changed(transfer, LEFT)
    return transfer


def transfer_letter(*, transfer: Transfer, by: Scope, address: str | None) -> bytes:
    """The 介绍信 PDF (stub, letter and return slip) for the managers of the sending branch; it carries the full ID
    number, so each one printed is written to the ID-number access log (身份证号查看记录)."""
    if not by.may_handle_sent_transfer(transfer):
        raise NotPermitted
    if by.user_id is not None:
        IdNumberAccess.objects.create(member=transfer.member, user_id=by.user_id, address=address, purpose="letter")
        audit_record(
            action=Action.ID_REVEAL,
            user_id=by.user_id,
            address=address,
            target=target_of(transfer.member),
            detail=_("介绍信"),
        )
    return letters.transfer_letter_pdf(transfer, crypto.decrypt(transfer.member.id_number_encrypted))

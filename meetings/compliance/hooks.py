"""What the writes of the apps below meetings mean for compliance. No rule lives here: members and branches call
the hook lists their services own, inside the transaction of each write (their services and their admins), and
meetings registers these handlers there (`register`, from `MeetingsConfig.ready`), so neither imports meetings.

- a member counts as 正式党员 in their branch's figures and is named as host in the meeting list: a change to a
  member renews the pages of their branch and party group (before and after a transfer) and of the organisations
  whose meetings they host;
- a committee term or post decides who owes a 支部委员会: it renews its organisation's pages;
- an organisation's name and place in the tree show on every page: a change to the tree renews every page.
"""

from collections.abc import Iterable

from branches import services as branch_services
from branches.models import CommitteeTerm, Organisation
from members import services as member_services
from members.models import Member

from ..models import Meeting
from . import changed, everything_changed


def member_changed(member: Member, before: Iterable[int]) -> None:
    """A member record was created, edited, moved, deleted or restored; `before`: the branch and party group it
    was in before (empty for a new record)."""
    units = {member.organisation_id, member.party_group_id, *before}
    if before and member.pk is not None:  # a new record hosts nothing yet
        hosted = Meeting.all_objects.filter(host_id=member.pk).values_list("organisation_id", flat=True)
        units.update(hosted.distinct().order_by())
    changed(units, months=())


def committee_changed(term: CommitteeTerm) -> None:
    """A committee term or its posts changed."""
    changed([term.organisation_id], months=())


def organisation_changed(organisation: Organisation | None) -> None:
    """An organisation was added, edited, moved or deleted."""
    everything_changed()


def register() -> None:
    """Add the handlers to the hook lists of members and branches (once, however often the apps are readied)."""
    for hooks, handler in (
        (member_services.member_changed_hooks, member_changed),
        (branch_services.committee_changed_hooks, committee_changed),
        (branch_services.organisation_changed_hooks, organisation_changed),
    ):
        if handler not in hooks:
            hooks.append(handler)

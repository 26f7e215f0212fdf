"""The permissions of 组织关系转接 (transfers) and of the 流动党员 list, mixed into `Scope`.

A transfer is started, withdrawn, given its 介绍信 and closed by the managers of the sending branch; accepted or
returned by the managers of the receiving branch; read by whoever reads either branch, which includes the readers of
their nearest common superior. Each method is pure over the scope's paths and the object's own fields (tested as a
table in tests/members/test_permissions.py).
"""

from django.db.models import Q


class TransferPermissions:
    """Named permissions of transfers and mobile members; `Scope` provides `_reads`, `_manages` and the paths."""

    def may_read_transfers(self) -> bool:
        """The list of transfers is for those who read some part of the tree (a member sees none)."""
        return self._reads_some()

    def may_start_transfers(self) -> bool:
        """Transfers are started by those who manage a branch, and admins."""
        return self._manages_some()

    def may_start_transfer(self, member) -> bool:
        """A member's transfer is started by the managers of their branch, and admins."""
        return self._manages(member.organisation)

    def may_read_transfer(self, transfer) -> bool:
        """A transfer is read by whoever reads the sending or the receiving branch (so by the readers of their
        nearest common superior too)."""
        return self._reads(transfer.from_organisation) or (
            transfer.to_organisation_id is not None and self._reads(transfer.to_organisation)
        )

    def may_decide_transfer(self, transfer) -> bool:
        """A transfer waiting inside the portal is accepted or returned by the managers of the receiving branch."""
        return transfer.to_organisation_id is not None and self._manages(transfer.to_organisation)

    def may_handle_sent_transfer(self, transfer) -> bool:
        """A transfer is withdrawn, given its 介绍信 and closed (the member left) by the managers of the sending
        branch."""
        return self._manages(transfer.from_organisation)

    def transfers_readable_q(self) -> Q:
        """Transfers whose sending or receiving branch the user reads."""
        if self.is_admin:
            return Q()
        return self.organisations_readable_q("from_organisation__path") | self.organisations_readable_q(
            "to_organisation__path"
        )

    def may_read_mobile_members(self) -> bool:
        """The 流动党员 list (where each is and how to reach them) is for those who read some part of the tree."""
        return self._reads_some()

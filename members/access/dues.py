"""Who reads and records dues (党费): a mixin of `Scope` (members/access/scope.py), tabled in
tests/members/test_permissions.py like every named permission."""

from branches.models import Organisation

from ..models import Member


class DuesPermissions:
    """The dues ledger is read by whoever reads the organisation; a member's dues by the member themself and the
    readers of their branch; payments, declared bases and reductions are recorded by the branch's managers."""

    def may_read_dues_ledgers(self) -> bool:
        """The ledger (党费台账) in the navigation: for those who read some part of the tree."""
        return self._reads_some()

    def may_read_dues(self, organisation: Organisation | None) -> bool:
        """An organisation's dues ledger is read by whoever reads the organisation."""
        return self._reads(organisation)

    def may_read_member_dues(self, member: Member) -> bool:
        """A member's dues are read by the member themself and by the readers of their branch."""
        return self.is_own_member(member.pk) or self._reads(member.organisation)

    def may_record_dues(self, member: Member) -> bool:
        """Payments, declared bases and approved reductions are recorded by the managers of the member's branch
        (the secretary collects 党费) and admins."""
        return self._manages(member.organisation)

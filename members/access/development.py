"""Who reads and records the development of members (发展党员): a mixin of `Scope`, named once."""

from branches.models import Organisation

from ..models import Member


class DevelopmentPermissions:
    """The development pages: the pipeline board and the funnel of an organisation, a person's path, a step."""

    def may_read_development(self) -> bool:
        """The pipeline board and the funnel are for those who read some part of the tree (secretaries, reviewers,
        admins); a member sees no one's path, not even through the navigation."""
        return self._reads_some()

    def may_read_development_of(self, organisation: Organisation | None) -> bool:
        """An organisation's pipeline board and funnel are read by whoever reads the organisation."""
        return self._reads(organisation)

    def may_read_path(self, member: Member) -> bool:
        """A person's path is read by whoever reads their branch."""
        return self._reads(member.organisation)

    def may_record_step(self, member: Member) -> bool:
        """A step of a person's path (a talk, a vote, an approval …) is recorded by their branch's managers and
        admins; a reviewer reads it."""
        return self._manages(member.organisation)

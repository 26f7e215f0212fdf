"""The permissions of 民主评议党员 and 支部考核, mixed into `Scope` (scope.py stays one screen of roles).

- a branch's managers open and run its appraisal; its members write their self-assessment, vote (those with a
  vote) and read their own result; nobody reads another's ballot;
- whoever reads an organisation reads the distribution of grades below it (counts only);
- a committee above the branches defines the scoring scheme of its subtree (admins too); whoever reads a branch reads
  its scores.
"""

from django.db.models import Q

from branches import rules as branch_rules
from branches.models import Level


class EvaluationPermissions:
    """Named permissions of appraisals and branch assessment (methods of `Scope`)."""

    def may_open_appraisal(self, organisation) -> bool:
        """A 党支部's 民主评议党员 is opened and run by its managers and admins."""
        return organisation.level == Level.BRANCH and self._manages(organisation)

    def may_run_appraisal(self, appraisal) -> bool:
        """Steps, the tally, grades, confirmation, feedback and follow-ups: the branch's managers and admins."""
        return self._manages(appraisal.organisation)

    def may_take_part(self, appraisal) -> bool:
        """A member of the branch writes a self-assessment and reads their own result."""
        return self.member_branch_id is not None and appraisal.organisation_id == self.member_branch_id

    def may_read_appraisals(self) -> bool:
        """The appraisal pages: for members (their own), managers and readers."""
        return self.is_member or self._reads_some()

    def appraisals_readable_q(self, path_field: str = "organisation__path") -> Q:
        """Appraisals the user reaches: those of the subtrees they manage, and their own branch's."""
        if self.is_admin:
            return Q()
        q = Q(pk__in=[])
        for path in self.managed_paths:
            q |= Q(**{f"{path_field}__startswith": path})
        if self.member_branch_id is not None:
            q |= Q(organisation_id=self.member_branch_id)
        return q

    def may_read_distribution(self, organisation) -> bool:
        """The distribution of grades in a subtree (counts, never ballots): whoever reads the organisation."""
        return self._reads(organisation)

    def may_define_scheme(self, organisation) -> bool:
        """A scoring scheme is defined by a committee above the branches for its subtree: its managers and admins."""
        if organisation.level not in (*branch_rules.COMMITTEE_LEVELS, Level.GENERAL_BRANCH):
            return False
        return self.is_admin or any(organisation.path.startswith(p) for p in self.committee_paths)

    def may_read_scheme(self, scheme) -> bool:
        """A scheme and its scores are read by whoever reads the committee that defined it."""
        return self._reads(scheme.organisation)

    def may_read_branch_score(self, score) -> bool:
        """A branch's score is read by whoever reads the branch (its own managers included)."""
        return self._reads(score.organisation)

    def schemes_readable_q(self) -> Q:
        return self.organisations_readable_q("organisation__path")

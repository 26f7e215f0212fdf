"""The study-task permissions of `Scope` (学习任务), kept beside it so the scope stays one screen per concern.

A task belongs to the organisation that assigned it (`task.organisation`) and reaches the members of its target;
who assigns, reads and reviews follows from the scope's paths and the task's organisation, without a query. A
member reaches their own rows only (`may_complete_assignment`).
"""

from django.db.models import Q

from branches.models import Organisation

#: treebeard's step: every organisation's path is its parent's path and 4 more characters.
PATH_STEP = 4


def _ancestors_and_self(paths) -> set[str]:
    """Every path on the way from the roots to each of `paths`, the paths themselves included."""
    return {path[:end] for path in paths for end in range(PATH_STEP, len(path) + 1, PATH_STEP)}


class StudyPermissions:
    """Named permissions of study tasks, mixed into `members.access.Scope` (which supplies `_reads`, `_manages`,
    `read_paths`, `is_admin`, `is_own_member`)."""

    def may_assign_tasks(self) -> bool:
        """The task list and 新建学习任务: for secretaries (their branch and below) and reviewers (their
        subtree), and admins."""
        return self._reads_some()

    def may_assign_task(self, organisation: Organisation | None) -> bool:
        """A task is assigned by an organisation's secretaries (any part of what they manage) and reviewers (any
        part of their subtree), and admins."""
        return self._reads(organisation)

    def may_edit_task(self, task) -> bool:
        """A task is edited (and its reflections returned) by those who may assign for its organisation."""
        return self._reads(task.organisation)

    def may_read_task(self, task) -> bool:
        """A task is read by those who may assign for its organisation, and by those who read a part of the tree
        below it (a secretary sees a task from a 党委 above for their branch's members)."""
        if self.is_admin or self._reads(task.organisation):
            return True
        path = task.organisation.path
        return any(read.startswith(path) for read in self.read_paths)

    def may_review_completion(self, task) -> bool:
        """A task's completion (by branch, by member, the export, the reminder) is seen by whoever reads the task,
        limited to the members they read (`members_readable_q`)."""
        return self.may_read_task(task)

    def may_return_reflection(self, assignment) -> bool:
        """A submitted reflection is returned by the task's assigners and by the member's branch managers."""
        return self.may_edit_task(assignment.task) or self._manages(assignment.member.organisation)

    def may_complete_assignment(self, assignment) -> bool:
        """A member completes their own tasks only (read and confirm, write a reflection)."""
        return self.is_own_member(assignment.member_id)

    def may_read_study_record(self, member) -> bool:
        """A member's yearly study record is read by the member and by those who read their record."""
        return self.is_own_member(member.pk) or self._reads(member.organisation)

    def tasks_readable_q(self, path_field: str = "organisation__path") -> Q:
        """Tasks the user reads: assigned in a subtree they read, or by an organisation above one."""
        if self.is_admin:
            return Q()
        q = Q(pk__in=[])
        for path in self.read_paths:
            q |= Q(**{f"{path_field}__startswith": path})
        above = _ancestors_and_self(self.read_paths)
        if above:
            q |= Q(**{f"{path_field}__in": sorted(above)})
        return q

"""What the organisation services ask of their caller (`by`).

This app sits below `members`, where people and the access layer are known; it declares here the permissions its
services need, and `members.access.Scope` provides them (the admin and commands pass `scope_for(user)` or
`members.access.SYSTEM`).
"""

from typing import Protocol, runtime_checkable

from .models import Organisation


@runtime_checkable
class Actor(Protocol):
    """The caller of a service that changes the tree: who they are and what they may do."""

    user_id: int | None

    def may_add_root(self) -> bool: ...

    def may_add_child(self, organisation: Organisation) -> bool: ...

    def may_edit_organisation(self, organisation: Organisation) -> bool: ...

    def may_change_level(self, organisation: Organisation) -> bool: ...

    def may_elect(self, organisation: Organisation) -> bool: ...

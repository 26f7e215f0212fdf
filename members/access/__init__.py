"""The one access layer: what a user may read and do, named once (`Scope`), where people are known.

Domain modules import ``from members.access import Scope, SYSTEM, scope_for``; views import their mixins from
``members.access.views`` and templates get the decisions naming no object from
``members.access.context_processors``.
"""

from .scope import ANONYMOUS, SYSTEM, Scope, SitePermissions, scope_for

__all__ = ["ANONYMOUS", "SYSTEM", "Scope", "SitePermissions", "scope_for"]

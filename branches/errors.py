"""The one domain error of the project (a broken rule, with a message for the user in Chinese) and the refusal of a
caller without the permission a service needs."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule was broken; `message` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def add_to(self, form) -> None:
        """Show the message at its field when the form has that field, otherwise at the top of the form."""
        form.add_error(self.field if self.field in form.fields else None, self.message)


class NotPermitted(PermissionDenied):
    """The caller (`by`) lacks the permission a service needs; the portal's pages answer it with 404, as they do for
    an object outside the user's scope."""

    def __init__(self, message: str = ""):
        super().__init__(message or _("您无权进行此操作。"))

"""The one domain error of the project: a broken rule, with a message for the user in Chinese."""


class DomainError(Exception):
    """A rule was broken; `message` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

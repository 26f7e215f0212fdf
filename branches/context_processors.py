"""Template context: the user's scope, so navigation shows only what the user can use."""

from .access import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    return {"scope": scope_for(user) if user is not None else None}

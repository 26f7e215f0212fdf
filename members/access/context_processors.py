"""Template context: the decisions that name no object (`may`), so the navigation shows only what the user can use."""

from django.utils.functional import SimpleLazyObject

from .scope import scope_for


def site_permissions(request):
    user = getattr(request, "user", None)
    return {"may": SimpleLazyObject(lambda: scope_for(user).site_permissions())}

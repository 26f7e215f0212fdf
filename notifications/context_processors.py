"""Template context: the bell's unread count (one query per page, whatever the page shows)."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def unread_notices(request):
    user = getattr(request, "user", None)
    return {"unread_notice_count": SimpleLazyObject(lambda: selectors.unread_count(user))}

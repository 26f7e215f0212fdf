"""The one way an event enters the audit log. Every app may call it (the audit app sits below them all)."""

from django.db import models

from .models import Action, AuditEvent


def target_of(obj: models.Model | None) -> str:
    """ "app.model:pk" for an object: what it was, never what it says."""
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


def audit_record(
    *,
    action: Action | str,
    user=None,
    user_id: int | None = None,
    username: str = "",
    address: str | None = None,
    path: str = "",
    target: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append an event. `user` (a User) or `user_id` names who; `username` is the login name as typed (a failed
    login); every text is cut to its column's length, so no input can make the log refuse an event."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    name = username or (user.get_username() if user is not None else "")
    return AuditEvent.objects.create(
        action=action,
        user_id=user.pk if user is not None else user_id,
        username=name[:150],
        address=address or None,
        path=path[:300],
        target=target[:120],
        detail=detail[:300],
    )

"""Django's and django-axes' own events into the audit log: logins, logouts, failed logins, lock-outs, and the admin
site's own record of what it changed (LogEntry)."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save

from config.proxies import client_address

from .models import Action
from .services import audit_record


def _address(request) -> str | None:
    return client_address(request) if request is not None else None


def _path(request) -> str:
    return request.path if request is not None else ""


def logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action=Action.LOGIN, user=user, address=_address(request), path=_path(request))


def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action=Action.LOGOUT, user=user, address=_address(request), path=_path(request))


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The password is never in `credentials` as Django sends it (cleansed); only the login name is kept.
    username = str((credentials or {}).get("username") or "")
    audit_record(action=Action.LOGIN_FAILED, username=username, address=_address(request), path=_path(request))


def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit_record(
        action=Action.LOCKED_OUT,
        username=str(username or ""),
        address=ip_address or _address(request),
        path=_path(request),
    )


def admin_action(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    kinds = {1: "add", 2: "change", 3: "delete"}
    audit_record(
        action=Action.ADMIN,
        user=instance.user,
        target=f"{instance.content_type.app_label}.{instance.content_type.model}:{instance.object_id}"
        if instance.content_type_id
        else "",
        detail=f"{kinds.get(instance.action_flag, instance.action_flag)} {instance.get_change_message()}",
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="audit_login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit_locked_out")
    post_save.connect(admin_action, sender=LogEntry, dispatch_uid="audit_admin_action")

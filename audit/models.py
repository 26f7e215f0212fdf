"""The audit log (审计日志): who did what security-relevant thing, when and from where. Append-only: the portal has
no page or admin action that edits or deletes an event."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("登录锁定")
    LOGOUT = "logout", _("退出登录")
    DENIED = "denied", _("越权访问被拒绝")
    ID_REVEAL = "id_reveal", _("查看身份证号")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    ADMIN = "admin", _("管理后台操作")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用户"),
    )
    #: The login name as given (a failed login's may match no account); kept when the account is deleted.
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    path = models.CharField(_("地址"), max_length=300, blank=True)
    #: What the action was about, e.g. "members.member:42" (never a name or an ID number).
    target = models.CharField(_("对象"), max_length=120, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["user", "-at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_action_display()} {self.username}"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("审计日志")

    def ready(self):
        # Logins, failed logins, lock-outs and admin actions are Django's and django-axes' own events: their signals
        # are the one place they can be heard (the portal's own writes call `audit.services.audit_record`).
        from . import receivers

        receivers.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("提醒与通知")

    def ready(self):
        # meetings knows nothing of notifications: it calls the hooks registered here inside its own transactions.
        from meetings import services as meeting_services

        from .services import meeting_reminders_sync

        if meeting_reminders_sync not in meeting_services.meeting_changed_hooks:
            meeting_services.meeting_changed_hooks.append(meeting_reminders_sync)

        # Nor does evaluations: its step changes reach the members' notices through its hook.
        from evaluations import services as evaluation_services

        from .evaluations import appraisal_notices_sync

        if appraisal_notices_sync not in evaluation_services.appraisal_changed_hooks:
            evaluation_services.appraisal_changed_hooks.append(appraisal_notices_sync)
        # members knows nothing of notifications either: a transfer's write calls the hook registered here.
        from members.services import transfers as transfer_services

        from .transfers import transfer_notices

        if transfer_notices not in transfer_services.transfer_changed_hooks:
            transfer_services.transfer_changed_hooks.append(transfer_notices)

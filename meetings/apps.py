from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("组织生活")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .compliance import hooks

        # members and branches know nothing of meetings: they call the hooks registered here inside their writes.
        hooks.register()

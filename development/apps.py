from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = _("发展党员")

    def ready(self):
        from . import services

        # members knows nothing of development: a record saved with a status of the path refreshes its next step.
        services.register_hooks()

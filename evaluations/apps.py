from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("民主评议")

    def ready(self):
        # meetings knows nothing of evaluations: a change to a meeting reaches the branch scores through its hook.
        from meetings import services as meeting_services

        from . import indicators  # noqa: F401  (registers the indicator sources this app computes)
        from .services.schemes import meeting_changed

        if meeting_changed not in meeting_services.meeting_changed_hooks:
            meeting_services.meeting_changed_hooks.append(meeting_changed)

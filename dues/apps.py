from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "dues"
    verbose_name = _("党费")

    def ready(self):
        from members import services as member_services

        from . import ledger

        # members knows nothing of dues: a member saved, moved or deleted renews the ledger of the branches involved.
        if ledger.member_changed not in member_services.member_changed_hooks:
            member_services.member_changed_hooks.append(ledger.member_changed)

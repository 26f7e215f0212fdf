from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("组织")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .unreadable_dates import install

        # Every connection reads a stored date Python cannot use as "unreadable" instead of failing.
        connection_created.connect(install, dispatch_uid="branches.unreadable_dates")

"""The project's own site-wide behaviour that needs Django's registry ready (no models)."""

from django.apps import AppConfig


class PortalSiteConfig(AppConfig):
    name = "config"
    label = "portal_site"
    verbose_name = "Portal site"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import sessions

        user_logged_in.connect(sessions.renewed_at_login, dispatch_uid="portal_session_renewed_at_login")

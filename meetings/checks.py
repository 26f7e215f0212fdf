"""System checks of the meetings app: the minutes PDF needs a Chinese font on this machine."""

from django.conf import settings
from django.core.checks import Warning, register
from django.core.exceptions import ImproperlyConfigured


@register()
def minutes_font_check(app_configs=None, **kwargs):
    """Warn at start-up (not at the first download) when no Chinese font for the minutes PDF can be found."""
    from .minutes import font_path

    try:
        font_path(settings.MINUTES_FONT_PATH)
    except ImproperlyConfigured as exc:
        return [Warning(str(exc), hint="Set PORTAL_MINUTES_FONT_PATH or install fonts-wqy-microhei.",
                        id="meetings.W001")]
    return []

"""The template filters `date` and `time`, as Django's, but "日期无效" for a stored date that cannot be read.

Loaded for every template as a builtin (settings TEMPLATES OPTIONS "builtins"), after Django's own, so these two
filters take the place of Django's everywhere, the admin's templates included; see `branches.unreadable_dates`.
"""

from django import template
from django.template import defaultfilters

from branches.unreadable_dates import INVALID_TEXT, is_unreadable

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Format a date according to the given format; 日期无效 when it cannot be read."""
    if is_unreadable(value):
        return str(INVALID_TEXT)
    return defaultfilters.date(value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def time(value, arg=None):
    """Format a time according to the given format; nothing when it cannot be read (its date says 日期无效)."""
    if is_unreadable(value):
        return ""
    return defaultfilters.time(value, arg)

"""The "最近会议" card on pages the meetings app does not own (the branch page): `{% load meetings_recent %}`.

The branches app sits below meetings and must not import it, so its template uses
`{% recent_meetings organisation can_plan %}`; whether the user may plan a meeting comes from the page's view.
"""

from django import template
from django.urls import reverse

from members.access import scope_for

from .. import selectors

register = template.Library()

#: How many meetings the card shows; the rest are one click away on the filtered list.
RECENT_COUNT = 5


@register.inclusion_tag("meetings/includes/recent_meetings.html", takes_context=True)
def recent_meetings(context, organisation, can_plan: bool = False):
    """The latest meetings of an organisation's subtree that the user may read, with links to the filtered list
    and, when the page's view says the user may (`can_plan`), to plan a meeting (one query, whatever the
    numbers)."""
    request = context.get("request")
    meetings = selectors.meetings_recent_in(scope_for(getattr(request, "user", None)), organisation, RECENT_COUNT)
    return {
        "organisation": organisation,
        "meetings": meetings,
        "list_url": f"{reverse('meetings:list')}?organisation={organisation.pk}",
        "calendar_url": f"{reverse('meetings:calendar')}?org={organisation.pk}",
        "create_url": f"{reverse('meetings:create')}?organisation={organisation.pk}" if can_plan else "",
    }

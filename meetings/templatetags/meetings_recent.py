"""The "最近会议" card on pages the meetings app does not own (the branch page): `{% load meetings_recent %}`.

The branches app sits below meetings and must not import it, so its template uses `{% recent_meetings organisation %}`.
"""

from django import template
from django.urls import reverse

from branches.access import MANAGE, scope_for
from branches.models import Level

from .. import selectors

register = template.Library()

#: How many meetings the card shows; the rest are one click away on the filtered list.
RECENT_COUNT = 5


@register.inclusion_tag("meetings/includes/recent_meetings.html", takes_context=True)
def recent_meetings(context, organisation):
    """The latest meetings of an organisation's subtree that the user may read, with links to the filtered list
    and, for those who manage a branch or 党小组, to plan a meeting (one query, whatever the numbers)."""
    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    meetings = selectors.meetings_recent_in(scope, organisation, RECENT_COUNT)
    plannable = organisation.level in (Level.BRANCH, Level.PARTY_GROUP) and scope.can(organisation, MANAGE)
    return {
        "organisation": organisation,
        "meetings": meetings,
        "list_url": f"{reverse('meetings:list')}?organisation={organisation.pk}",
        "calendar_url": f"{reverse('meetings:calendar')}?org={organisation.pk}",
        "create_url": f"{reverse('meetings:create')}?organisation={organisation.pk}" if plannable else "",
    }

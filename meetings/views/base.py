"""What every meeting page shares: fetching the meeting through the scope, and the list's query strings."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from members.access.views import ScopedObjectMixin

from .. import rules, selectors
from ..compliance_views import period_label
from ..models import Meeting, MeetingStatus

#: Templates the photos and attachments pages provide for the record; shown once they exist.
RECORD_INCLUDES = ("meetings/includes/photos.html", "meetings/includes/attachments.html")


class MeetingViewMixin(ScopedObjectMixin):
    """A page about one meeting, fetched through the scope (404 outside it); readable meetings by default.

    `refuse()` answers with a redirect and a message when the page does not apply to the meeting as it stands.
    """

    object_attribute = "meeting"

    def scoped_queryset(self):
        return selectors.meetings_visible_to(self.scope)

    def refuse_unless_open(self, meeting: Meeting):
        """A finalised record is read-only (corrections are amendments); a cancelled meeting cannot be changed."""
        if meeting.status == MeetingStatus.FINALISED:
            messages.error(self.request, _("该会议记录已归档，不能直接修改；如需更正，请提交更正说明。"))
            return HttpResponseRedirect(meeting.get_absolute_url())
        if meeting.status == MeetingStatus.CANCELLED:
            messages.error(self.request, _("该会议已取消，不能修改。"))
            return HttpResponseRedirect(meeting.get_absolute_url())
        return None


class ManagedMeetingMixin(MeetingViewMixin):
    """A page that changes a meeting: only for those who manage its organisation."""

    def allowed(self, meeting: Meeting) -> bool:
        return self.scope.may_manage_meeting(meeting)


def query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def query_without_page(request) -> str:
    return query_without(request, "page")


def existing_templates(names: tuple[str, ...]) -> list[str]:
    found = []
    for name in names:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


def filter_period_label(code: str | None) -> str:
    """ "2026年第3季度" for the list's `period` filter ("" without one); a code that is no period is shown as given."""
    if not code:
        return ""
    try:
        return period_label(rules.parse_period(code))
    except ValueError:
        return code


def calendar_url_for(cleaned: dict) -> str:
    """The calendar of what the list shows: the same organisation, and the filtered month when there is one."""
    params = {}
    if cleaned.get("organisation"):
        params["org"] = cleaned["organisation"].pk
    if cleaned.get("month"):
        params["month"] = cleaned["month"]
    return reverse("meetings:calendar") + (f"?{urlencode(params)}" if params else "")

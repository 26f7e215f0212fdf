"""The meeting list: search, filters, sorting, paging; its rows cached as data (`page_cache`)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.generic import TemplateView

from branches.paging import PageFacts, paginate
from members.access.views import ScopedViewMixin

from .. import selectors
from ..compliance import page_cache
from ..filters import MeetingFilter
from ..models import MeetingStatus
from .base import calendar_url_for, filter_period_label, query_without, query_without_page

# --- List ----------------------------------------------------------------------------------------------------------


#: The status badge's colour, as meetings/includes/meeting_status.html gives it (the list sets it per row).
STATUS_BADGES = {
    MeetingStatus.FINALISED: "status-green",
    MeetingStatus.HELD: "status-yellow",
    MeetingStatus.CANCELLED: "status-neutral",
}


class MeetingListView(ScopedViewMixin, TemplateView):
    """Meetings in the user's scope: search, filters, sorting by date, paginated with the total.

    The page of rows (with its total) and the organisation choices are read once per scope and query string and
    cached as data until something in the user's part of the tree changes (`page_cache`); the templates render
    them, and what depends on the user's role is decided on every request.
    """

    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        filterset = MeetingFilter(
            self.request.GET,
            queryset=selectors.meetings_for_list(self.scope),
            organisations=self.scope.organisations_with_meetings_readable(),
            tops=self.scope.meeting_tops(),
        )
        filterset.form.is_valid()
        cleaned = filterset.form.cleaned_data  # the valid fields, also when another one is not
        key = page_cache.key(
            "list",
            self.scope.meeting_tops(),  # what meetings_visible_to shows this scope, and the filter offers it
            urlencode(sorted(self.request.GET.lists()), doseq=True),
            translation.get_language(),
            settings.PAGE_SIZE,
            settings.LIST_COUNT_CAP,
        )
        page = page_cache.get(key)
        if page is None:
            page = self._page(filterset)
            page_cache.put(key, page, settings.MEETING_LIST_CACHE_SECONDS)
        # The organisation choices come with the page: the select renders without reading the tree again.
        filterset.form.fields["organisation"].widget.choices = page["organisation_choices"]
        unit_only = cleaned.get("organisation") if cleaned.get("unit_only") else None
        current = self.request.GET.get("ordering", "")
        query = self.request.GET.copy()
        query.pop("page", None)
        query["ordering"] = "-starts_at" if current == "starts_at" else "starts_at"
        return super().get_context_data(
            # The rendered filter form and rows are kept under the same key by the template (`{% cache %}`): a
            # change in the reader's part of the tree renews both.
            page_key=key,
            cache_seconds=settings.MEETING_LIST_CACHE_SECONDS,
            filter=filterset,
            meetings=page["meetings"],
            page_obj=page["page"],
            total=page["page"].paginator.count,
            total_is_exact=page["page"].paginator.count_is_exact,
            query=query_without_page(self.request),
            sort_url=f"?{query.urlencode()}",
            sort_direction="asc" if current == "starts_at" else "desc",
            is_filtered=any(v not in (None, "", []) for v in cleaned.values()),
            period=cleaned.get("period") or "",
            period_label=filter_period_label(cleaned.get("period")),
            unit_only=unit_only,
            calendar_url=calendar_url_for(cleaned),
            # What depends on the user's role, not only on the part of the tree they read: never cached.
            compliance_url=self._compliance_url(unit_only, cleaned.get("period")),
            can_create=self.scope.may_plan_meetings(),
            query_without_period=query_without(self.request, "page", "period"),
            query_without_unit_only=query_without(self.request, "page", "unit_only"),
            list_url=f"?{query_without_page(self.request)}",
            **kwargs,
        )

    def _page(self, filterset) -> dict:
        """What the cache keeps: the page of meetings (model instances with what their row shows), the facts of
        the page (number, total, neighbours) and the organisation filter's choices; the templates render them."""
        # The total is exact up to LIST_COUNT_CAP: an exact COUNT(*) of a root organisation's meetings cost more
        # than the rest of the page (bench figures 3 and 4).
        _paginator, page = paginate(self.request, filterset.qs, capped=True)
        meetings = list(page.object_list)
        for meeting in meetings:
            # Set here so that the template's row needs no include or chain of conditions per meeting.
            meeting.status_badge = STATUS_BADGES.get(meeting.status, "text-bg-primary")
            meeting.has_attendance = meeting.status in (MeetingStatus.HELD, MeetingStatus.FINALISED)
        field = filterset.form.fields["organisation"]
        return {
            "meetings": meetings,
            "page": PageFacts.of(page),
            "organisation_choices": [("", field.empty_label), *((o.pk, o.name) for o in field.queryset)],
        }

    def _compliance_url(self, organisation, period: str | None) -> str:
        """Back to the compliance figures a click-through came from (only for those who may read them)."""
        if organisation is None or not self.scope.may_read_compliance(organisation):
            return ""
        url = reverse("meetings:compliance", args=[organisation.pk])
        return f"{url}?{urlencode({'period': period})}" if period else url

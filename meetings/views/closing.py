"""Finalise and amend a record; cancel, delete and restore a meeting; its history."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from branches.errors import DomainError
from branches.paging import paginate
from members.access.views import ScopedViewMixin

from .. import history, selectors, services
from ..forms import (
    AmendForm,
    CancelForm,
    FinaliseForm,
)
from ..models import AttendanceState, MeetingStatus
from .base import ManagedMeetingMixin, MeetingViewMixin

# --- Finalise and amend --------------------------------------------------------------------------------------------


class MeetingFinaliseView(ManagedMeetingMixin, FormView):
    """Confirm the record (归档) after the quorum check; without a quorum, an explicit confirmation and a reason."""

    template_name = "meetings/meeting_finalise.html"
    form_class = FinaliseForm

    def refuse(self, meeting):
        if meeting.status == MeetingStatus.FINALISED:
            messages.info(self.request, _("该会议记录已归档。"))
            return HttpResponseRedirect(meeting.get_absolute_url())
        if meeting.status == MeetingStatus.CANCELLED:
            messages.error(self.request, _("该会议已取消，不能归档。"))
            return HttpResponseRedirect(meeting.get_absolute_url())
        return None

    @cached_property
    def quorum(self):
        return selectors.meeting_quorum(self.meeting)

    def get_form_kwargs(self):
        # The quorum is asked about only once there is a record to finalise (a planned meeting is refused first).
        short = self.meeting.status == MeetingStatus.HELD and any(not check.met for check in self.quorum)
        return {**super().get_form_kwargs(), "quorum_short": short}

    def get_initial(self):
        return {"version": self.meeting.version}

    def get_context_data(self, **kwargs):
        unmarked = self.meeting.attendances.filter(state=AttendanceState.EXPECTED).count()
        return super().get_context_data(meeting=self.meeting, quorum=self.quorum, unmarked=unmarked, **kwargs)

    def form_valid(self, form):
        try:
            services.meeting_finalise(
                meeting=self.meeting,
                by=self.scope,
                without_quorum_reason=form.cleaned_data.get("without_quorum_reason", ""),
                version=form.cleaned_data.get("version"),
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("会议记录已归档；此后如需更正，请提交更正说明。"))
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class MeetingAmendView(ManagedMeetingMixin, FormView):
    """Correct a finalised record: the new value takes effect, the original stays visible on the record."""

    template_name = "meetings/meeting_amend.html"
    form_class = AmendForm

    def refuse(self, meeting):
        if meeting.status != MeetingStatus.FINALISED:
            messages.info(self.request, _("该会议记录尚未归档，可直接修改。"))
            return HttpResponseRedirect(meeting.get_absolute_url())
        return None

    def get_initial(self):
        field = self.request.GET.get("field", "")
        if field not in services.AMENDABLE_FIELDS:
            field = "minutes"
        return {"field": field, "new_value": getattr(self.meeting, field)}

    def get_context_data(self, **kwargs):
        current = {name: getattr(self.meeting, name) for name in services.AMENDABLE_FIELDS}
        return super().get_context_data(meeting=self.meeting, current=current, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            amendment = services.meeting_amend(
                meeting=self.meeting,
                by=self.scope,
                field=data["field"],
                new_value=data["new_value"],
                reason=data["reason"],
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(
            self.request, _("已更正“%(field)s”，原内容保留在更正记录中。") % {"field": amendment.field_label}
        )
        return HttpResponseRedirect(self.meeting.get_absolute_url() + "#amendments")


# --- Cancel, delete, restore ---------------------------------------------------------------------------------------


class MeetingCancelView(ManagedMeetingMixin, FormView):
    """Cancel a planned meeting (with an optional reason), after a confirmation."""

    template_name = "meetings/meeting_confirm_cancel.html"
    form_class = CancelForm

    def refuse(self, meeting):
        if meeting.status != MeetingStatus.PLANNED:
            messages.error(self.request, _("只能取消尚未召开的会议。"))
            return HttpResponseRedirect(meeting.get_absolute_url())
        return None

    def get_initial(self):
        return {"version": self.meeting.version}

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def form_valid(self, form):
        try:
            services.meeting_cancel(
                meeting=self.meeting,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version"),
                by=self.scope,
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("已取消会议：%(topic)s。") % {"topic": self.meeting.topic})
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class MeetingDeleteView(ManagedMeetingMixin, TemplateView):
    """Confirm, then move the meeting to the recycle bin (the secretary or an admin can restore it)."""

    template_name = "meetings/meeting_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.meeting_delete(meeting=self.meeting, by=self.scope)
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("meetings:list"))
        messages.success(
            request, _("已将会议“%(topic)s”移入回收站，可在回收站中恢复。") % {"topic": self.meeting.topic}
        )
        return HttpResponseRedirect(reverse("meetings:list"))


class MeetingTrashView(ScopedViewMixin, TemplateView):
    """Deleted meetings of the organisations the user manages, paginated."""

    template_name = "meetings/meeting_trash.html"

    def permitted(self) -> bool:
        return self.scope.may_open_meeting_trash()

    def get_context_data(self, **kwargs):
        paginator, page = paginate(self.request, selectors.meetings_deleted_for(self.scope))
        return super().get_context_data(
            meetings=page.object_list, page_obj=page, paginator=paginator, total=paginator.count, **kwargs
        )


class MeetingRestoreView(MeetingViewMixin, View):
    """Bring a meeting back from the recycle bin (POST)."""

    http_method_names = ["post"]

    def scoped_queryset(self):
        return selectors.meetings_deleted_for(self.scope)

    def post(self, request, *args, **kwargs):
        try:
            services.meeting_restore(meeting=self.meeting, by=self.scope)
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("meetings:trash"))
        messages.success(request, _("已恢复会议：%(topic)s。") % {"topic": self.meeting.topic})
        return HttpResponseRedirect(self.meeting.get_absolute_url())


# --- History -------------------------------------------------------------------------------------------------------


class MeetingHistoryView(MeetingViewMixin, TemplateView):
    """Who changed the record and when, paginated (as the members' and organisations' history pages)."""

    template_name = "meetings/meeting_history.html"

    def get_context_data(self, **kwargs):
        records = history.meeting_history(self.meeting)
        paginator, page = paginate(self.request, records)
        start = page.start_index() - 1 if paginator.count else 0
        # One version more than shown: the base the page's oldest version is compared with.
        rows = list(records[start : start + settings.PAGE_SIZE + 1])
        shown = rows[: settings.PAGE_SIZE]
        base = rows[settings.PAGE_SIZE] if len(rows) > settings.PAGE_SIZE else None
        return super().get_context_data(
            meeting=self.meeting,
            entries=history.with_related_changes(
                self.meeting, history.meeting_history_entries(shown, base=base), base=base
            ),
            page_obj=page,
            paginator=paginator,
            total=paginator.count,
            **kwargs,
        )

"""A meeting's record: its detail page and its attendance."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from branches.errors import DomainError

from .. import rules, selectors, services
from ..forms import (
    AttendanceForm,
    AttendeesForm,
    GuestForm,
)
from ..models import AttendanceState, Meeting, MeetingStatus
from .base import RECORD_INCLUDES, ManagedMeetingMixin, MeetingViewMixin, existing_templates

# --- Detail --------------------------------------------------------------------------------------------------------


class MeetingDetailView(MeetingViewMixin, TemplateView):
    """The record as everyone in scope reads it; those who manage the branch get the actions."""

    template_name = "meetings/meeting_detail.html"

    def scoped_queryset(self):
        return selectors.meeting_detail_queryset(self.scope)

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        attendances = list(meeting.attendances.all())
        by_state = {state: [a for a in attendances if a.state == state] for state in AttendanceState.values}
        can_manage = self.scope.may_manage_meeting(meeting)
        is_open = meeting.status in (MeetingStatus.PLANNED, MeetingStatus.HELD)
        unmarked = by_state[AttendanceState.EXPECTED]
        return super().get_context_data(
            next_step=_next_step(meeting, has_unmarked=bool(unmarked)) if can_manage else "",
            meeting=meeting,
            attendances=attendances,
            present=by_state[AttendanceState.PRESENT],
            on_leave=by_state[AttendanceState.LEAVE],
            absent=by_state[AttendanceState.ABSENT],
            unmarked=unmarked,
            guests=list(meeting.guests.all()),
            amendments=list(meeting.amendments.all()),
            quorum=selectors.meeting_quorum(meeting) if meeting.status != MeetingStatus.CANCELLED else [],
            can_manage=can_manage,
            is_open=is_open,
            record_includes=existing_templates(RECORD_INCLUDES),
            **kwargs,
        )


def _next_step(meeting: Meeting, *, has_unmarked: bool) -> str:
    """What the secretary does next with an open record (its button is the primary one): register attendance,
    write the minutes, then finalise; "" once finalised or cancelled."""
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.HELD):
        return ""
    if has_unmarked:
        return "attendance"
    return "minutes" if meeting.status == MeetingStatus.PLANNED else "finalise"


# --- Attendance ----------------------------------------------------------------------------------------------------


class MeetingAttendanceView(ManagedMeetingMixin, TemplateView):
    """Present / on leave / absent for every expected person, who is expected, and the guests."""

    template_name = "meetings/meeting_attendance.html"

    def refuse(self, meeting):
        return self.refuse_unless_open(meeting)

    def _attendances(self):
        return self.meeting.attendances.select_related("member").order_by("member__name", "pk")

    def _forms(self, data=None, action: str = ""):
        meeting = self.meeting
        attendances = list(self._attendances())
        expected_ids = [a.member_id for a in attendances]
        return {
            "form": AttendanceForm(
                data if action == "attendance" else None,
                attendances=attendances,
                initial={"version": meeting.version},
            ),
            "attendees_form": AttendeesForm(
                data if action == "attendees" else None,
                queryset=selectors.members_who_may_attend(meeting.organisation),
                initial={"members": expected_ids, "version": meeting.version},
            ),
            "guest_form": GuestForm(data if action == "guest_add" else None),
        }

    def get_context_data(self, **kwargs):
        context = {**self._forms(), **kwargs}
        return super().get_context_data(
            meeting=self.meeting,
            guests=list(self.meeting.guests.all()),
            started=rules.can_be_held(self.meeting.starts_at, timezone.now()),
            **context,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "attendance")
        handlers = {
            "attendance": self._save_attendance,
            "attendees": self._save_attendees,
            "guest_add": self._add_guest,
            "guest_remove": self._remove_guest,
        }
        if action not in handlers:
            action = "attendance"
        forms = self._forms(request.POST, action)
        return handlers[action](forms)

    def _invalid(self, forms):
        return self.render_to_response(self.get_context_data(**forms))

    def _back(self):
        return HttpResponseRedirect(reverse("meetings:attendance", args=[self.meeting.pk]))

    def _save_attendance(self, forms):
        form = forms["form"]
        if not form.is_valid():
            return self._invalid(forms)
        try:
            services.attendance_record(
                meeting=self.meeting, entries=form.entries(), version=form.cleaned_data["version"], by=self.scope
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self._invalid(forms)
        messages.success(self.request, _("已保存出席情况。"))
        return HttpResponseRedirect(self.meeting.get_absolute_url())

    def _save_attendees(self, forms):
        form = forms["attendees_form"]
        if not form.is_valid():
            return self._invalid(forms)
        try:
            services.attendees_set(
                meeting=self.meeting,
                members=form.cleaned_data["members"],
                version=form.cleaned_data["version"],
                by=self.scope,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self._invalid(forms)
        messages.success(self.request, _("已更新应到人员。"))
        return self._back()

    def _add_guest(self, forms):
        form = forms["guest_form"]
        if not form.is_valid():
            return self._invalid(forms)
        try:
            guest = services.guest_add(meeting=self.meeting, by=self.scope, **form.cleaned_data)
        except DomainError as error:
            error.add_to(form)
            return self._invalid(forms)
        messages.success(self.request, _("已添加列席人员：%(name)s。") % {"name": guest.name})
        return self._back()

    def _remove_guest(self, forms):
        guest_id = self.request.POST.get("guest", "")
        guest = self.meeting.guests.filter(pk=guest_id).first() if guest_id.isdecimal() else None
        if guest is None:
            messages.error(self.request, _("该列席人员已不在名单中。"))
            return self._back()
        try:
            services.guest_remove(guest=guest, by=self.scope)
        except DomainError as error:
            messages.error(self.request, error.message)
            return self._back()
        messages.success(self.request, _("已移除列席人员：%(name)s。") % {"name": guest.name})
        return self._back()

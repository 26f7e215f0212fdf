"""Meeting pages: list, plan, record, attendance, finalise, amend, cancel, delete, recycle bin and history."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from branches.errors import DomainError
from branches.models import Level
from branches.paging import paginate
from members.access.views import ScopedObjectMixin, ScopedViewMixin

from . import history, rules, selectors, services
from .compliance import page_cache
from .compliance_views import period_label
from .forms import (
    AmendForm,
    AttendanceForm,
    AttendeesForm,
    CancelForm,
    FinaliseForm,
    GuestForm,
    MeetingFilter,
    MeetingForm,
    OrganisationChoiceForm,
    initial_times,
)
from .models import AttendanceState, Meeting, MeetingStatus, MeetingType
from .talk_forms import talk_people

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


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _query_without_page(request) -> str:
    return _query_without(request, "page")


def _existing(names: tuple[str, ...]) -> list[str]:
    found = []
    for name in names:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


def _period_label(code: str | None) -> str:
    """ "2026年第3季度" for the list's `period` filter ("" without one); a code that is no period is shown as given."""
    if not code:
        return ""
    try:
        return period_label(rules.parse_period(code))
    except ValueError:
        return code


def _calendar_url(cleaned: dict) -> str:
    """The calendar of what the list shows: the same organisation, and the filtered month when there is one."""
    params = {}
    if cleaned.get("organisation"):
        params["org"] = cleaned["organisation"].pk
    if cleaned.get("month"):
        params["month"] = cleaned["month"]
    return reverse("meetings:calendar") + (f"?{urlencode(params)}" if params else "")


# --- List ----------------------------------------------------------------------------------------------------------


#: The status badge's colour, as meetings/includes/meeting_status.html gives it (the list sets it per row).
STATUS_BADGES = {
    MeetingStatus.FINALISED: "status-green",
    MeetingStatus.HELD: "status-yellow",
    MeetingStatus.CANCELLED: "status-neutral",
}


class MeetingListView(ScopedViewMixin, TemplateView):
    """Meetings in the user's scope: search, filters, sorting by date, paginated with the total.

    The page of rows (with its total) and the filter form are rendered once per scope and query string and cached
    until something in the user's part of the tree changes (`page_cache`); the rest of the page, which depends on
    the user's role, is built on every request.
    """

    template_name = "meetings/meeting_list.html"
    rows_template = "meetings/includes/meeting_rows.html"
    filter_template = "meetings/includes/meeting_filter.html"

    def get_context_data(self, **kwargs):
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
            page = self._page()
            page_cache.put(key, page, settings.MEETING_LIST_CACHE_SECONDS)
        return super().get_context_data(
            **page,
            # What depends on the user's role, not only on the part of the tree they read: never cached.
            compliance_url=self._compliance_url(page["unit_only"], page["period"]),
            can_create=self.scope.may_plan_meetings(),
            query_without_period=_query_without(self.request, "page", "period"),
            query_without_unit_only=_query_without(self.request, "page", "unit_only"),
            list_url=f"?{_query_without_page(self.request)}",
            **kwargs,
        )

    def _page(self) -> dict:
        """The filters, the page of rows and the total, rendered: what the cache keeps (plain values, markup and
        the organisation a click-through is limited to)."""
        filterset = MeetingFilter(
            self.request.GET,
            queryset=selectors.meetings_for_list(self.scope),
            organisations=self.scope.organisations_with_meetings_readable(),
            tops=self.scope.meeting_tops(),
        )
        filterset.form.is_valid()
        cleaned = filterset.form.cleaned_data  # the valid fields, also when another one is not
        # The total is exact up to LIST_COUNT_CAP: an exact COUNT(*) of a root organisation's meetings cost more
        # than the rest of the page (bench figures 3 and 4).
        paginator, page = paginate(self.request, filterset.qs, capped=True)
        meetings = list(page.object_list)
        for meeting in meetings:
            # Set here so that the template's row needs no include or chain of conditions per meeting.
            meeting.status_badge = STATUS_BADGES.get(meeting.status, "text-bg-primary")
            meeting.has_attendance = meeting.status in (MeetingStatus.HELD, MeetingStatus.FINALISED)
        page.object_list = meetings
        current = self.request.GET.get("ordering", "")
        query = self.request.GET.copy()
        query.pop("page", None)
        query["ordering"] = "-starts_at" if current == "starts_at" else "starts_at"
        rows_html = render_to_string(
            self.rows_template,
            {
                "meetings": meetings,
                "page_obj": page,
                "query": _query_without_page(self.request),
                "sort_url": f"?{query.urlencode()}",
                "sort_direction": "asc" if current == "starts_at" else "desc",
            },
            request=self.request,
        )
        filter_html = render_to_string(self.filter_template, {"filter": filterset}, request=self.request)
        return {
            "total": paginator.count,
            "total_is_exact": paginator.count_is_exact,
            "has_rows": bool(meetings),
            "meeting_ids": [m.pk for m in meetings],
            # Rendered (and escaped) by the template engine: markup, kept as such in the cache.
            "rows_html": mark_safe(rows_html),
            "filter_html": mark_safe(filter_html),
            "is_filtered": any(v not in (None, "", []) for v in cleaned.values()),
            "period": cleaned.get("period") or "",
            "period_label": _period_label(cleaned.get("period")),
            "unit_only": cleaned.get("organisation") if cleaned.get("unit_only") else None,
            "calendar_url": _calendar_url(cleaned),
        }

    def _compliance_url(self, organisation, period: str | None) -> str:
        """Back to the compliance figures a click-through came from (only for those who may read them)."""
        if organisation is None or not self.scope.may_read_compliance(organisation):
            return ""
        url = reverse("meetings:compliance", args=[organisation.pk])
        return f"{url}?{urlencode({'period': period})}" if period else url


# --- Plan and edit -------------------------------------------------------------------------------------------------


class MeetingCreateView(ScopedViewMixin, FormView):
    """Plan a meeting of a branch or 党小组 the user manages; expected attendees follow from the types."""

    template_name = "meetings/meeting_form.html"
    form_class = MeetingForm

    def permitted(self) -> bool:
        return self.scope.may_plan_meetings()

    @cached_property
    def plannable(self):
        # Branches and party groups hold meetings; a 党委 records its 书记's yearly 党课 (支部工作条例 §16).
        return self.scope.organisations_plannable()

    @cached_property
    def chosen(self):
        chosen = self.request.POST.get("organisation") or self.request.GET.get("organisation") or ""
        found = self.plannable.filter(pk=chosen).first() if chosen.isdecimal() else None
        if found is None:
            branches = list(self.plannable.filter(level=Level.BRANCH)[:2])
            found = branches[0] if len(branches) == 1 else None
        return found

    @cached_property
    def branch(self):
        return selectors.branch_of(self.chosen) if self.chosen else None

    def get(self, request, *args, **kwargs):
        if self.branch is None:
            return self.render_to_response(
                self.get_context_data(
                    form=None, choice_form=OrganisationChoiceForm(organisations=self.plannable.order_by("path"))
                )
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.branch is None:
            form = OrganisationChoiceForm(request.POST, organisations=self.plannable.order_by("path"))
            form.is_valid()
            form.add_error("organisation", _("只能为您管理的党支部或党小组安排会议。"))
            return self.render_to_response(self.get_context_data(form=None, choice_form=form))
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        if rules.owes_secretary_lecture(self.branch.level):
            organisations = self.plannable.filter(pk=self.branch.pk)  # a 党委's own lecture, not its branches'
        else:
            organisations = self.plannable.filter(path__startswith=self.branch.path).order_by("path")
        return {**super().get_form_kwargs(), "branch": self.branch, "organisations": organisations}

    def get_initial(self):
        starts_at, ends_at = initial_times()
        initial = {"organisation": self.chosen, "starts_at": starts_at, "ends_at": ends_at}
        # 本月待办 links here with the type it owes; an unknown type is ignored rather than refused.
        requested = self.request.GET.get("type", "")
        if requested in MeetingType.values:
            initial["types"] = [requested]
        if self.scope.member_id and self.scope.member_branch_id == self.branch.pk:
            initial["host"] = self.scope.member_id
        if rules.owes_secretary_lecture(self.branch.level):
            # The 党委书记's yearly 党课: the type and the lecturer the 党委 owes.
            initial["types"] = [MeetingType.PARTY_LECTURE]
            secretary = selectors.secretary_of(self.branch)
            if secretary is not None:
                initial["lecturer"] = secretary.pk
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = services.meeting_plan(
                organisation=data["organisation"],
                types=data["types"],
                attendees=talk_people(data),
                by=self.scope,
                **form.plan_data(),
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已安排会议：%(topic)s。应到人员已按会议类型生成，可在“出席登记”中调整。") % {"topic": meeting.topic},
        )
        return HttpResponseRedirect(meeting.get_absolute_url())


class MeetingUpdateView(ManagedMeetingMixin, FormView):
    """Edit the plan, the minutes and the decisions; a save based on an outdated version is refused."""

    template_name = "meetings/meeting_form.html"
    form_class = MeetingForm

    def refuse(self, meeting):
        return self.refuse_unless_open(meeting)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "branch": selectors.branch_of(self.meeting.organisation),
            "organisations": None,
            "meeting": self.meeting,
        }

    def get_initial(self):
        meeting = self.meeting
        initial = {name: getattr(meeting, name) for name in services.EDITABLE_FIELDS}
        initial.update(
            types=meeting.types, minutes=meeting.minutes, decisions=meeting.decisions, version=meeting.version
        )
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = services.meeting_save(
                meeting=self.meeting,
                version=data["version"],
                data=form.plan_data(),
                types=data["types"],
                minutes=data["minutes"],
                decisions=data["decisions"],
                by=self.scope,
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存会议：%(topic)s。") % {"topic": meeting.topic})
        return HttpResponseRedirect(meeting.get_absolute_url())


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
            record_includes=_existing(RECORD_INCLUDES),
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

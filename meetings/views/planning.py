"""Plan a meeting and edit it before it is held."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView

from branches.errors import DomainError
from branches.models import Level
from members.access.views import ScopedViewMixin

from .. import rules, selectors, services
from ..forms import (
    MeetingForm,
    OrganisationChoiceForm,
    initial_times,
)
from ..models import MeetingType
from ..talk_forms import talk_people
from .base import ManagedMeetingMixin

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

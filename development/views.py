"""Development pages: the pipeline board and the funnel of an organisation, a person's path, recording a step."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from branches.errors import DomainError
from branches.paging import paginate
from members.access.views import ScopedObjectMixin, ScopedViewMixin

from . import rules, selectors, services
from .forms import BoardFilterForm, StepForm
from .models import StepKind

STATE_LABELS = {
    "overdue": gettext_lazy("已逾期"),
    "due_soon": gettext_lazy("即将到期"),
    "waiting": gettext_lazy("未到最早日期"),
    "open": gettext_lazy("可办理"),
    "unknown": gettext_lazy("待补录"),
}


class DevelopmentHomeView(ScopedViewMixin, View):
    """发展党员 in the navigation: the pipeline board of the user's own part of the tree (the first they read)."""

    def permitted(self) -> bool:
        return self.scope.may_read_development()

    def get(self, request, *args, **kwargs):
        tops = self.scope.organisation_tops()
        organisations = selectors.organisations_for_development(self.scope)
        if tops:
            organisations = organisations.filter(path__in=tops)
        first = organisations.order_by("depth", "path").first()
        if first is None:
            raise Http404
        return HttpResponseRedirect(reverse("development:board", args=[first.pk]))


class OrganisationPageMixin(ScopedObjectMixin):
    object_attribute = "organisation"

    def scoped_queryset(self):
        return selectors.organisations_for_development(self.scope)


class BoardView(OrganisationPageMixin, TemplateView):
    """The pipeline board: who is at which stage and step, the next step's earliest date and deadline, the most
    pressing first; the heading counts each stage and what is overdue or due within 30 days."""

    template_name = "development/board.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        filters = BoardFilterForm(self.request.GET or None)
        stage = state = ""
        if filters.is_valid():
            stage, state = filters.cleaned_data["stage"], filters.cleaned_data["state"]
        rows = selectors.pipeline(self.organisation, today=today, stage=stage, state=state)
        paginator, page = paginate(self.request, rows)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            organisation=self.organisation,
            summary=selectors.pipeline_summary(self.organisation, today=today),
            filters=filters,
            page_obj=page,
            rows=selectors.board_rows(list(page.object_list), today),
            state_labels=STATE_LABELS,
            stages=selectors.PIPELINE_STATUSES,
            query=query.urlencode(),
            today=today,
            **kwargs,
        )


class FunnelView(OrganisationPageMixin, TemplateView):
    """The funnel of an organisation: people at each stage under it and under each organisation below it, and
    those admitted and confirmed in the year."""

    template_name = "development/funnel.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        year = today.year
        try:
            asked = int(self.request.GET.get("year", year))
        except (TypeError, ValueError):
            asked = year
        if 1921 <= asked <= year:
            year = asked
        total, children = selectors.funnel(self.organisation, year)
        return super().get_context_data(
            organisation=self.organisation,
            total=total,
            children=children,
            stages=selectors.PIPELINE_STATUSES,
            year=year,
            years=list(range(year, year - 5, -1)) if year == today.year else [year],
            **kwargs,
        )


class PersonMixin(ScopedObjectMixin):
    object_attribute = "member"

    def scoped_queryset(self):
        return selectors.path_people(self.scope)


class PathView(PersonMixin, TemplateView):
    """A person's path: every step done (date, who, documents, late or not, the vote and its meeting) and the next
    step with its earliest date and deadline; their branch's managers record the next step from here."""

    template_name = "development/path.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        steps = selectors.steps_of(self.member)
        due = None
        if self.member.status in selectors.PIPELINE_STATUSES:
            due = rules.next_step(selectors.path_facts(self.member, steps))
        return super().get_context_data(
            member=self.member,
            steps=steps,
            due=due,
            due_label=StepKind(due.kind).label if due else "",
            due_state=rules.due_state(due, today) if due else "done",
            state_labels=STATE_LABELS,
            can_record=self.scope.may_record_step(self.member) and due is not None,
            probation_ends_on=rules.probation_ends_on(selectors.path_facts(self.member, steps)),
            **kwargs,
        )


class StepRecordView(PersonMixin, FormView):
    """Record a step of a person's path (the next one offered first); a rule broken is shown at its field and
    nothing is saved."""

    template_name = "development/step_form.html"
    form_class = StepForm

    def allowed(self, member) -> bool:
        return self.scope.may_record_step(member) and member.status in selectors.PIPELINE_STATUSES

    def get_initial(self):
        due = rules.next_step(selectors.path_facts(self.member, selectors.steps_of(self.member)))
        asked = self.request.GET.get("kind")
        kind = asked if asked in StepKind.values else (due.kind if due else "")
        return {"kind": kind, "done_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "people": selectors.full_members_of_branch(self.member).order_by("name", "pk"),
            "meetings": selectors.vote_meetings(self.member),
            "cancel_url": reverse("development:path", args=[self.member.pk]),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            step = services.step_record(
                member=self.member,
                kind=data["kind"],
                # A vote's date is its meeting's day (the form says so): a date typed beside it is not asked for.
                done_on=None if data["kind"] in rules.VOTES else data["done_on"],
                actor=data["actor"],
                documents=data["documents"],
                note=data["note"],
                people=list(data["people"]),
                meeting=data["meeting"],
                votes=(data["votes_for"], data["votes_against"], data["votes_abstaining"]),
                extension_months=data["extension_months"],
                by=self.scope,
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        if step.kind in rules.VOTES and not step.passed:
            messages.warning(self.request, _("已记录：%(step)s，表决未通过。") % {"step": step.get_kind_display()})
        elif step.is_late:
            messages.warning(self.request, _("已记录：%(step)s（逾期完成）。") % {"step": step.get_kind_display()})
        else:
            messages.success(self.request, _("已记录：%(step)s。") % {"step": step.get_kind_display()})
        return HttpResponseRedirect(reverse("development:path", args=[self.member.pk]))

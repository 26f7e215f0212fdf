"""The branch secretary's pages: open the year's appraisal, move it through its steps, see the turnout (then the
tally), enter the masses' opinions, propose grades within the 优秀 cap, link the confirming 支部党员大会, write
feedback and follow up each 不合格 grade."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from branches.errors import DomainError
from branches.paging import paginate
from members.access.views import ScopedObjectMixin

from .. import rules, selectors, services
from ..forms import AppraisalOpenForm, ConfirmForm, FeedbackForm, FollowUpForm, GradesForm, MassesForm
from ..models import Grade, Step


class BranchAppraisalsView(ScopedObjectMixin, TemplateView):
    """A branch's appraisals by year, and opening this year's."""

    template_name = "evaluations/branch_appraisals.html"
    object_attribute = "organisation"

    def scoped_queryset(self):
        return self.scope.organisations_managed()

    def allowed(self, obj) -> bool:
        return self.scope.may_open_appraisal(obj)

    def get_context_data(self, form=None, **kwargs):
        paginator, page = paginate(self.request, selectors.appraisals_of(self.scope, self.organisation))
        return super().get_context_data(
            organisation=self.organisation,
            form=form or AppraisalOpenForm(),
            page_obj=page,
            paginator=paginator,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = AppraisalOpenForm(request.POST)
        if form.is_valid():
            try:
                appraisal = services.appraisal_open(
                    organisation=self.organisation, year=form.cleaned_data["year"], by=self.scope
                )
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("民主评议党员已启动。"))
                return redirect(appraisal)
        return self.render_to_response(self.get_context_data(form=form))


class _RunMixin(ScopedObjectMixin):
    object_attribute = "appraisal"

    def scoped_queryset(self):
        return selectors.appraisals_for(self.scope)

    def allowed(self, obj) -> bool:
        return self.scope.may_run_appraisal(obj)


class AppraisalDetailView(_RunMixin, TemplateView):
    """One appraisal: its steps with dates, the turnout (then the tally), and the next thing to do."""

    template_name = "evaluations/appraisal_detail.html"

    def get_context_data(self, confirm_form=None, **kwargs):
        appraisal = self.appraisal
        steps = [
            (value, label, appraisal.step_dates.get(value), value == appraisal.step) for value, label in Step.choices
        ]
        meetings = selectors.general_meetings_for_confirmation(appraisal)
        return super().get_context_data(
            appraisal=appraisal,
            steps=steps,
            next_step=rules.next_step(appraisal.step),
            next_label=Step(rules.next_step(appraisal.step)).label if rules.next_step(appraisal.step) else "",
            turnout=selectors.turnout(appraisal) if rules.step_reached(appraisal.step, Step.BALLOT) else None,
            tally=selectors.tally(appraisal),
            grades=[(value, label) for value, label in Grade.choices],
            self_assessments=list(selectors.self_assessments_of(appraisal)),
            results=list(selectors.results_of(appraisal)),
            cap=selectors.excellent_cap_for(appraisal),
            confirm_form=confirm_form or ConfirmForm(meetings=meetings),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        confirm_form = None
        try:
            if action == "advance":
                services.appraisal_advance(appraisal=self.appraisal, by=self.scope)
                messages.success(request, _("已进入下一步骤。"))
            elif action == "close":
                services.ballot_close(appraisal=self.appraisal, by=self.scope)
                messages.success(request, _("民主测评投票已结束，现可查看计票结果。"))
            elif action == "confirm":
                confirm_form = ConfirmForm(
                    request.POST, meetings=selectors.general_meetings_for_confirmation(self.appraisal)
                )
                if not confirm_form.is_valid():
                    return self.render_to_response(self.get_context_data(confirm_form=confirm_form))
                services.appraisal_confirm(
                    appraisal=self.appraisal, meeting=confirm_form.cleaned_data["meeting"], by=self.scope
                )
                messages.success(request, _("已关联支部党员大会记录，请向党员反馈评议结果。"))
            else:
                messages.error(request, _("未知操作。"))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(self.appraisal)


class MassesView(_RunMixin, TemplateView):
    """The masses' opinions collected offline, as counts per member and grade."""

    template_name = "evaluations/masses.html"

    def get_context_data(self, failed=None, **kwargs):
        found = selectors.masses_of(self.appraisal)
        rows = []
        for member in selectors.rated_members(self.appraisal.organisation):
            if failed is not None and failed.data.get("member") == str(member.pk):
                rows.append((member, failed))
            else:
                rows.append((member, MassesForm(initial={"member": member.pk, **found.get(member.pk, {})})))
        is_open = self.appraisal.step in (Step.BALLOT, Step.PROPOSAL)
        return super().get_context_data(appraisal=self.appraisal, rows=rows, is_open=is_open, **kwargs)

    def post(self, request, *args, **kwargs):
        form = MassesForm(request.POST)
        if form.is_valid():
            try:
                services.masses_opinions_set(
                    appraisal=self.appraisal,
                    member_id=form.cleaned_data["member"],
                    counts=form.counts(),
                    by=self.scope,
                )
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("群众意见已保存。"))
                return redirect("evaluations:masses", pk=self.appraisal.pk)
        return self.render_to_response(self.get_context_data(failed=form))


class GradesView(_RunMixin, TemplateView):
    """The committee's proposal: a grade for each member (优秀 within the cap; a reason for 不合格)."""

    template_name = "evaluations/grades.html"

    def _form(self, data=None):
        members = selectors.rated_members(self.appraisal.organisation)
        initial = {}
        for result in selectors.results_of(self.appraisal):
            initial[f"g{result.member_id}"] = result.grade
            initial[f"r{result.member_id}"] = result.reason
        return GradesForm(data, members=members, initial=initial)

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            appraisal=self.appraisal,
            form=form or self._form(),
            cap=selectors.excellent_cap_for(self.appraisal),
            is_open=self.appraisal.step == Step.PROPOSAL,
            tally={row.member.pk: row for row in selectors.tally(self.appraisal) or []},
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.grades_set(appraisal=self.appraisal, grades=form.grades(), by=self.scope)
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("评定等次已保存。"))
                return redirect(self.appraisal)
        return self.render_to_response(self.get_context_data(form=form))


class FeedbackView(_RunMixin, TemplateView):
    """Feedback to each member, and the follow-up of each 不合格 grade."""

    template_name = "evaluations/feedback.html"

    def get_context_data(self, failed=None, **kwargs):
        rows = []
        for result in selectors.results_of(self.appraisal):
            feedback = FeedbackForm(initial={"result": result.pk, "feedback": result.feedback}, prefix=None)
            follow = None
            if result.grade == Grade.UNQUALIFIED:
                existing = getattr(result, "follow_up", None)
                follow = FollowUpForm(
                    initial={
                        "result": result.pk,
                        "education": existing.education if existing else "",
                        "deadline": existing.deadline if existing else None,
                        "outcome": existing.outcome if existing else "",
                    }
                )
            if failed is not None and failed.data.get("result") == str(result.pk):
                if isinstance(failed, FollowUpForm):
                    follow = failed
                else:
                    feedback = failed
            rows.append((result, feedback, follow))
        is_open = self.appraisal.step in (Step.FEEDBACK, Step.FINISHED)
        return super().get_context_data(appraisal=self.appraisal, rows=rows, is_open=is_open, **kwargs)

    def post(self, request, *args, **kwargs):
        form_class = FollowUpForm if request.POST.get("action") == "follow_up" else FeedbackForm
        form = form_class(request.POST)
        if form.is_valid():
            result = selectors.results_of(self.appraisal).filter(pk=form.cleaned_data["result"]).first()
            if result is None:
                form.add_error(None, _("找不到该党员的评议结果。"))
                return self.render_to_response(self.get_context_data(failed=form))
            try:
                if form_class is FollowUpForm:
                    services.follow_up_save(
                        result=result,
                        education=form.cleaned_data["education"],
                        deadline=form.cleaned_data["deadline"],
                        outcome=form.cleaned_data["outcome"],
                        by=self.scope,
                    )
                else:
                    services.feedback_set(result=result, feedback=form.cleaned_data["feedback"], by=self.scope)
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("已保存。"))
                return redirect("evaluations:feedback", pk=self.appraisal.pk)
        return self.render_to_response(self.get_context_data(failed=form))

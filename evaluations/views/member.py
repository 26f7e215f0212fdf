"""The member's pages, designed at 390 px first: their branch's appraisal, the self-assessment, the anonymous
ballot, and their own results with feedback."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from branches.errors import DomainError
from branches.models import Level
from members.access.views import ScopedObjectMixin, ScopedViewMixin

from .. import selectors, services
from ..forms import BallotForm, SelfAssessmentForm
from ..models import Step


class MyAppraisalsView(ScopedViewMixin, TemplateView):
    """民主评议: what the member has to do in their branch's appraisal, their own results; links for managers."""

    template_name = "evaluations/my_appraisals.html"

    def permitted(self) -> bool:
        return self.scope.may_read_appraisals()

    def get_context_data(self, **kwargs):
        scope = self.scope
        mine = selectors.member_appraisal(scope)
        return super().get_context_data(
            current=mine.current,
            todo=mine.todo,
            results=list(selectors.own_results(scope.member_id)) if scope.member_id else [],
            managed_branches=list(scope.organisations_managed().filter(level=Level.BRANCH)[:20]),
            committees=list(scope.organisations_readable().exclude(level__in=(Level.BRANCH, Level.PARTY_GROUP))[:20]),
            **kwargs,
        )


class _TakePartMixin(ScopedObjectMixin):
    object_attribute = "appraisal"

    def scoped_queryset(self):
        return selectors.appraisals_for(self.scope)

    def allowed(self, obj) -> bool:
        return self.scope.may_take_part(obj)


class SelfAssessmentView(_TakePartMixin, TemplateView):
    template_name = "evaluations/self_assessment.html"

    def get_context_data(self, form=None, **kwargs):
        own = selectors.self_assessment_of(self.appraisal, self.scope.member_id)
        form = form or SelfAssessmentForm(initial={"text": own.text if own else ""})
        is_open = self.appraisal.step in (Step.SELF_ASSESSMENT, Step.MUTUAL_ASSESSMENT)
        return super().get_context_data(appraisal=self.appraisal, form=form, is_open=is_open, own=own, **kwargs)

    def post(self, request, *args, **kwargs):
        form = SelfAssessmentForm(request.POST)
        if form.is_valid():
            try:
                services.self_assessment_save(appraisal=self.appraisal, text=form.cleaned_data["text"], by=self.scope)
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("自我评价已保存。"))
                return redirect("evaluations:mine")
        return self.render_to_response(self.get_context_data(form=form))


class VoteView(_TakePartMixin, TemplateView):
    """The anonymous ballot: one grade for each other member; after voting, only "已投票"."""

    template_name = "evaluations/vote.html"

    def _members(self):
        return selectors.rated_members(self.appraisal.organisation).exclude(pk=self.scope.member_id)

    def get_context_data(self, form=None, **kwargs):
        voted = selectors.has_voted(self.appraisal, self.scope.member_id)
        form = form or BallotForm(members=self._members())
        return super().get_context_data(appraisal=self.appraisal, form=form, voted=voted, **kwargs)

    def post(self, request, *args, **kwargs):
        form = BallotForm(request.POST, members=self._members())
        if form.is_valid():
            try:
                services.ballot_cast(appraisal=self.appraisal, marks=form.marks(), by=self.scope)
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("投票成功。您的选票匿名保存，任何人都无法查看您投给谁的等次。"))
                return redirect("evaluations:mine")
        return self.render_to_response(self.get_context_data(form=form))

"""Committees' and reviewers' pages: the distribution of grades in a subtree (counts only), the scoring schemes,
manual scores, each branch's score with the records behind every figure, and a branch's own scores."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from branches.errors import DomainError
from branches.models import Level
from branches.paging import paginate
from members.access.views import ScopedObjectMixin

from .. import rules, selectors, services
from ..forms import DistributionForm, ManualScoreForm, SchemeCreateForm, SchemeForm
from ..models import IndicatorKind, ManualScore


class DistributionView(ScopedObjectMixin, TemplateView):
    """The grades confirmed in an organisation's branches for a year: counts, never ballots or names."""

    template_name = "evaluations/distribution.html"
    object_attribute = "organisation"

    def scoped_queryset(self):
        return self.scope.organisations_readable()

    def allowed(self, obj) -> bool:
        return self.scope.may_read_distribution(obj)

    def get_context_data(self, **kwargs):
        form = DistributionForm(self.request.GET or None)
        year = timezone.localdate().year
        if form.is_bound and form.is_valid() and form.cleaned_data.get("year"):
            year = form.cleaned_data["year"]
        return super().get_context_data(
            organisation=self.organisation,
            form=form,
            result=selectors.distribution(self.organisation, year),
            **kwargs,
        )


class SchemeListView(ScopedObjectMixin, TemplateView):
    """A committee's schemes by year, and a new one."""

    template_name = "evaluations/scheme_list.html"
    object_attribute = "organisation"

    def scoped_queryset(self):
        return self.scope.organisations_readable().exclude(level__in=(Level.BRANCH, Level.PARTY_GROUP))

    def get_context_data(self, form=None, **kwargs):
        may_define = self.scope.may_define_scheme(self.organisation)
        paginator, page = paginate(self.request, selectors.schemes_of(self.scope, self.organisation))
        return super().get_context_data(
            organisation=self.organisation,
            may_define=may_define,
            form=form or (SchemeCreateForm() if may_define else None),
            page_obj=page,
            paginator=paginator,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = SchemeCreateForm(request.POST)
        if form.is_valid():
            try:
                scheme = services.scheme_create(
                    organisation=self.organisation,
                    year=form.cleaned_data["year"],
                    name=form.cleaned_data["name"],
                    bands=form.cleaned_data["bands"],
                    parts=form.parts(),
                    by=self.scope,
                )
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("考核方案已保存，得分正在计算。"))
                return redirect(scheme)
        return self.render_to_response(self.get_context_data(form=form))


class _SchemeMixin(ScopedObjectMixin):
    object_attribute = "scheme"

    def scoped_queryset(self):
        return selectors.schemes_for(self.scope)


class SchemeView(_SchemeMixin, TemplateView):
    """A scheme: its indicators and bands (edited by the committee), publishing, and its branches' scores."""

    template_name = "evaluations/scheme_detail.html"

    def get_context_data(self, form=None, **kwargs):
        scheme = self.scheme
        may_define = self.scope.may_define_scheme(scheme.organisation) and scheme.is_current
        paginator, page = paginate(self.request, selectors.scores_of(scheme, self.scope))
        return super().get_context_data(
            scheme=scheme,
            indicators=list(scheme.indicators.all()),
            may_define=may_define,
            form=form or (SchemeForm(initial=SchemeForm.initial_for(scheme)) if may_define else None),
            page_obj=page,
            paginator=paginator,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            if action == "publish":
                services.scheme_publish(scheme=self.scheme, by=self.scope)
                messages.success(request, _("得分已发布，各党支部可查看本支部得分。"))
                return redirect(self.scheme)
            if action == "compute":
                services.scores_compute(scheme=self.scheme, by=self.scope)
                messages.success(request, _("得分已重新计算。"))
                return redirect(self.scheme)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(self.scheme)
        form = SchemeForm(request.POST)
        if form.is_valid():
            try:
                scheme = services.scheme_update(
                    scheme=self.scheme,
                    name=form.cleaned_data["name"],
                    bands=form.cleaned_data["bands"],
                    parts=form.parts(),
                    by=self.scope,
                )
            except DomainError as error:
                error.add_to(form)
            else:
                if scheme.pk != self.scheme.pk:
                    messages.success(request, _("得分已发布的方案不能修改，已生成新版本；原版本的得分保持不变。"))
                else:
                    messages.success(request, _("考核方案已保存，得分正在重新计算。"))
                return redirect(scheme)
        return self.render_to_response(self.get_context_data(form=form))


class ManualScoresView(_SchemeMixin, TemplateView):
    """The committee's scores of the manual indicators for each branch, with a short justification."""

    template_name = "evaluations/manual_scores.html"

    def allowed(self, obj) -> bool:
        return self.scope.may_define_scheme(obj.organisation)

    def get_context_data(self, failed=None, **kwargs):
        manual = [i for i in self.scheme.indicators.all() if i.is_manual]
        branches = selectors.branches_scored_by(self.scheme)
        found = {(m.indicator_id, m.organisation_id): m for m in ManualScore.objects.filter(indicator__in=manual)}
        paginator, page = paginate(self.request, branches)
        rows = []
        for branch in page.object_list:
            cells = []
            for indicator in manual:
                own = found.get((indicator.pk, branch.pk))
                form = ManualScoreForm(
                    initial={
                        "indicator": indicator.pk,
                        "organisation": branch.pk,
                        "value": own.value if own else None,
                        "justification": own.justification if own else "",
                    }
                )
                if (
                    failed is not None
                    and failed.data.get("indicator") == str(indicator.pk)
                    and failed.data.get("organisation") == str(branch.pk)
                ):
                    form = failed
                cells.append((indicator, form))
            rows.append((branch, cells))
        return super().get_context_data(
            scheme=self.scheme, manual=manual, rows=rows, page_obj=page, paginator=paginator, failed=failed, **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = ManualScoreForm(request.POST)
        if form.is_valid():
            indicator = self.scheme.indicators.filter(pk=form.cleaned_data["indicator"]).first()
            branch = self.scope.organisations_readable().filter(pk=form.cleaned_data["organisation"]).first()
            if indicator is None or branch is None:
                form.add_error(None, _("找不到该指标或党支部。"))
                return self.render_to_response(self.get_context_data(failed=form))
            try:
                services.manual_score_set(
                    indicator=indicator,
                    organisation=branch,
                    value=form.cleaned_data["value"],
                    justification=form.cleaned_data["justification"],
                    by=self.scope,
                )
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("评分已保存，得分正在重新计算。"))
                return redirect("evaluations:manual", pk=self.scheme.pk)
        return self.render_to_response(self.get_context_data(failed=form))


class ScoreView(ScopedObjectMixin, TemplateView):
    """One branch's score: each indicator with its figures and a link to the records, and what would raise it."""

    template_name = "evaluations/score_detail.html"
    object_attribute = "score"

    def scoped_queryset(self):
        return selectors.scores_for(self.scope)

    def allowed(self, obj) -> bool:
        return self.scope.may_read_scheme(obj.scheme) or (
            obj.scheme.is_published and self.scope.may_read_branch_score(obj)
        )

    def get_context_data(self, **kwargs):
        score = self.score
        labels = dict(IndicatorKind.choices)
        rows, parts = [], []
        for kind, item in score.inputs.items():
            part = rules.Part(kind, item.get("value"), item.get("weight", 0))
            parts.append(part)
            rows.append({"kind": kind, "label": labels.get(kind, kind), "part": part, **item})
        raise_by = [(labels.get(p.kind, p.kind), p.room) for p in rules.what_would_raise(parts)]
        return super().get_context_data(score=score, rows=rows, raise_by=raise_by, **kwargs)


class AssessmentView(ScopedObjectMixin, TemplateView):
    """A branch's own scores (published ones; every one for those who read the committee above)."""

    template_name = "evaluations/assessment.html"
    object_attribute = "organisation"

    def scoped_queryset(self):
        return self.scope.organisations_readable().filter(level=Level.BRANCH)

    def get_context_data(self, **kwargs):
        paginator, page = paginate(self.request, selectors.branch_scores(self.scope, self.organisation))
        return super().get_context_data(organisation=self.organisation, page_obj=page, paginator=paginator, **kwargs)

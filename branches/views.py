"""Organisation pages, the landing page, the language switch and the error pages."""

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from meetings import selectors as meeting_selectors
from members import selectors as member_selectors
from members import services as member_services
from members.access import scope_for
from members.access.views import ScopedObjectMixin, ScopedViewMixin
from study import selectors as study_selectors

from . import rules, selectors, services
from .errors import DomainError
from .forms import CommitteeExtensionForm, CommitteeTermForm, OrganisationForm
from .models import Form, Organisation
from .paging import paginate

#: How many meetings the overview's "最近会议" card shows; the rest are one click away on the filtered list.
RECENT_MEETINGS = 5

# --- Landing page --------------------------------------------------------------------------------------------------


class HomeView(LoginRequiredMixin, TemplateView):
    """Send each role to its page: admins to the organisations, a reviewer to the organisation they review,
    a secretary to their branch, a member to their meetings; anyone else reads whom to ask."""

    template_name = "branches/home.html"

    def get(self, request, *args, **kwargs):
        scope = scope_for(request.user)
        if scope.is_admin:
            return HttpResponseRedirect(resolve_url("branches:list"))
        if scope.is_reviewer:
            reviewed = selectors.organisation_at(scope.reviewed_paths[0]) if len(scope.reviewed_paths) == 1 else None
            return HttpResponseRedirect(reviewed.get_absolute_url() if reviewed else resolve_url("branches:list"))
        if scope.is_secretary:
            if len(scope.managed_ids) == 1:
                (branch_id,) = scope.managed_ids
                return HttpResponseRedirect(resolve_url("branches:detail", branch_id))
            return HttpResponseRedirect(resolve_url("branches:list"))
        if scope.is_member:
            # A member lands on what they owe: "my obligations" (the page links to their own record).
            return HttpResponseRedirect(resolve_url("dashboards:mine"))
        return super().get(request, *args, **kwargs)


# --- Organisation pages --------------------------------------------------------------------------------------------


class OrganisationViewMixin(ScopedObjectMixin):
    """A page about one organisation the user may read, fetched through the scope (404 outside it); `allowed()`
    names what else the page needs."""

    object_attribute = "organisation"

    def scoped_queryset(self):
        return self.scope.organisations_readable()

    def breadcrumbs(self) -> list[tuple[str, str | None]]:
        """(name, link) from the root down to this organisation; ancestors the user may not read have no link."""
        crumbs = [
            (ancestor.name, ancestor.get_absolute_url() if self.scope.may_read_organisation(ancestor) else None)
            for ancestor in selectors.organisation_ancestors(self.organisation)
        ]
        return [*crumbs, (self.organisation.name, self.organisation.get_absolute_url())]

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, breadcrumbs=self.breadcrumbs(), **kwargs)


class OrganisationListView(ScopedViewMixin, TemplateView):
    """The top of the user's scope(s) with their children, paginated with the total and member counts."""

    template_name = "branches/organisation_list.html"

    def get_context_data(self, **kwargs):
        tops = self.scope.organisation_tops()
        overview = member_selectors.with_member_counts(selectors.organisations_overview(tops))
        paginator, page = paginate(self.request, overview)
        rows = list(page.object_list)
        for row in rows:
            row.is_top = row.depth == 1 if tops is None else row.path in tops
        return super().get_context_data(
            rows=rows,
            page_obj=page,
            paginator=paginator,
            total=paginator.count,
            can_create_root=self.scope.may_add_root(),
            **kwargs,
        )


class OrganisationDetailView(OrganisationViewMixin, TemplateView):
    """The overview: the organisation's facts, its committee and term, structure checks, and its sub-units."""

    template_name = "branches/organisation_detail.html"

    def get_context_data(self, **kwargs):
        organisation = self.organisation
        term, past_terms = member_selectors.committee_terms(organisation)
        # The tree keeps the number of children: no COUNT query.
        children_rows = selectors.organisation_children(organisation)
        paginator, page = paginate(self.request, children_rows, count=organisation.numchild)
        children = list(page.object_list)
        counts = member_selectors.member_counts(organisation, children)
        for child in children:
            child.member_count = counts.by_child[child.pk]
        posts = list(term.posts.all()) if term else []
        figures = problems = None
        if organisation.is_branch:
            figures = member_selectors.structure_figures(counts, term)
            problems = rules.structure_problems(
                full_members=figures.full_members,
                members=figures.members,
                committee_size=figures.committee_size,
                is_joint=organisation.form == Form.JOINT,
                posts=[post.post for post in posts],
            )
        today = timezone.localdate()
        return super().get_context_data(
            term=term,
            posts=posts,
            term_state=rules.term_state(term.ends_on if term else None, today),
            past_terms=past_terms,
            figures=figures,
            problems=problems,
            children=children,
            page_obj=page,
            paginator=paginator,
            children_total=paginator.count,
            can_edit=self.scope.may_edit_organisation(organisation),
            can_add_child=self.scope.may_add_child(organisation),
            can_elect=self.scope.may_elect(organisation),
            can_plan_meeting=self.scope.may_plan_meeting(organisation),
            # The 三会一课 of the unit, composed here (the web layer sits above meetings; branches' domain does not).
            unit_compliance=meeting_selectors.unit_page(organisation, today),
            recent_meetings=meeting_selectors.meetings_recent_in(self.scope, organisation, RECENT_MEETINGS),
            roster_url=f"{reverse('members:list')}?organisation={organisation.pk}",
            study_panel=study_selectors.branch_panel(organisation, self.scope),
            **kwargs,
        )


class OrganisationCreateView(OrganisationViewMixin, FormView):
    """Add a sub-unit under the organisation in the URL: admins any level the tree allows, a secretary a 党小组."""

    template_name = "branches/organisation_form.html"
    form_class = OrganisationForm

    def allowed(self, organisation) -> bool:
        return self.scope.may_add_child(organisation)

    def get_form_kwargs(self):
        # A secretary may add only to their branch, under which a 党小组 is the one level the tree allows.
        return {**super().get_form_kwargs(), "parent": self.organisation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(parent=self.organisation, **kwargs)

    def form_valid(self, form):
        try:
            created = services.organisation_create(
                parent=self.organisation, data=form.organisation_data(), by=self.scope
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("已新建党组织：%(name)s。") % {"name": created.name})
        return HttpResponseRedirect(created.get_absolute_url())


class OrganisationRootCreateView(ScopedViewMixin, FormView):
    """Add a top-level organisation (admins only)."""

    template_name = "branches/organisation_form.html"
    form_class = OrganisationForm

    def permitted(self) -> bool:
        return self.scope.may_add_root()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(breadcrumbs=[], **kwargs)

    def form_valid(self, form):
        try:
            created = services.organisation_create(parent=None, data=form.organisation_data(), by=self.scope)
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("已新建党组织：%(name)s。") % {"name": created.name})
        return HttpResponseRedirect(created.get_absolute_url())


class OrganisationUpdateView(OrganisationViewMixin, FormView):
    """Edit an organisation: admins anywhere, a secretary their branch and its 党小组 (the level stays)."""

    template_name = "branches/organisation_form.html"
    form_class = OrganisationForm

    def allowed(self, organisation) -> bool:
        return self.scope.may_edit_organisation(organisation)

    def get_form_kwargs(self):
        parent = Organisation.objects.get_parent(self.organisation)
        return {
            **super().get_form_kwargs(),
            # The form writes into its instance while validating; the page keeps showing the saved one.
            "instance": copy.copy(self.organisation),
            "parent": parent,
            "lock_level": not self.scope.may_change_level(self.organisation),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(editing=True, **kwargs)

    def form_valid(self, form):
        try:
            version = form.cleaned_data.get("version")
            updated = services.organisation_update(
                organisation=self.organisation,
                data=form.organisation_data(),
                by=self.scope,
                version=version if version is not None else -1,
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存%(name)s的信息。") % {"name": updated.name})
        return HttpResponseRedirect(updated.get_absolute_url())


def committee_label(organisation: Organisation) -> str:
    """What the organisation's committee is called: 支部委员会 for a branch, 委员会 above it."""
    return _("支部委员会") if organisation.is_branch else _("委员会")


class CommitteeStartView(OrganisationViewMixin, FormView):
    """Record a committee election (换届) of a 党支部, 党总支 or 党委: the new term is current, the old one ends."""

    template_name = "branches/committee_form.html"
    form_class = CommitteeTermForm

    def allowed(self, organisation) -> bool:
        return self.scope.may_elect(organisation)

    @cached_property
    def current(self):
        return member_selectors.committee_current(self.organisation)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.organisation,
            "eligible": member_selectors.committee_members_eligible(self.organisation, timezone.localdate()),
            "current": self.current,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            current=self.current, committee_label=committee_label(self.organisation), **kwargs
        )

    def form_valid(self, form):
        try:
            term = member_services.committee_term_start(
                organisation=self.organisation,
                elected_on=form.cleaned_data["elected_on"],
                posts=form.posts(),
                by=self.scope,
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        message = (
            _("已记录%(name)s支部委员会换届，本届任期至%(date)s。")
            if self.organisation.is_branch
            else _("已记录%(name)s委员会换届，本届任期至%(date)s。")
        )
        values = {"name": self.organisation.name, "date": term.term_ends_on.isoformat()}
        messages.success(self.request, message % values)
        # A secretary who is not in the new committee no longer manages the branch: send them home instead.
        fresh_user = get_user_model().objects.get(pk=self.request.user.pk)
        if scope_for(fresh_user).may_read_organisation(self.organisation):
            return HttpResponseRedirect(self.organisation.get_absolute_url())
        return HttpResponseRedirect(resolve_url("home"))


class CommitteeExtendView(OrganisationViewMixin, FormView):
    """Record the superior's approval to extend the current term (延期换届), by at most one year."""

    template_name = "branches/committee_extend.html"
    form_class = CommitteeExtensionForm

    def allowed(self, organisation) -> bool:
        if not self.scope.may_elect(organisation):
            return False
        self.term = member_selectors.committee_current(organisation)
        return self.term is not None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.term}

    def get_context_data(self, **kwargs):
        return super().get_context_data(term=self.term, committee_label=committee_label(self.organisation), **kwargs)

    def form_valid(self, form):
        try:
            term = services.committee_term_extend(
                term=self.term,
                extended_until=form.cleaned_data["extended_until"],
                approved_on=form.cleaned_data["extension_approved_on"],
                by=self.scope,
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已记录%(name)s延期换届：经%(approved)s批准，本届任期延至%(date)s。")
            % {
                "name": self.organisation.name,
                "approved": term.extension_approved_on.isoformat(),
                "date": term.extended_until.isoformat(),
            },
        )
        return HttpResponseRedirect(self.organisation.get_absolute_url())


class OrganisationHistoryView(OrganisationViewMixin, TemplateView):
    """Who changed the organisation's facts and when, paginated."""

    template_name = "branches/organisation_history.html"

    def get_context_data(self, **kwargs):
        records = selectors.organisation_history(self.organisation)
        paginator, page = paginate(self.request, records)
        start = page.start_index() - 1 if paginator.count else 0
        # One version more than shown: the base the page's oldest version is compared with.
        rows = list(records[start : start + settings.PAGE_SIZE + 1])
        shown = rows[: settings.PAGE_SIZE]
        base = rows[settings.PAGE_SIZE] if len(rows) > settings.PAGE_SIZE else None
        return super().get_context_data(
            entries=selectors.history_entries(shown, base=base),
            page_obj=page,
            paginator=paginator,
            total=paginator.count,
            **kwargs,
        )


# --- Language and errors -------------------------------------------------------------------------------------------


@require_POST
def language_switch(request):
    """Remember the chosen language in a cookie and go back to the page the user was on."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)

"""Member pages: roster, record, create and edit, recycle bin, history, ID number and photo."""

import copy

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from branches.errors import DomainError
from branches.models import Level
from branches.paging import paginate
from config import request_size
from config.proxies import client_address

from . import history, id_search, rules, selectors, services
from .access.views import ScopedObjectMixin, ScopedViewMixin
from .filters import MemberFilter
from .forms import MemberForm, PhotoForm


class MemberViewMixin(ScopedObjectMixin):
    """A page about one member record, fetched through the scope (404 outside it); readable records by default."""

    object_attribute = "member"

    def scoped_queryset(self):
        return selectors.members_visible(self.scope)


class ManagedMemberMixin(MemberViewMixin):
    """A page that changes a member record: only records the user manages."""

    def scoped_queryset(self):
        return selectors.members_managed(self.scope)


def _paginate(view, queryset, page_size: int):
    """ListView's paginate_queryset, through the one paging helper."""
    paginator, page = paginate(view.request, queryset, per_page=page_size)
    return paginator, page, page.object_list, page.has_other_pages()


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class MemberListView(ScopedViewMixin, ListView):
    """The roster: search, filters and sorting on top; masked ID numbers; paginated with the total.

    The search form POSTs here and is redirected to the roster's GET address, where an ID number is replaced by a
    token of the session (members.id_search): the number never reaches an address, a log or the history.
    """

    template_name = "members/member_list.html"
    context_object_name = "members"

    def get(self, request, *args, **kwargs):
        if id_search.id_number_in(request.GET):
            # An ID number typed into the address itself: take it out of the address and of every link on the page.
            return HttpResponseRedirect(id_search.address_for(request.path, request.session, request.GET))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """The search form: redirect to the roster's address for it, starting at the first page."""
        address = id_search.address_for(request.path, request.session, request.POST, leave_out=("page",))
        return HttpResponseRedirect(address)

    def get_queryset(self):
        self.filterset = MemberFilter(
            self.request.GET,
            queryset=selectors.members_visible(self.scope),
            organisations=self.scope.organisations_readable(),
            tops=self.scope.organisation_tops(),
            session=self.request.session,
        )
        return self.filterset.qs

    def get_paginate_by(self, queryset):
        return settings.PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        return _paginate(self, queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cleaned = getattr(self.filterset.form, "cleaned_data", {})
        token = self.request.GET.get(id_search.TOKEN_PARAM, "")
        search = id_search.id_search_get(self.request.session, token) if token else None
        context.update(
            id_search=search,
            id_search_expired=bool(token) and search is None,
            filter=self.filterset,
            total=context["paginator"].count,
            query=_query_without_page(self.request),
            is_filtered=any(v not in (None, "", []) for v in cleaned.values()),
            can_create=self.scope.may_add_members(),
            sort=_sort_links(self.request, ("name", "status", "organisation", "joined_on")),
        )
        return context


def _sort_links(request, keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (or reverses it) and the current direction."""
    current = request.GET.get("ordering", "")
    links = {}
    for key in keys:
        query = request.GET.copy()
        query.pop("page", None)
        query["ordering"] = f"-{key}" if current == key else key
        direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
        links[key] = {"url": f"?{query.urlencode()}", "direction": direction}
    return links


class MemberDetailView(MemberViewMixin, TemplateView):
    """One member's record: every field, the ID number masked, photo, committee posts."""

    template_name = "members/member_detail.html"

    def scoped_queryset(self):
        return selectors.members_for_detail(self.scope)

    def get_context_data(self, **kwargs):
        member = self.member
        can_manage = self.scope.may_manage_member(member)
        transfers = list(selectors.member_transfers(member)) if self.scope.may_read_transfers() else []
        return super().get_context_data(
            member=member,
            posts=list(member.committee_posts.all()),
            can_manage=can_manage,
            transfers=transfers,
            can_transfer=self.scope.may_start_transfer(member)
            and rules.transferable_status(member.status)
            and not any(t.is_pending for t in transfers),
            can_show_id=self.scope.may_reveal_id_number(member),
            photo_form=PhotoForm() if can_manage else None,
            **kwargs,
        )


class MemberCreateView(ScopedViewMixin, FormView):
    """A new record in a branch the user manages."""

    template_name = "members/member_form.html"
    form_class = MemberForm

    def permitted(self) -> bool:
        return self.scope.may_add_members()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.scope.organisations_managed()}

    def get_initial(self):
        initial = super().get_initial()
        organisation = self.request.GET.get("organisation", "")
        if organisation.isdecimal():
            initial["organisation"] = int(organisation)
        else:
            # A secretary of one branch gets it preset.
            managed = self.scope.organisations_managed().filter(level=Level.BRANCH)
            branches = list(managed.values_list("pk", flat=True)[:2])
            if len(branches) == 1:
                initial["organisation"] = branches[0]
        return initial

    def form_valid(self, form):
        try:
            member = services.member_create(
                data=form.member_data(), id_number=form.cleaned_data["id_number"], by=self.scope
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("已新建党员档案：%(name)s。") % {"name": member.name})
        return HttpResponseRedirect(member.get_absolute_url())


class MemberUpdateView(ManagedMemberMixin, FormView):
    """Edit a record; a save based on an outdated version is refused and the other change is kept."""

    template_name = "members/member_form.html"
    form_class = MemberForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisations": self.scope.organisations_managed(),
            # The form writes into its instance while validating; the service gets the record as stored.
            "instance": copy.copy(self.member),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def form_valid(self, form):
        version = form.cleaned_data.get("version")
        try:
            member = services.member_update(
                member=self.member,
                data=form.member_data(),
                version=version if version is not None else -1,
                id_number=form.cleaned_data.get("id_number") or None,
                by=self.scope,
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存%(name)s的档案。") % {"name": member.name})
        return HttpResponseRedirect(member.get_absolute_url())


class MemberDeleteView(ManagedMemberMixin, TemplateView):
    """Confirm, then move the record to the recycle bin (it can be restored)."""

    template_name = "members/member_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.member_delete(member=self.member, by=self.scope)
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.member.get_absolute_url())
        messages.success(request, _("已将%(name)s的档案移入回收站，可在回收站中恢复。") % {"name": self.member.name})
        return HttpResponseRedirect(reverse("members:list"))


class MemberTrashView(ScopedViewMixin, ListView):
    """Deleted records of the organisations the user manages."""

    template_name = "members/member_trash.html"
    context_object_name = "members"

    def permitted(self) -> bool:
        return self.scope.may_open_member_trash()

    def get_queryset(self):
        return selectors.members_deleted(self.scope)

    def get_paginate_by(self, queryset):
        return settings.PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        return _paginate(self, queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total"] = context["paginator"].count
        return context


class MemberRestoreView(MemberViewMixin, View):
    """Bring a record back from the recycle bin (POST)."""

    http_method_names = ["post"]

    def scoped_queryset(self):
        return selectors.members_deleted(self.scope)

    def post(self, request, *args, **kwargs):
        services.member_restore(member=self.member, by=self.scope)
        messages.success(request, _("已恢复%(name)s的档案。") % {"name": self.member.name})
        return HttpResponseRedirect(self.member.get_absolute_url())


class MemberHistoryView(MemberViewMixin, TemplateView):
    """Who changed what and when; ID numbers only masked."""

    template_name = "members/member_history.html"

    def get_context_data(self, **kwargs):
        records = history.member_history(self.member)
        paginator, page = paginate(self.request, records)
        start = page.start_index() - 1 if paginator.count else 0
        # One version more than shown: the base the page's oldest version is compared with.
        rows = list(records[start : start + settings.PAGE_SIZE + 1])
        shown, base = rows[: settings.PAGE_SIZE], (rows[settings.PAGE_SIZE] if len(rows) > settings.PAGE_SIZE else None)
        return super().get_context_data(
            member=self.member,
            entries=history.history_entries(shown, base=base),
            page_obj=page,
            paginator=paginator,
            total=paginator.count,
            **kwargs,
        )


class ShowIdNumberView(MemberViewMixin, View):
    """Show the full ID number to the member, their branch's secretary or an admin; log every use."""

    http_method_names = ["post"]

    def allowed(self, member) -> bool:
        return self.scope.may_reveal_id_number(member)

    def post(self, request, *args, **kwargs):
        number = services.id_number_reveal(member=self.member, by=self.scope, address=client_address(request))
        context = {"member": self.member, "id_number": number}
        if request.headers.get("HX-Request") == "true":
            response = render(request, "members/includes/id_number.html", context)
        else:
            response = render(request, "members/member_id_number.html", context)
        response["Cache-Control"] = "no-store"
        return response


class PhotoView(MemberViewMixin, View):
    """Stream a member's photo to users who may read the member; it has no public address."""

    http_method_names = ["get", "head"]

    def allowed(self, member) -> bool:
        return bool(member.photo)

    def get(self, request, *args, **kwargs):
        try:
            handle = self.member.photo.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=0, must-revalidate"
        return response


class PhotoUploadView(ManagedMemberMixin, FormView):
    """Upload or replace a member's photo (optional; never a measure of anything)."""

    max_upload_bytes = staticmethod(request_size.photo_max_bytes)

    template_name = "members/member_photo_form.html"
    form_class = PhotoForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def form_valid(self, form):
        try:
            services.member_photo_set(member=self.member, upload=form.cleaned_data["photo"], by=self.scope)
        except DomainError as error:
            form.add_error("photo", error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已更新%(name)s的照片。") % {"name": self.member.name})
        return HttpResponseRedirect(self.member.get_absolute_url())

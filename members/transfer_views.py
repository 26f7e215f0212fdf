"""Transfer pages (组织关系转接): the list of transfers in flight and done, starting one from a member's record, a
transfer's page with what each side may do (accept, return, withdraw, print the 介绍信, record that the member
left), and the list of 流动党员 with where they are and how to reach them."""

import io

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from branches.errors import DomainError
from branches.paging import paginate
from config.proxies import client_address

from . import letters, rules, selectors
from .access.views import ScopedObjectMixin, ScopedViewMixin
from .services import transfers as transfer_services
from .transfer_forms import TransferReturnForm, TransferStartForm
from .views import ManagedMemberMixin

STATES = (
    ("", _("全部")),
    ("pending", _("办理中")),
    ("incoming", _("待我支部接收")),
    ("outgoing", _("我支部转出中")),
    ("closed", _("已办结")),
)


class TransferListView(ScopedViewMixin, ListView):
    """Transfers the user reads (sending or receiving branch in their scope), newest first, filtered by state."""

    template_name = "members/transfer_list.html"
    context_object_name = "transfers"

    def permitted(self) -> bool:
        return self.scope.may_read_transfers()

    def state(self) -> str:
        state = self.request.GET.get("state", "")
        return state if state in dict(STATES) else ""

    def get_queryset(self):
        transfers = selectors.transfers_visible(self.scope)
        return selectors.transfers_filter(transfers, state=self.state(), scope=self.scope)

    def get_paginate_by(self, queryset):
        return settings.PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator, page = paginate(self.request, queryset, per_page=page_size)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        managers = self.scope.may_start_transfers()
        context.update(
            total=context["paginator"].count,
            states=[(key, label) for key, label in STATES if managers or key not in ("incoming", "outgoing")],
            state=self.state(),
            query=f"state={self.state()}" if self.state() else "",
            # Which rows the user may act on: decided here, not in the template.
            to_decide={t.pk for t in context["transfers"] if t.is_pending and self.scope.may_decide_transfer(t)},
        )
        return context


class TransferStartView(ManagedMemberMixin, FormView):
    """Start a member's transfer from their branch (the member's managers only)."""

    template_name = "members/transfer_form.html"
    form_class = TransferStartForm

    def allowed(self, member) -> bool:
        return self.scope.may_start_transfer(member)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.member}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            transfer = transfer_services.transfer_start(
                member=self.member,
                to_organisation=data.get("to_organisation"),
                destination=data.get("destination", ""),
                reason=data["reason"],
                started_on=data["started_on"],
                dues_paid_until=data.get("dues_paid_until"),
                valid_days=data["valid_days"],
                by=self.scope,
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已发起%(name)s的组织关系转接：转往%(to)s。接收前该党员仍在本支部名册中。")
            % {"name": self.member.name, "to": transfer.destination_name},
        )
        return HttpResponseRedirect(transfer.get_absolute_url())


class TransferMixin(ScopedObjectMixin):
    """A page about one transfer, fetched among those the user reads (404 otherwise)."""

    object_attribute = "transfer"

    def scoped_queryset(self):
        return selectors.transfers_visible(self.scope)


class TransferDetailView(TransferMixin, TemplateView):
    """One transfer: the member, both branches, every date, and the actions the user may take."""

    template_name = "members/transfer_detail.html"

    def get_context_data(self, **kwargs):
        transfer = self.transfer
        sender = self.scope.may_handle_sent_transfer(transfer)
        return super().get_context_data(
            transfer=transfer,
            valid_until=rules.letter_valid_until(transfer.started_on, transfer.valid_days),
            can_decide=transfer.is_pending and self.scope.may_decide_transfer(transfer),
            can_cancel=transfer.is_pending and sender,
            can_record_left=transfer.is_pending and sender and transfer.to_organisation_id is None,
            can_print=sender,
            can_open_member=selectors.members_visible(self.scope).filter(pk=transfer.member_id).exists(),
            return_form=TransferReturnForm(),
            **kwargs,
        )


class _TransferAction(TransferMixin, View):
    """A POST that closes a transfer one way; a rule refusing it comes back as a message on the transfer's page."""

    http_method_names = ["post"]
    success_message = ""

    def act(self) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            self.act()
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.success_message % {"name": self.transfer.member.name})
        return HttpResponseRedirect(self.transfer.get_absolute_url())


class TransferAcceptView(_TransferAction):
    success_message = _("已接收%(name)s的组织关系，该党员已转入本支部。")

    def allowed(self, transfer) -> bool:
        return self.scope.may_decide_transfer(transfer)

    def act(self) -> None:
        transfer_services.transfer_accept(transfer=self.transfer, by=self.scope)


class TransferCancelView(_TransferAction):
    success_message = _("已撤回%(name)s的组织关系转接。")

    def allowed(self, transfer) -> bool:
        return self.scope.may_handle_sent_transfer(transfer)

    def act(self) -> None:
        transfer_services.transfer_cancel(transfer=self.transfer, by=self.scope)


class TransferLeftView(_TransferAction):
    success_message = _("已登记%(name)s持介绍信转出本系统。")

    def allowed(self, transfer) -> bool:
        return self.scope.may_handle_sent_transfer(transfer)

    def act(self) -> None:
        transfer_services.transfer_record_left(transfer=self.transfer, by=self.scope)


class TransferReturnView(TransferMixin, FormView):
    """Return a transfer with a reason (the receiving branch's managers)."""

    template_name = "members/transfer_return.html"
    form_class = TransferReturnForm

    def allowed(self, transfer) -> bool:
        return self.scope.may_decide_transfer(transfer)

    def refuse(self, transfer):
        if transfer.is_pending:
            return None
        messages.info(self.request, _("该组织关系转接已办结，不能再退回。"))
        return HttpResponseRedirect(transfer.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(transfer=self.transfer, **kwargs)

    def form_valid(self, form):
        try:
            transfer_services.transfer_return(
                transfer=self.transfer, reason=form.cleaned_data["return_reason"], by=self.scope
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("已退回%(name)s的组织关系转接。") % {"name": self.transfer.member.name})
        return HttpResponseRedirect(self.transfer.get_absolute_url())


class TransferLetterView(TransferMixin, View):
    """The 介绍信 PDF (POST: it carries the full ID number, and each one printed is logged)."""

    http_method_names = ["post"]

    def allowed(self, transfer) -> bool:
        return self.scope.may_handle_sent_transfer(transfer)

    def post(self, request, *args, **kwargs):
        content = transfer_services.transfer_letter(
            transfer=self.transfer, by=self.scope, address=client_address(request)
        )
        response = FileResponse(
            io.BytesIO(content),
            as_attachment=True,
            filename=letters.transfer_letter_filename(self.transfer),
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class MobileMemberListView(ScopedViewMixin, ListView):
    """流动党员: where each is, their unit and 流入地党组织, and how to reach them; a hint when they have been away
    six months or more and should transfer their relationship."""

    template_name = "members/mobile_list.html"
    context_object_name = "members"

    def permitted(self) -> bool:
        return self.scope.may_read_mobile_members()

    def get_queryset(self):
        return selectors.mobile_members(self.scope)

    def get_paginate_by(self, queryset):
        return settings.PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator, page = paginate(self.request, queryset, per_page=page_size)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            total=context["paginator"].count,
            should_transfer={
                m.pk for m in context["members"] if rules.away_long_enough_to_transfer(m.away_since, today)
            },
        )
        return context

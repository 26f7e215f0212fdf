"""The dues pages: the ledger of an organisation for a month (and its Excel export), a member's dues with the
secretary's forms (declared base, payment, reduction), and removing a payment entered by mistake."""

import tempfile

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from branches import selectors as branch_selectors
from branches.downloads import download_name
from branches.errors import DomainError
from branches.models import Organisation
from branches.paging import paginate
from members.access.views import ScopedObjectMixin, ScopedViewMixin

from . import ledger, rules, selectors, services
from .forms import DeclarationForm, PaymentForm, ReductionForm, parse_month
from .models import DuesPayment
from .spreadsheets import ledger_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerIndexView(ScopedViewMixin, View):
    """党费台账 in the navigation: the ledger of the top of the user's part of the tree."""

    def permitted(self) -> bool:
        return self.scope.may_read_dues_ledgers()

    def get(self, request):
        tops = self.scope.organisation_tops()
        organisations = Organisation.objects.order_by("path")
        top = organisations.filter(depth=1).first() if tops is None else organisations.filter(path__in=tops).first()
        if top is None:
            raise Http404
        return redirect("dues:ledger", pk=top.pk)


class _OrganisationMixin(ScopedObjectMixin):
    object_attribute = "organisation"

    def scoped_queryset(self) -> QuerySet:
        return self.scope.organisations_readable()

    def allowed(self, obj) -> bool:
        return self.scope.may_read_dues(obj)

    def ledger(self) -> selectors.Ledger:
        today = timezone.localdate()
        month = parse_month(self.request.GET.get("month"), today)
        return selectors.ledger_for(organisation=self.organisation, month=month, today=today, by=self.scope)


class LedgerView(_OrganisationMixin, TemplateView):
    """党费台账: expected, paid and unpaid for a month, with the arrears (3 months: warning; 6: escalation); a branch
    lists its members, an organisation above lists the branches under it."""

    template_name = "dues/ledger.html"

    def get_context_data(self, **kwargs):
        result = self.ledger()
        rows = result.lines if result.by_member else result.totals
        _paginator, page = paginate(self.request, rows)
        today = timezone.localdate()
        month = result.month
        previous = rules.add_months(month, -1)
        following = rules.add_months(month, 1)
        ancestors = branch_selectors.organisation_ancestors(self.organisation) if self.organisation.depth > 1 else []
        readable = [a for a in ancestors if self.scope.may_read_dues(a)]
        return super().get_context_data(
            organisation=self.organisation,
            ledger=result,
            page_obj=page,
            rows=page.object_list,
            query=urlencode({"month": f"{month:%Y-%m}"}),
            month_value=f"{month:%Y-%m}",
            previous_month=f"{previous:%Y-%m}" if previous >= rules.MONTH_RANGE.bounds(today)[0] else "",
            next_month=f"{following:%Y-%m}" if following <= rules.month_of(today) else "",
            this_month_max=f"{today:%Y-%m}",
            parents=readable,
            states=ledger,
            **kwargs,
        )


class LedgerExportView(_OrganisationMixin, View):
    """The ledger of the month as .xlsx (text typed by people stays text)."""

    def get(self, request, pk):
        result = self.ledger()
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
        ledger_workbook(result).save(output)
        output.seek(0)
        title = _("%(org)s党费台账%(month)s") % {"org": self.organisation.name, "month": f"{result.month:%Y-%m}"}
        file_name = download_name(title, day=timezone.localdate(), extension="xlsx")
        return FileResponse(output, as_attachment=True, filename=file_name, content_type=XLSX_TYPE)


class _MemberMixin(ScopedObjectMixin):
    object_attribute = "member"

    def scoped_queryset(self) -> QuerySet:
        return selectors.members_with_dues_readable(self.scope)

    def allowed(self, obj) -> bool:
        return self.scope.may_read_member_dues(obj)


class MemberDuesView(_MemberMixin, TemplateView):
    """A member's dues: this month's status and arrears, the declared bases, reductions and payments."""

    template_name = "dues/member_dues.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        dues = selectors.member_dues(member=self.member, today=today, by=self.scope)
        _paginator, page = paginate(self.request, dues.payments)
        return super().get_context_data(
            member=self.member,
            dues=dues,
            page_obj=page,
            payments=page.object_list,
            may_record=self.scope.may_record_dues(self.member),
            states=ledger,
            **kwargs,
        )


class _RecordView(_MemberMixin, View):
    """A form recording something of a member's dues (GET shows it, POST saves through the service)."""

    form_class = DeclarationForm
    title = ""
    template_name = "dues/dues_form.html"
    success_message = ""

    def allowed(self, obj) -> bool:
        return self.scope.may_record_dues(obj)

    def initial(self) -> dict:
        return {}

    def get(self, request, pk):
        return self.render(self.form_class(initial=self.initial()))

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.save(form.cleaned_data)
            except DomainError as exc:
                exc.add_to(form)
            else:
                messages.success(request, self.success_message)
                return redirect("dues:member", pk=self.member.pk)
        return self.render(form)

    def render(self, form):
        context = {"form": form, "member": self.member, "title": self.title}
        return render(self.request, self.template_name, context)

    def save(self, data: dict) -> None:
        raise NotImplementedError


class DeclareView(_RecordView):
    form_class = DeclarationForm

    @property
    def title(self) -> str:
        return _("申报党费基数")

    @property
    def success_message(self) -> str:
        return _("已保存申报的党费基数。")

    def initial(self) -> dict:
        return {"declared_on": timezone.localdate()}

    def save(self, data: dict) -> None:
        services.dues_declare(member=self.member, by=self.scope, **data)


class PayView(_RecordView):
    form_class = PaymentForm

    @property
    def title(self) -> str:
        return _("记录党费缴纳")

    @property
    def success_message(self) -> str:
        return _("已记录党费缴纳。")

    def initial(self) -> dict:
        today = timezone.localdate()
        line = selectors.member_dues_status(self.member, today)
        initial = {"paid_on": today, "first_month": rules.month_of(today), "last_month": rules.month_of(today)}
        if line is not None and line.expected:
            initial["amount"] = line.expected
        return initial

    def save(self, data: dict) -> None:
        services.dues_payment_record(member=self.member, by=self.scope, **data)


class ReduceView(_RecordView):
    form_class = ReductionForm

    @property
    def title(self) -> str:
        return _("记录党费减免")

    @property
    def success_message(self) -> str:
        return _("已记录党费减免。")

    def save(self, data: dict) -> None:
        services.dues_reduction_record(member=self.member, by=self.scope, **data)


class PaymentDeleteView(ScopedObjectMixin, View):
    """Remove a payment entered by mistake, after a confirmation."""

    object_attribute = "payment"

    def scoped_queryset(self) -> QuerySet:
        return DuesPayment.objects.filter(member__in=selectors.members_with_dues_readable(self.scope)).select_related(
            "member__organisation"
        )

    def allowed(self, obj) -> bool:
        return self.scope.may_record_dues(obj.member)

    def get(self, request, pk):
        return render(request, "dues/payment_confirm_delete.html", {"payment": self.payment,
                                                                     "member": self.payment.member})  # fmt: skip

    def post(self, request, pk):
        member_pk = self.payment.member_id
        services.dues_payment_delete(payment=self.payment, by=self.scope)
        messages.success(request, _("已删除这条缴纳记录。"))
        return redirect(reverse("dues:member", args=[member_pk]))

"""The audit log for admins: filter by person, action and date; export what is filtered. Nothing edits it."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from openpyxl import Workbook

from branches.downloads import download_name
from branches.paging import paginate
from config.proxies import client_address
from members import services as member_services
from members.access.views import ScopedViewMixin

from . import selectors
from .forms import AuditFilterForm
from .models import Action
from .services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: An export holds at most this many events: narrow the filters for more.
EXPORT_LIMIT = 50_000


class AuditMixin(ScopedViewMixin):
    def permitted(self) -> bool:
        return self.scope.may_read_audit_log()

    def form(self) -> AuditFilterForm:
        return AuditFilterForm(self.request.GET or None)

    def events(self, form: AuditFilterForm):
        return selectors.audit_events(**form.filters()) if form.is_bound else selectors.audit_events()


class AuditListView(AuditMixin, TemplateView):
    template_name = "audit/event_list.html"

    def get_context_data(self, **kwargs):
        form = self.form()
        paginator, page = paginate(self.request, self.events(form), capped=True)
        query = {k: v for k, v in self.request.GET.items() if k != "page"}
        return super().get_context_data(
            form=form,
            events=list(page.object_list),
            page_obj=page,
            total=paginator.count,
            total_is_exact=paginator.count_is_exact,
            query=urlencode(query),
            **kwargs,
        )


class AuditExportView(AuditMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request):
        form = self.form()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("审计日志"))
        member_services.row_append(
            sheet, [_("时间"), _("操作"), _("登录名"), _("IP地址"), _("地址"), _("对象"), _("说明")]
        )
        for event in self.events(form)[:EXPORT_LIMIT].iterator(chunk_size=2000):
            member_services.row_append(
                sheet,
                [
                    timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                    str(event.get_action_display()),
                    event.user.get_username() if event.user else event.username,
                    event.address or "",
                    event.path,
                    event.target,
                    event.detail,
                ],
            )
        audit_record(
            action=Action.EXPORT,
            user=request.user,
            address=client_address(request),
            path=request.path,
            detail=_("审计日志"),
        )
        response = HttpResponse(member_services.workbook_bytes(workbook), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, download_name(_("审计日志"), extension="xlsx", day=timezone.localdate())
        )
        return response

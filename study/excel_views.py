"""A task's completion list as an Excel workbook, written through the roster's text-only writer (text is never a
formula), under a safe name."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import View
from openpyxl import Workbook

from audit.models import Action
from audit.services import audit_record, target_of
from branches.downloads import download_name
from config.proxies import client_address
from members import services as member_services

from . import selectors
from .models import AssignmentState
from .views.tasks import TaskObjectMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TaskExportView(TaskObjectMixin, View):
    """导出完成情况: one row per member the user reads, by branch and name."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        task = self.task
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("完成情况"))
        member_services.row_append(sheet, [task.title])
        member_services.row_append(
            sheet, [_("党支部"), _("姓名"), _("状态"), _("完成时间"), _("完成方式"), _("学时"), _("心得体会")]
        )
        for row in selectors.completion_rows(task, self.scope).iterator(chunk_size=2000):
            done = row.state == AssignmentState.DONE
            member_services.row_append(
                sheet,
                [
                    row.member.organisation.name,
                    row.member.name,
                    str(row.get_state_display()),
                    timezone.localtime(row.completed_at).strftime("%Y-%m-%d %H:%M") if row.completed_at else "",
                    str(row.get_completed_via_display()) if done else "",
                    float(task.hours) if done else 0,
                    row.reflection,
                ],
            )
        name = download_name(
            _("学习任务完成情况-%(title)s") % {"title": task.title}, extension="xlsx", day=timezone.localdate()
        )
        audit_record(
            action=Action.EXPORT,
            user=request.user,
            address=client_address(request),
            path=request.path,
            target=target_of(task),
            detail=_("学习任务完成情况"),
        )
        response = HttpResponse(member_services.workbook_bytes(workbook), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

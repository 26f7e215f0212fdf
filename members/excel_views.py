"""Roster import from the Excel template (upload → preview → confirm) and export of the filtered roster."""

import tempfile

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from branches.downloads import download_name
from branches.errors import DomainError
from branches.models import Level
from config import request_size
from config.proxies import client_address

from . import id_search, imports, selectors, services
from .access import Scope
from .access.views import ScopedViewMixin
from .filters import MemberFilter
from .spreadsheets import MAX_ROWS, roster_workbook, template_workbook, workbook_bytes

#: Query parameter of the preview page: the staged upload's token.
STAGE_PARAM = "stage"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    """The upload step of the import (kept here, beside its only view)."""

    file = forms.FileField(
        label=gettext_lazy("Excel文件（.xlsx）"),
        help_text=format_lazy(gettext_lazy("请使用下载的导入模板填写，一次最多{count}行。"), count=MAX_ROWS),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_TYPE}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class _ImportMixin(ScopedViewMixin):
    """Only users who may import (those who manage a branch, admins) open the import pages; others get 404."""

    def permitted(self) -> bool:
        return self.scope.may_import_members()


class ImportTemplateView(_ImportMixin, View):
    """Download the import template, listing the codes of the organisations the user may import to."""

    def get(self, request):
        organisations = (
            self.scope.organisations_managed()
            .filter(level__in=[Level.BRANCH, Level.PARTY_GROUP])
            .order_by("path")
            .only("path", "code", "name", "level")
        )
        content = workbook_bytes(template_workbook(organisations=organisations))
        response = HttpResponse(content, content_type=XLSX_TYPE)
        file_name = download_name(_("党员名册导入模板"), day=timezone.localdate(), extension="xlsx")
        response["Content-Disposition"] = content_disposition_header(True, file_name)
        return response


class ImportView(_ImportMixin, View):
    """Upload a filled template, see every row's problems, and confirm when all rows are valid.

    The checked file waits encrypted in the database (members.imports.import_stage) until it is confirmed,
    cancelled, or purged an hour later.
    """

    max_upload_bytes = staticmethod(request_size.attachment_max_bytes)

    template_name = "members/import.html"
    preview_template_name = "members/import_preview.html"

    def get(self, request):
        token = request.GET.get(STAGE_PARAM)
        if token is not None:
            try:
                preview = imports.import_stage_preview(token=token, by=self.scope)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("members:import")
            return self._preview(request, preview)
        return render(request, self.template_name, {"form": ImportUploadForm()})

    def post(self, request):
        action = request.POST.get("action", "upload")
        if action == "confirm":
            return self._confirm(request)
        if action == "cancel":
            imports.import_stage_discard(by=self.scope)
            messages.info(request, _("已取消本次导入，未保存任何数据。"))
            return redirect("members:import")
        return self._upload(request)

    def _upload(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        try:
            preview = imports.import_stage(upload=upload, size=upload.size, by=self.scope)
        except DomainError as exc:
            form.add_error("file", exc.message)
            return render(request, self.template_name, {"form": form})
        if preview.token:
            # Kept until confirmed: the preview is a page of its own (reloading it does not upload again).
            return redirect(f"{reverse('members:import')}?{urlencode({STAGE_PARAM: preview.token})}")
        return self._preview(request, preview)  # a row has problems: nothing was kept

    def _confirm(self, request):
        token = request.POST.get("token", "")
        try:
            created = imports.import_stage_confirm(token=token, by=self.scope)
        except imports.ImportNotSaved as exc:
            messages.error(request, exc.message)
            return self._preview(request, exc.preview)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("members:import")
        messages.success(request, _("已导入{count}名党员。").format(count=len(created)))
        return redirect("members:list")

    def _preview(self, request, preview: imports.ImportPreview):
        rows = preview.rows
        context = {
            "rows": rows,
            "problems": [message for row in rows for message in row.problems],
            "invalid_count": sum(1 for row in rows if row.problems),
            "token": preview.token,
            "file_name": preview.file_name,
            "form": ImportUploadForm(),
        }
        return render(request, self.preview_template_name, context)


def roster_for_export(request, scope: Scope):
    """The roster as the user sees it with the request's search, filters and sorting (same filter as the page):
    from the query string, or from the form's body for the POST export."""
    data = request.POST if request.method == "POST" else request.GET
    roster = MemberFilter(
        data,
        queryset=selectors.members_visible(scope),
        organisations=scope.organisations_readable(),
        tops=scope.organisation_tops(),
        session=request.session,
    )
    return roster.qs


class ExportView(ScopedViewMixin, View):
    """Stream the filtered roster as .xlsx. A GET (the link) gives masked ID numbers; full numbers, for members the
    user manages and each logged, only through the roster's POST form, so that the filters of an export that holds
    them (a name, an ID search) are never in its address."""

    def permitted(self) -> bool:
        return self.scope.may_export_roster()

    def get(self, request):
        scope = self.scope
        if id_search.id_number_in(request.GET):
            return HttpResponseRedirect(id_search.address_for(request.path, request.session, request.GET))
        members = roster_for_export(request, scope)
        want_full = request.method == "POST" and request.POST.get("ids") == "full"
        numbers = services.id_number_export(
            by=scope, address=client_address(request), full=want_full and scope.may_export_full_id_numbers()
        )
        workbook = roster_workbook(members.iterator(chunk_size=2000), id_number_for=numbers.number_of)
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
        workbook.save(output)
        numbers.save()
        output.seek(0)
        file_name = download_name(_("党员名册"), day=timezone.localdate(), extension="xlsx")
        return FileResponse(output, as_attachment=True, filename=file_name, content_type=XLSX_TYPE)

    def post(self, request):
        """The export with full ID numbers (the roster's form posts its filters and ids=full)."""
        return self.get(request)

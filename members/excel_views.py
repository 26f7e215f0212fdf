"""Roster import from the Excel template (upload → preview → confirm) and export of the filtered roster."""

import tempfile
import uuid
from datetime import timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from branches.access import MANAGE, READ, ScopedViewMixin
from branches.downloads import download_name
from branches.errors import DomainError
from branches.models import Level

from . import crypto, selectors
from .filters import MemberFilter
from .imports import ImportRow, import_rows_check, members_import
from .models import IdNumberAccess, Member
from .spreadsheets import MAX_ROWS, roster_workbook, template_workbook, workbook_bytes, workbook_read

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Session key of the upload waiting between preview and confirm.
PENDING_KEY = "members_import"
#: Folder (inside MEDIA_ROOT) of uploads waiting for confirmation; abandoned ones are removed after a day.
IMPORT_DIR = "imports"
PENDING_MAX_AGE = timedelta(days=1)


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


class _ManagersOnlyMixin(ScopedViewMixin):
    """Only users who manage a branch (secretaries, admins) may import; others get 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (self.scope.is_admin or self.scope.paths(MANAGE)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ImportTemplateView(_ManagersOnlyMixin, View):
    """Download the import template, listing the codes of the organisations the user may import to."""

    def get(self, request):
        organisations = (
            self.scope.organisations(MANAGE)
            .filter(level__in=[Level.BRANCH, Level.PARTY_GROUP])
            .order_by("path")
            .only("path", "code", "name", "level")
        )
        content = workbook_bytes(template_workbook(organisations=organisations))
        response = HttpResponse(content, content_type=XLSX_TYPE)
        file_name = download_name(_("党员名册导入模板"), day=timezone.localdate(), extension="xlsx")
        response["Content-Disposition"] = content_disposition_header(True, file_name)
        return response


class ImportView(_ManagersOnlyMixin, View):
    """Upload a filled template, see every row's problems, and confirm when all rows are valid."""

    template_name = "members/import.html"
    preview_template_name = "members/import_preview.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportUploadForm()})

    def post(self, request):
        action = request.POST.get("action", "upload")
        if action == "confirm":
            return self._confirm(request)
        if action == "cancel":
            self._pending_discard(request)
            messages.info(request, _("已取消本次导入，未保存任何数据。"))
            return redirect("members:import")
        return self._upload(request)

    def _upload(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        try:
            raw_rows = workbook_read(upload, size=upload.size)
        except DomainError as exc:
            form.add_error("file", exc.message)
            return render(request, self.template_name, {"form": form})
        self._pending_discard(request)
        _stale_uploads_remove()
        token = uuid.uuid4().hex
        upload.seek(0)
        default_storage.save(_pending_path(token), upload)
        request.session[PENDING_KEY] = {"token": token, "user": request.user.pk, "name": upload.name[:120]}
        rows = import_rows_check(raw_rows=raw_rows, scope=self.scope)
        return self._preview(request, rows, token=token, name=upload.name)

    def _confirm(self, request):
        pending = request.session.get(PENDING_KEY) or {}
        token = request.POST.get("token", "")
        path = _pending_path(token) if _is_token(token) else ""
        if (
            not path
            or pending.get("token") != token
            or pending.get("user") != request.user.pk
            or not default_storage.exists(path)
        ):
            messages.error(request, _("待导入的文件已失效，请重新上传。"))
            return redirect("members:import")
        try:
            with default_storage.open(path, "rb") as stored:
                raw_rows = workbook_read(stored)
        except DomainError as exc:
            self._pending_discard(request)
            messages.error(request, exc.message)
            return redirect("members:import")
        # Checked again: the data or the user's posts may have changed since the preview.
        rows = import_rows_check(raw_rows=raw_rows, scope=self.scope)
        try:
            created = members_import(rows=rows)
        except DomainError as exc:
            messages.error(request, exc.message)
            return self._preview(request, rows, token=token, name=pending.get("name", ""))
        self._pending_discard(request)
        messages.success(request, _("已导入{count}名党员。").format(count=len(created)))
        return redirect("members:list")

    def _preview(self, request, rows: list[ImportRow], *, token: str, name: str):
        problems = [message for row in rows for message in row.problems]
        context = {
            "rows": rows,
            "problems": problems,
            "invalid_count": sum(1 for row in rows if row.problems),
            "token": token,
            "file_name": name,
            "form": ImportUploadForm(),
        }
        return render(request, self.preview_template_name, context)

    def _pending_discard(self, request) -> None:
        pending = request.session.pop(PENDING_KEY, None) or {}
        token = pending.get("token", "")
        if _is_token(token):
            default_storage.delete(_pending_path(token))


def _is_token(token: str) -> bool:
    return len(token) == 32 and all(c in "0123456789abcdef" for c in token)


def _pending_path(token: str) -> str:
    return f"{IMPORT_DIR}/{token}.xlsx"


def _stale_uploads_remove() -> None:
    """Delete uploads left by previews nobody confirmed or cancelled."""
    try:
        _dirs, files = default_storage.listdir(IMPORT_DIR)
    except FileNotFoundError:
        return
    limit = timezone.now() - PENDING_MAX_AGE
    for name in files:
        path = f"{IMPORT_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except FileNotFoundError:
            continue


def roster_for_export(request, scope):
    """The roster as the user sees it with the request's search, filters and sorting (same filter as the page)."""
    return MemberFilter(request.GET, queryset=selectors.members_visible(scope), scope=scope).qs


class ExportView(ScopedViewMixin, View):
    """Stream the filtered roster as .xlsx; full ID numbers only on request, for members the user manages, logged."""

    def get(self, request):
        scope = self.scope
        if not (scope.is_admin or scope.paths(READ)):
            raise Http404
        members = roster_for_export(request, scope)
        want_full = request.GET.get("ids") == "full"
        address = request.META.get("REMOTE_ADDR") or None
        accesses: list[IdNumberAccess] = []

        def id_number_for(member: Member) -> str:
            if want_full and scope.can(member.organisation, MANAGE):
                accesses.append(IdNumberAccess(member=member, user=request.user, address=address, purpose="export"))
                return crypto.decrypt(member.id_number_encrypted)
            return member.id_number_masked

        workbook = roster_workbook(members.iterator(chunk_size=2000), id_number_for=id_number_for)
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
        workbook.save(output)
        IdNumberAccess.objects.bulk_create(accesses, batch_size=1000)
        output.seek(0)
        file_name = download_name(_("党员名册"), day=timezone.localdate(), extension="xlsx")
        return FileResponse(output, as_attachment=True, filename=file_name, content_type=XLSX_TYPE)

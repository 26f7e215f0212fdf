"""A meeting's photos and attachments: upload, remove, and stream them to users who may read the meeting.

Files have no public address: every download goes through a view that checks the meeting is in the user's scope.
"""

import io

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from branches.downloads import download_name
from branches.errors import DomainError
from config import request_size
from members.access.views import ScopedObjectMixin

from . import minutes, selectors, services
from .models import Meeting, MeetingAttachment, MeetingPhoto
from .upload_forms import AttachmentUploadForm, PhotoUploadForm


class MeetingFileMixin(ScopedObjectMixin):
    """The meeting, fetched through the scope (404 outside it); `manage = True` also requires managing its branch.
    Its files are fetched through it."""

    object_attribute = "meeting"
    manage = False

    def scoped_queryset(self):
        return selectors.meetings_visible_to(self.scope)

    def allowed(self, meeting: Meeting) -> bool:
        return not self.manage or self.scope.may_manage_meeting(meeting)

    def meeting_url(self, anchor: str) -> str:
        return f"{self.meeting.get_absolute_url()}#{anchor}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)


def _stream(field_file, content_type: str, *, filename: str | None = None) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=content_type, as_attachment=filename is not None, filename=filename or ""
    )
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Photos --------------------------------------------------------------------------------------------------------


class PhotoView(MeetingFileMixin, View):
    """Stream one photo of a meeting (a clean JPEG) to a user who may read the meeting."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        photo = self.meeting.photos.filter(pk=kwargs["photo_pk"]).first()
        if photo is None:
            raise Http404
        return _stream(photo.image, "image/jpeg")


class PhotoAddView(MeetingFileMixin, FormView):
    """Upload one or more photos (optional, never counted) to a meeting of a branch the user manages."""

    max_upload_bytes = staticmethod(request_size.photos_max_bytes)

    manage = True
    template_name = "meetings/photo_form.html"
    form_class = PhotoUploadForm

    def form_valid(self, form):
        images = form.cleaned_data["images"]
        added: list[MeetingPhoto] = []
        try:
            with transaction.atomic():  # all the photos of one upload, or none
                for image in images:
                    added.append(services.meeting_photo_add(
                        meeting=self.meeting, upload=image, by=self.scope, caption=form.cleaned_data["caption"]
                    ))
        except DomainError as error:
            for photo in added:  # their rows were rolled back; their files were already written
                photo.image.storage.delete(photo.image.name)
            form.add_error("images" if error.field in ("image", "photo") else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已上传%(n)d张照片。") % {"n": len(images)})
        return HttpResponseRedirect(self.meeting_url("photos"))


class PhotoRemoveView(MeetingFileMixin, TemplateView):
    """Confirm, then remove a photo (the file is deleted once the removal is saved)."""

    manage = True
    template_name = "meetings/file_confirm_remove.html"

    def get_object(self) -> MeetingPhoto:
        photo = self.meeting.photos.filter(pk=self.kwargs["photo_pk"]).first()
        if photo is None:
            raise Http404
        return photo

    def get_context_data(self, **kwargs):
        photo = self.get_object()
        return super().get_context_data(
            item=photo,
            kind=_("照片"),
            name=photo.caption or _("未加说明的照片"),
            anchor="photos",
            preview_url=reverse("meetings:photo", args=[self.meeting.pk, photo.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        photo = self.get_object()
        try:
            services.meeting_photo_remove(photo=photo, by=self.scope)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已删除照片。"))
        return HttpResponseRedirect(self.meeting_url("photos"))


# --- Attachments ---------------------------------------------------------------------------------------------------


class AttachmentDownloadView(MeetingFileMixin, View):
    """Download an attachment under its original name, to a user who may read the meeting."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        attachment = self.meeting.attachments.filter(pk=kwargs["attachment_pk"]).first()
        if attachment is None:
            raise Http404
        return _stream(attachment.file, attachment.content_type, filename=attachment_download_name(attachment))


def attachment_download_name(attachment: MeetingAttachment) -> str:
    """The original name made safe (it was typed by whoever uploaded the file), with its extension."""
    stem, dot, extension = attachment.original_name.rpartition(".")
    if not dot:
        stem, extension = attachment.original_name, ""
    return download_name(stem, extension=extension, fallback=_("附件"))


class AttachmentAddView(MeetingFileMixin, FormView):
    """Attach a PDF or Office document to a meeting of a branch the user manages."""

    max_upload_bytes = staticmethod(request_size.attachment_max_bytes)

    manage = True
    template_name = "meetings/attachment_form.html"
    form_class = AttachmentUploadForm

    def form_valid(self, form):
        try:
            attachment = services.meeting_attachment_add(
                meeting=self.meeting, upload=form.cleaned_data["file"], by=self.scope
            )
        except DomainError as error:
            form.add_error("file" if error.field == "file" else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已上传附件：%(name)s。") % {"name": attachment.original_name})
        return HttpResponseRedirect(self.meeting_url("attachments"))


class AttachmentRemoveView(MeetingFileMixin, TemplateView):
    """Confirm, then remove an attachment."""

    manage = True
    template_name = "meetings/file_confirm_remove.html"

    def get_object(self) -> MeetingAttachment:
        attachment = self.meeting.attachments.filter(pk=self.kwargs["attachment_pk"]).first()
        if attachment is None:
            raise Http404
        return attachment

    def get_context_data(self, **kwargs):
        attachment = self.get_object()
        return super().get_context_data(
            item=attachment, kind=_("附件"), name=attachment.original_name, anchor="attachments", **kwargs
        )

    def post(self, request, *args, **kwargs):
        attachment = self.get_object()
        try:
            services.meeting_attachment_remove(attachment=attachment, by=self.scope)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已删除附件：%(name)s。") % {"name": attachment.original_name})
        return HttpResponseRedirect(self.meeting_url("attachments"))


# --- The minutes -----------------------------------------------------------------------------------------------------


class MinutesPdfView(ScopedObjectMixin, View):
    """Download a meeting's minutes as a PDF; only users who may read the meeting get it."""

    http_method_names = ["get", "head"]

    def scoped_queryset(self):
        return selectors.meeting_detail_queryset(self.scope)

    def get(self, request, *args, **kwargs):
        meeting = self.object
        response = FileResponse(
            io.BytesIO(minutes.minutes_pdf(meeting)),
            as_attachment=True,
            filename=minutes.minutes_filename(meeting),
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response

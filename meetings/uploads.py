"""Checks on meeting uploads: attachments (PDF and Office, by extension and content) and photos (re-encoded)."""

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from branches.errors import DomainError
from members import services as member_services

PDF_MAGIC = b"%PDF-"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # .doc .xls .ppt (and WPS files saved in the old format)
ZIP_MAGIC = b"PK\x03\x04"  # .docx .xlsx .pptx

#: extension → (kind of container, folder an OOXML package must hold, content type)
ALLOWED = {
    "pdf": ("pdf", "", "application/pdf"),
    "doc": ("ole2", "", "application/msword"),
    "xls": ("ole2", "", "application/vnd.ms-excel"),
    "ppt": ("ole2", "", "application/vnd.ms-powerpoint"),
    "docx": ("ooxml", "word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("ooxml", "xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ooxml", "ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    original_name: str
    size: int
    content_type: str


def _size_message(limit: int) -> str:
    return _("附件不能超过%(mb)sMB。") % {"mb": f"{limit / 1024 / 1024:g}"}


def attachment_check(upload, *, max_bytes: int | None = None) -> CheckedFile:
    """Accept a PDF or Office document whose content matches its extension and is within the size cap.

    Returns the bytes under a random name (uuid4 hex + extension); the original name is kept for display only.
    """
    limit = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    wrong_type = _("只能上传PDF或Office文档（doc、docx、xls、xlsx、ppt、pptx）。")
    original = PurePath(getattr(upload, "name", "") or "").name[:200]
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if extension not in ALLOWED:
        raise DomainError(wrong_type, field="file")
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise DomainError(_size_message(limit), field="file")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_size_message(limit), field="file")
    if not data:
        raise DomainError(_("文件为空。"), field="file")
    container, folder, content_type = ALLOWED[extension]
    if not _content_matches(data, container, folder):
        raise DomainError(_("文件内容与扩展名不符：只能上传PDF或Office文档。"), field="file")
    return CheckedFile(ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}"), original, len(data), content_type)


def _content_matches(data: bytes, container: str, folder: str) -> bool:
    if container == "pdf":
        return data.startswith(PDF_MAGIC)
    if container == "ole2":
        return data.startswith(OLE2_MAGIC)
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def photo_clean(upload) -> ContentFile:
    """The member photo rules (members.photos) applied to a meeting photo: a real JPEG, PNG or WebP within the
    size cap, re-encoded as JPEG without metadata, under a random name."""
    try:
        data = member_services.photo_clean(upload)
    except DomainError as exc:
        raise DomainError(exc.message, field="image") from exc
    return ContentFile(data, name=f"{uuid.uuid4().hex}.jpg")

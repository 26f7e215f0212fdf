"""A meeting's photos and attachments."""

from django.db import transaction

from members.access import Scope

from .. import uploads
from ..models import (
    Meeting,
    MeetingAttachment,
    MeetingPhoto,
)
from .common import _bump, _lock, _require, _require_open


@transaction.atomic
def meeting_photo_add(*, meeting: Meeting, upload, by: Scope, caption: str = "") -> MeetingPhoto:
    """Add a photo, re-encoded as JPEG without metadata under a random name (the member photo rules)."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, None)
    _require_open(meeting)
    content = uploads.photo_clean(upload)
    photo = MeetingPhoto(meeting=meeting, caption=(caption or "").strip()[:120], uploaded_by_id=by.user_id)
    photo.image.save(content.name, content, save=False)
    photo.save()
    _bump(meeting)
    return photo


@transaction.atomic
def meeting_photo_remove(*, photo: MeetingPhoto, by: Scope) -> None:
    _require(by.may_manage_meeting(photo.meeting))
    meeting = _lock(photo.meeting, None)
    _require_open(meeting)
    _delete_file_on_commit(photo.image)
    photo.delete()
    _bump(meeting)


@transaction.atomic
def meeting_attachment_add(*, meeting: Meeting, upload, by: Scope) -> MeetingAttachment:
    """Attach a PDF or Office document (checked by extension and content, size-capped) under a random name."""
    _require(by.may_manage_meeting(meeting))
    _lock(meeting, None)
    _require_open(meeting)
    checked = uploads.attachment_check(upload)
    attachment = MeetingAttachment(
        meeting=meeting,
        original_name=checked.original_name,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by_id=by.user_id,
    )
    attachment.file.save(checked.content.name, checked.content, save=False)
    attachment.save()
    _bump(meeting)
    return attachment


@transaction.atomic
def meeting_attachment_remove(*, attachment: MeetingAttachment, by: Scope) -> None:
    _require(by.may_manage_meeting(attachment.meeting))
    meeting = _lock(attachment.meeting, None)
    _require_open(meeting)
    _delete_file_on_commit(attachment.file)
    attachment.delete()
    _bump(meeting)


def _delete_file_on_commit(file_field) -> None:
    storage, name = file_field.storage, file_field.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))

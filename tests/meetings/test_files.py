"""A meeting's photos and attachments through the pages: upload rules, removal, and downloads only in scope."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from branches.errors import DomainError
from meetings import services
from meetings.models import MeetingAttachment, MeetingPhoto
from meetings.services import meeting_attachment_add, meeting_photo_add
from members.access import SYSTEM
from tests.factories import make_meeting
from tests.members.images import GPS_IFD, image_bytes, upload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _meeting(world, status="held", organisation=None):
    return make_meeting(organisation or world.branch_a, status=status, attendees=[world.member_a], minutes="内容")


def _docx(folder: str = "word/") -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<document/>")
    return output.getvalue()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Photos --------------------------------------------------------------------------------------------------------


def test_secretary_uploads_several_photos_with_a_caption(client, world):
    """Several photos in one upload are each stored, with the caption, and the page says so."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("meetings:photo_add", args=[meeting.pk]),
        {"images": [upload(image_bytes()), upload(image_bytes("PNG"), "b.png", "image/png")], "caption": "会场"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"{meeting.get_absolute_url()}#photos")
    assert "已上传2张照片。" in _messages(response)
    assert list(meeting.photos.values_list("caption", flat=True)) == ["会场", "会场"]


def test_stored_photo_is_a_clean_jpeg_without_location_under_a_random_name(client, world):
    """An uploaded photo is re-encoded as JPEG without EXIF (the GPS location is gone) under a random file name."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    client.post(reverse("meetings:photo_add", args=[meeting.pk]), {"images": upload(image_bytes(gps=True), "我家.jpg")})
    photo = meeting.photos.get()
    assert re.fullmatch(r"meetings/photos/[0-9a-f]{32}\.jpg", photo.image.name)
    with photo.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        exif = stored.getexif()
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
        assert "exif" not in stored.info


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not an image at all", "photo.jpg", "请上传JPG、PNG或WebP格式的图片"),
        (PDF, "scan.png", "请上传JPG、PNG或WebP格式的图片"),
        (image_bytes("GIF"), "anim.gif", "请上传JPG、PNG或WebP格式的图片"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_at_the_field(client, world, content, name, message):
    """Anything but a real JPEG, PNG or WebP image is refused with a Chinese message; nothing is stored."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    response = client.post(reverse("meetings:photo_add", args=[meeting.pk]), {"images": upload(content, name)})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["images"])
    assert not MeetingPhoto.objects.exists()


def test_one_bad_photo_refuses_the_whole_upload(client, world):
    """An upload with one bad file stores none of them, and names the bad file."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("meetings:photo_add", args=[meeting.pk]),
        {"images": [upload(image_bytes()), upload(b"junk", "坏照片.jpg")]},
    )
    assert "坏照片.jpg" in response.context["form"].errors["images"][0]
    assert not MeetingPhoto.objects.exists()


def test_an_oversized_photo_is_refused(client, world, settings):
    """A photo above PHOTO_MAX_BYTES is refused with the limit in the message."""
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    big = upload(image_bytes() + b"\0" * (1024 * 1024), "big.jpg")
    response = client.post(reverse("meetings:photo_add", args=[meeting.pk]), {"images": big})
    assert "图片不能超过1MB" in response.context["form"].errors["images"][0]
    assert not MeetingPhoto.objects.exists()


def test_photos_of_a_finalised_meeting_cannot_be_added_or_removed(client, world):
    """A finalised record is read-only: adding or removing a photo is refused with a message, nothing changes."""
    meeting = _meeting(world)
    photo = meeting_photo_add(meeting=meeting, upload=upload(image_bytes()), by=SYSTEM)
    meeting.status = "finalised"
    meeting.save()
    client.force_login(world.secretary_a)
    response = client.post(reverse("meetings:photo_add", args=[meeting.pk]), {"images": upload(image_bytes())})
    assert "已归档" in str(response.context["form"].non_field_errors())
    response = client.post(reverse("meetings:photo_remove", args=[meeting.pk, photo.pk]), follow=True)
    assert any("已归档" in m for m in _messages(response))
    assert list(meeting.photos.all()) == [photo]


def test_removing_a_photo_asks_first_then_deletes_it_and_its_file(client, world, django_capture_on_commit_callbacks):
    """The remove link shows a confirmation; confirming deletes the photo and, once saved, its file."""
    meeting = _meeting(world)
    photo = meeting_photo_add(meeting=meeting, upload=upload(image_bytes()), by=SYSTEM)
    storage, name = photo.image.storage, photo.image.name
    client.force_login(world.secretary_a)
    url = reverse("meetings:photo_remove", args=[meeting.pk, photo.pk])
    assert "确认删除" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "已删除照片。" in _messages(response)
    assert not MeetingPhoto.objects.exists()
    assert not storage.exists(name)


def test_photo_is_served_only_to_readers_of_the_meeting(client, world):
    """The photo streams as JPEG to a member of the branch and 404s for another branch's secretary."""
    meeting = _meeting(world)
    photo = meeting_photo_add(meeting=meeting, upload=upload(image_bytes()), by=SYSTEM)
    url = reverse("meetings:photo", args=[meeting.pk, photo.pk])
    client.force_login(world.member_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    client.force_login(world.secretary_b)
    assert client.get(url).status_code == 404


def test_a_member_sees_no_upload_form(client, world):
    """The photo and attachment includes show upload forms to managers only."""
    from django.template.loader import render_to_string

    meeting = _meeting(world)
    as_member = render_to_string("meetings/includes/photos.html", {"meeting": meeting, "can_manage": False})
    as_secretary = render_to_string("meetings/includes/attachments.html", {"meeting": meeting, "can_manage": True})
    assert "上传照片" not in as_member and "暂无照片" in as_member
    assert reverse("meetings:attachment_add", args=[meeting.pk]) in as_secretary


# --- Attachments ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("会议材料.pdf", PDF, "application/pdf"),
        ("发言稿.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("签到表.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 64, "application/vnd.ms-excel"),
    ],
)
def test_attachment_is_stored_under_a_random_name_and_downloaded_under_its_own(
    client, world, name, content, content_type
):
    """A PDF or Office file is stored under a random name and downloaded with its original name and type."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("meetings:attachment_add", args=[meeting.pk]), {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert f"已上传附件：{name}。" in _messages(response)
    attachment = meeting.attachments.get()
    assert re.fullmatch(r"meetings/attachments/[0-9a-f]{32}\.\w+", attachment.file.name)
    client.force_login(world.member_user)
    download = client.get(reverse("meetings:attachment", args=[meeting.pk, attachment.pk]))
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("报告.pdf", b"just some text", "文件内容与扩展名不符"),
        ("伪装.docx", _docx("xl/"), "文件内容与扩展名不符"),
        ("伪装.docx", PDF, "文件内容与扩展名不符"),
        ("程序.exe", b"MZ\x90\x00", "只能上传PDF或Office文档"),
        ("无扩展名", PDF, "只能上传PDF或Office文档"),
    ],
)
def test_attachment_with_wrong_type_or_content_is_refused(client, world, name, content, message):
    """The extension must be PDF or Office and the content must match it; otherwise a message at the field."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("meetings:attachment_add", args=[meeting.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert not MeetingAttachment.objects.exists()


def test_oversized_attachment_is_refused(client, world, settings):
    """An attachment above ATTACHMENT_MAX_BYTES is refused with the limit in the message."""
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    big = SimpleUploadedFile("大文件.pdf", PDF + b"\0" * (1024 * 1024))
    response = client.post(reverse("meetings:attachment_add", args=[meeting.pk]), {"file": big})
    assert "附件不能超过1MB" in response.context["form"].errors["file"][0]
    assert not MeetingAttachment.objects.exists()


def test_attachments_of_a_finalised_meeting_are_read_only(client, world):
    """Adding or removing an attachment of a finalised record is refused; downloading still works."""
    meeting = _meeting(world)
    attachment = meeting_attachment_add(meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF), by=SYSTEM)
    meeting.status = "finalised"
    meeting.save()
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("meetings:attachment_add", args=[meeting.pk]), {"file": SimpleUploadedFile("b.pdf", PDF)}
    )
    assert "已归档" in str(response.context["form"].non_field_errors())
    client.post(reverse("meetings:attachment_remove", args=[meeting.pk, attachment.pk]))
    assert list(meeting.attachments.all()) == [attachment]
    assert client.get(reverse("meetings:attachment", args=[meeting.pk, attachment.pk])).status_code == 200


def test_attachment_download_only_in_scope(client, world):
    """Another branch's secretary cannot download an attachment, nor reach it under their own meeting's address."""
    meeting = _meeting(world)
    other = _meeting(world, organisation=world.branch_b)
    attachment = meeting_attachment_add(meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF), by=SYSTEM)
    client.force_login(world.secretary_b)
    assert client.get(reverse("meetings:attachment", args=[meeting.pk, attachment.pk])).status_code == 404
    assert client.get(reverse("meetings:attachment", args=[other.pk, attachment.pk])).status_code == 404
    assert client.post(reverse("meetings:attachment_remove", args=[meeting.pk, attachment.pk])).status_code == 404
    assert MeetingAttachment.objects.filter(pk=attachment.pk).exists()


def test_a_refused_upload_leaves_no_files_behind(client, world, monkeypatch, settings):
    """When the second photo of an upload is refused by the service, the first one's row and file are gone too."""
    meeting = _meeting(world)
    real_add = services.meeting_photo_add
    calls = []

    def add_then_refuse(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DomainError("该会议记录已归档，不能直接修改；如需更正，请提交更正说明。")
        return real_add(**kwargs)

    monkeypatch.setattr(services, "meeting_photo_add", add_then_refuse)
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("meetings:photo_add", args=[meeting.pk]), {"images": [upload(image_bytes()), upload(image_bytes())]}
    )
    assert "已归档" in str(response.context["form"].non_field_errors())
    assert not MeetingPhoto.objects.exists()
    folder = settings.MEDIA_ROOT / "meetings" / "photos"
    assert not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize(("name", "field", "message"), [
    ("meetings:photo_add", "images", "请选择要上传的照片。"),
    ("meetings:attachment_add", "file", "请选择要上传的文件。"),
])
def test_an_upload_without_a_file_asks_for_one(client, world, name, field, message):
    """Submitting the upload form without a file shows the message at the field."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    response = client.post(reverse(name, args=[meeting.pk]), {})
    assert response.context["form"].errors[field] == [message]


def test_too_many_photos_at_once_are_refused(client, world):
    """More than ten photos in one upload are refused; none is stored."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("meetings:photo_add", args=[meeting.pk]), {"images": [upload(image_bytes()) for _ in range(11)]}
    )
    assert "一次最多上传10张照片。" in response.context["form"].errors["images"]
    assert not MeetingPhoto.objects.exists()

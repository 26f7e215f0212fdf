"""Request bodies above the largest upload are refused from their Content-Length, before a byte of them is read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from config.request_size import FORM_OVERHEAD_BYTES, upload_body_limit
from meetings.models import MeetingAttachment, MeetingPhoto
from meetings.upload_forms import MAX_PHOTOS_PER_UPLOAD
from tests.factories import make_meeting
from tests.members.images import image_bytes, upload

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


class UnreadableBody:
    """A wsgi.input that fails the test if anything reads from it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    readline = read


def _declaring(length: int, content_type: str = MULTIPART) -> dict:
    """WSGI variables of a request that announces `length` bytes of body which must never be read."""
    return {"CONTENT_LENGTH": str(length), "CONTENT_TYPE": content_type, "wsgi.input": UnreadableBody()}


def _meeting(world):
    return make_meeting(world.branch_a, status="held", attendees=[world.member_a], minutes="内容")


def _padded(content: bytes, size: int) -> bytes:
    """`content` followed by zeros up to exactly `size` bytes (images and PDFs ignore what follows their end)."""
    return content + b"\0" * (size - len(content))


def test_the_default_limit_is_the_largest_upload_plus_the_form(settings):
    """With PORTAL_REQUEST_MAX_BYTES unset: ten 5 MB photos (above one 20 MB attachment) plus 1 MiB, i.e. 51 MiB."""
    settings.REQUEST_MAX_BYTES = 0
    settings.PHOTO_MAX_BYTES, settings.ATTACHMENT_MAX_BYTES = 5 * MIB, 20 * MIB
    assert MAX_PHOTOS_PER_UPLOAD == 10
    assert upload_body_limit() == 51 * MIB
    settings.ATTACHMENT_MAX_BYTES = 80 * MIB
    assert upload_body_limit() == 81 * MIB
    settings.REQUEST_MAX_BYTES = 30 * MIB
    assert upload_body_limit() == 30 * MIB


def test_an_oversized_upload_is_refused_unread_with_a_chinese_page(client, world, settings):
    """A body one byte over the limit answers 413 with the limits in Chinese; the body is never read."""
    settings.REQUEST_MAX_BYTES = 0
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    url = reverse("meetings:photo_add", args=[meeting.pk])
    response = client.post(url, **_declaring(upload_body_limit() + 1))
    html = response.content.decode()
    assert response.status_code == 413
    assert 'lang="zh-Hans"' in html
    assert "提交的内容过大" in html
    assert "本次提交超过了允许的大小（51MB），未被接收" in html
    assert "照片每张不超过5MB，附件和导入的表格不超过20MB" in html
    assert response["X-Frame-Options"] == "DENY"
    assert not MeetingPhoto.objects.exists()


@pytest.mark.parametrize("url_name", ["login", "home"])
def test_a_large_body_without_files_is_refused_unread_even_before_login(url_name, settings):
    """A form body (no files) above DATA_UPLOAD_MAX_MEMORY_SIZE is refused the same way, signed in or not."""
    response = Client().post(
        reverse(url_name),
        **_declaring(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1, "application/x-www-form-urlencoded"),
    )
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()


def test_a_request_without_a_length_is_not_refused(client):
    """Django reads nothing of a body without a Content-Length, so there is nothing to refuse."""
    response = client.post(reverse("login"), CONTENT_LENGTH="", CONTENT_TYPE="application/x-www-form-urlencoded")
    assert response.status_code == 200


@pytest.mark.parametrize("length", ["abc", "-5", "1e9", "١٢"])
def test_a_malformed_length_is_a_bad_request(client, length):
    """A Content-Length that is not a whole number answers the 400 page (reading the body would fail with a 500)."""
    response = client.post(reverse("login"), **{**_declaring(0), "CONTENT_LENGTH": length})
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_the_configured_limit_applies(client, world, settings):
    """PORTAL_REQUEST_MAX_BYTES replaces the computed limit: a small photo above it is refused unread."""
    settings.REQUEST_MAX_BYTES = 64 * 1024
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    url = reverse("meetings:photo_add", args=[meeting.pk])
    assert client.post(url, **_declaring(64 * 1024 + 1)).status_code == 413
    assert client.post(url, {"images": upload(image_bytes())}).status_code == 302
    assert MeetingPhoto.objects.count() == 1


def test_ten_photos_each_at_the_cap_are_all_accepted(client, world, settings):
    """The largest photo upload (MAX_PHOTOS_PER_UPLOAD photos of exactly PHOTO_MAX_BYTES) passes and is stored."""
    settings.REQUEST_MAX_BYTES = 0
    settings.PHOTO_MAX_BYTES, settings.ATTACHMENT_MAX_BYTES = 300 * 1024, 1 * MIB
    assert upload_body_limit() == 10 * 300 * 1024 + FORM_OVERHEAD_BYTES  # the photos set the limit
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    photos = [upload(_padded(image_bytes(), 300 * 1024), f"{n}.jpg") for n in range(MAX_PHOTOS_PER_UPLOAD)]
    response = client.post(reverse("meetings:photo_add", args=[meeting.pk]), {"images": photos, "caption": "会场"})
    assert response.status_code == 302
    assert MeetingPhoto.objects.filter(meeting=meeting).count() == MAX_PHOTOS_PER_UPLOAD


def test_an_attachment_at_the_cap_is_accepted(client, world, settings):
    """An attachment of exactly ATTACHMENT_MAX_BYTES passes the body limit and is stored."""
    settings.REQUEST_MAX_BYTES = 0
    settings.PHOTO_MAX_BYTES, settings.ATTACHMENT_MAX_BYTES = 100 * 1024, 3 * MIB
    assert upload_body_limit() == 3 * MIB + FORM_OVERHEAD_BYTES  # the attachment sets the limit
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    pdf = SimpleUploadedFile("会议材料.pdf", _padded(b"%PDF-1.4\n%%EOF\n", 3 * MIB))
    response = client.post(reverse("meetings:attachment_add", args=[meeting.pk]), {"file": pdf})
    assert response.status_code == 302
    assert MeetingAttachment.objects.get(meeting=meeting).size == 3 * MIB


def test_a_member_photo_at_the_cap_is_accepted(client, world, settings):
    """A member's photo of exactly PHOTO_MAX_BYTES (5 MB by default) passes the body limit and is stored."""
    settings.REQUEST_MAX_BYTES = 0
    settings.PHOTO_MAX_BYTES, settings.ATTACHMENT_MAX_BYTES = 5 * MIB, 20 * MIB
    client.force_login(world.secretary_a)
    photo = upload(_padded(image_bytes(), 5 * MIB))
    response = client.post(reverse("members:photo_upload", args=[world.member_a.pk]), {"photo": photo})
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.photo


@pytest.mark.parametrize(
    ("url_name", "args", "limit"),
    [
        ("members:photo_upload", "member", lambda s: s.PHOTO_MAX_BYTES),
        ("meetings:attachment_add", "meeting", lambda s: s.ATTACHMENT_MAX_BYTES),
        ("meetings:photo_add", "meeting", lambda s: MAX_PHOTOS_PER_UPLOAD * s.PHOTO_MAX_BYTES),
        ("members:import", None, lambda s: s.ATTACHMENT_MAX_BYTES),
    ],
)
def test_each_upload_is_held_to_its_own_limit(client, world, settings, url_name, args, limit):
    """An upload view refuses, unread, a body above its own largest upload plus the form (a 30 MB body to the 5 MB
    member photo is refused before a byte is read, although ten meeting photos may take 51 MB)."""
    settings.REQUEST_MAX_BYTES = 0
    kwargs = {"member": [world.member_a.pk], "meeting": [_meeting(world).pk], None: []}[args]
    client.force_login(world.secretary_a)
    own = limit(settings) + FORM_OVERHEAD_BYTES
    response = client.post(reverse(url_name, args=kwargs), **_declaring(own + 1))
    assert response.status_code == 413
    shown = f"{own / MIB:.1f}".removesuffix(".0")
    assert f"允许的大小（{shown}MB）" in response.content.decode()
    if own < 30 * MIB:
        assert client.post(reverse(url_name, args=kwargs), **_declaring(30 * MIB)).status_code == 413


def test_a_view_that_takes_no_files_refuses_a_large_multipart_body(client, world, settings):
    """A multipart body to a page without a file field is held to the form limit (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    meeting = _meeting(world)
    client.force_login(world.secretary_a)
    url = reverse("meetings:edit", args=[meeting.pk])
    assert client.post(url, **_declaring(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)).status_code == 413


def test_the_admin_may_upload_what_the_portal_accepts(world, settings):
    """The admin's forms (a member's photo among them) are held to the largest upload, not to the form limit."""
    from django.test import RequestFactory
    from django.urls import resolve

    from config.request_size import body_limit

    url = reverse("admin:members_member_change", args=[world.member_a.pk])
    request = RequestFactory().post(url, **_declaring(1))
    request.resolver_match = resolve(url)
    assert body_limit(request, request.resolver_match.func) == upload_body_limit()

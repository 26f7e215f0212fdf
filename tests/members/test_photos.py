"""Member photos: only real JPEG/PNG/WebP images under the cap, re-encoded without metadata, served by the view only."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from members.models import Member
from tests.members.images import GPS_IFD, image_bytes, upload

pytestmark = pytest.mark.django_db


def _post(client, member, file):
    return client.post(reverse("members:photo_upload", args=[member.pk]), {"photo": file})


def _stored(member) -> Image.Image:
    member.refresh_from_db()
    with member.photo.open("rb") as handle:
        return Image.open(io.BytesIO(handle.read()))


def test_photo_is_reencoded_without_exif_or_gps(client, world):
    """A JPEG with GPS coordinates in its EXIF is stored as a new JPEG with no EXIF at all."""
    original = image_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    client.force_login(world.secretary_a)
    response = _post(client, world.member_a, upload(original))
    assert response.status_code == 302
    stored = _stored(world.member_a)
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert "exif" not in stored.info and "icc_profile" not in stored.info
    raw = Path(world.member_a.photo.path).read_bytes()
    assert b"TestCamera" not in raw and b"Exif" not in raw


def test_orientation_is_applied_before_metadata_is_dropped(client, world):
    """A photo taken sideways (EXIF orientation 6) is stored upright: width and height swap."""
    client.force_login(world.secretary_a)
    _post(client, world.member_a, upload(image_bytes(size=(40, 30), orientation=6)))
    assert _stored(world.member_a).size == (30, 40)


def test_large_photo_is_scaled_down_to_1200_px(client, world):
    """The longest side of a stored photo is at most 1200 px."""
    client.force_login(world.secretary_a)
    _post(client, world.member_a, upload(image_bytes("PNG", size=(2400, 1600)), "big.png", "image/png"))
    assert _stored(world.member_a).size == (1200, 800)


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("WEBP", "RGB")])
def test_png_and_webp_become_jpeg(client, world, fmt, mode):
    """PNG (also with transparency) and WebP are accepted and stored as JPEG."""
    client.force_login(world.secretary_a)
    response = _post(client, world.member_a, upload(image_bytes(fmt, mode=mode), f"p.{fmt.lower()}", "image/png"))
    assert response.status_code == 302
    assert _stored(world.member_a).format == "JPEG"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4 this is not an image",
        image_bytes("GIF"),  # a real image, but not an accepted format
        image_bytes()[:60],  # a truncated JPEG
    ],
    ids=["not-an-image", "gif", "truncated"],
)
def test_files_that_are_not_accepted_images_are_refused(client, world, content):
    """Anything but a complete JPEG, PNG or WebP gets the Chinese message at the field; nothing is saved."""
    client.force_login(world.secretary_a)
    response = _post(client, world.member_a, upload(content, "photo.jpg"))
    assert response.status_code == 200
    assert "请上传JPG、PNG或WebP格式的图片" in response.content.decode()
    world.member_a.refresh_from_db()
    assert not world.member_a.photo
    assert not (Path(settings.MEDIA_ROOT) / "members" / "photos").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "members" / "photos").iterdir()
    )


def test_photo_over_the_cap_is_refused(client, world, settings):
    """A file over PHOTO_MAX_BYTES (5 MB) is refused with "图片不能超过5MB"."""
    settings.PHOTO_MAX_BYTES = 5 * 1024 * 1024
    big = image_bytes() + b"\0" * (5 * 1024 * 1024)
    client.force_login(world.secretary_a)
    response = _post(client, world.member_a, upload(big))
    assert "图片不能超过5MB" in response.content.decode()
    world.member_a.refresh_from_db()
    assert not world.member_a.photo


def test_photo_has_a_random_name_and_replaces_the_old_file(client, world, django_capture_on_commit_callbacks):
    """The file is stored under a random name; replacing it removes the previous file."""
    client.force_login(world.secretary_a)
    _post(client, world.member_a, upload(image_bytes(), "张三 身份证.jpg"))
    world.member_a.refresh_from_db()
    first = world.member_a.photo.name
    assert re.fullmatch(r"members/photos/[0-9a-f]{32}\.jpg", first)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, world.member_a, upload(image_bytes()))
    world.member_a.refresh_from_db()
    assert world.member_a.photo.name != first
    assert not world.member_a.photo.storage.exists(first)


def test_photo_streams_only_to_readers(client, world):
    """The photo view streams the JPEG to those who may read the member and answers 404 to others."""
    client.force_login(world.secretary_a)
    _post(client, world.member_a, upload(image_bytes()))
    url = reverse("members:photo", args=[world.member_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(world.secretary_b)
    assert client.get(url).status_code == 404
    member = Member.objects.get(pk=world.member_a.pk)
    assert not member.photo.url.startswith(settings.STATIC_URL)


def test_no_url_serves_the_media_folder(client, world):
    """Uploaded files have no public address: the media URL answers 404 even to an admin."""
    client.force_login(world.secretary_a)
    _post(client, world.member_a, upload(image_bytes()))
    world.member_a.refresh_from_db()
    client.force_login(world.admin)
    assert client.get(world.member_a.photo.url).status_code == 404

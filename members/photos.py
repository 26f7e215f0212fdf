"""Member photos: accept only real JPEG, PNG or WebP images and keep a clean JPEG copy without metadata."""

import io
import warnings

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from branches.errors import DomainError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
#: Longest side of a stored photo, in pixels.
MAX_SIDE = 1200
#: Larger images are refused before decoding (a small file can hold a huge image).
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85


def _not_an_image() -> DomainError:
    return DomainError(_("请上传JPG、PNG或WebP格式的图片"), field="photo")


def photo_too_big_message() -> str:
    return _("图片不能超过%(size)sMB") % {"size": settings.PHOTO_MAX_BYTES // (1024 * 1024)}


def photo_clean(upload: UploadedFile) -> bytes:
    """Check an upload is a real image within the size cap; return it as a JPEG at most 1200 px, without EXIF.

    The EXIF orientation is applied first, then every piece of metadata (EXIF, GPS, ICC, comments) is dropped by
    copying only the pixels into a new image.
    """
    if upload.size is None or upload.size > settings.PHOTO_MAX_BYTES:
        raise DomainError(photo_too_big_message(), field="photo")
    upload.seek(0)
    data = upload.read(settings.PHOTO_MAX_BYTES + 1)
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise DomainError(photo_too_big_message(), field="photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _not_an_image()
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise _not_an_image()
                probe.verify()
            # verify() leaves the image unusable: open it again to decode the pixels.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                pixels = _rgb(image)
    except DomainError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise _not_an_image() from exc
    pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)
    output = io.BytesIO()
    clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()


def _rgb(image: Image.Image) -> Image.Image:
    """The image in RGB; transparent parts become white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")

"""Small images built in memory for the photo tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

#: EXIF tag of the GPS block, and GPS sub-tags (latitude ref, latitude).
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (40, 30),
    *,
    gps: bool = False,
    orientation: int | None = None,
    mode: str = "RGB",
) -> bytes:
    """An image in `fmt`; optionally with GPS coordinates and an orientation in its EXIF."""
    image = Image.new(mode, size, (200, 16, 46) if mode == "RGB" else (200, 16, 46, 128))
    exif = Image.Exif()
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (26.0, 34.0, 12.5), 3: "E", 4: (106.0, 42.0, 30.0)}
        exif[0x010F] = "TestCamera"  # Make
    if orientation is not None:
        exif[ORIENTATION] = orientation
    output = io.BytesIO()
    kwargs = {"exif": exif.tobytes()} if (gps or orientation) else {}
    image.save(output, format=fmt, **kwargs)
    return output.getvalue()


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)

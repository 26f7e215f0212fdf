"""The Chinese font every PDF of the portal embeds (a subset), so that minutes and transfer letters read the same on
any machine. It is never fetched: `settings.MINUTES_FONT_PATH` names one, otherwise the copy vendored under
static/vendor/ is used, otherwise a system font from Debian's `fonts-wqy-microhei`, `fonts-noto-cjk` or
`fonts-droid-fallback`."""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VENDORED_FONT = Path(settings.BASE_DIR) / "static" / "vendor" / "wqy-microhei-0.2.0-beta" / "wqy-microhei.ttc"
#: Where Debian and most Linux distributions install an OFL/Apache CJK font (a .ttc's first face is used).
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


@lru_cache(maxsize=4)
def font_path(configured: str = "") -> Path:
    """The Chinese font for the PDFs: the configured one, the vendored copy, or a known system font."""
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ImproperlyConfigured(f"MINUTES_FONT_PATH does not name a font file: {configured}")
        return path
    for candidate in (VENDORED_FONT, *map(Path, SYSTEM_FONTS)):
        if candidate.is_file():
            return candidate
    raise ImproperlyConfigured(
        "No Chinese font for the minutes PDF: set MINUTES_FONT_PATH or install fonts-wqy-microhei."
    )

"""Names of downloaded files: one safe form for every download of the portal.

A download name comes from data people typed (an organisation's name, an attachment's original name). Such text may
hold a "/" (a browser or Django's `FileResponse` keeps only what follows it), a backslash, quotes, a ";" or a line
break (which would end the header or split it), or characters no file system accepts. `download_name` keeps letters
and digits of every script (Chinese stays Chinese), turns every run of anything else into one "-", and adds the date
and the extension, so the same document always downloads under the same readable name.
"""

import re
import unicodedata
from datetime import date

#: Longest stem kept (before the date and the extension), in characters: well under any file system's limit.
MAX_STEM = 80
_UNSAFE_RUN = re.compile(r"[^\w()]+")
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")


def download_name(title: str, *, extension: str, day: date | None = None, fallback: str = "download") -> str:
    """A file name safe in any browser and file system: `title` as a slug, then `_YYYY-MM-DD` when `day` is given,
    then the extension (kept only when it is 1-10 ASCII letters or digits).

    The slug keeps letters and digits of any script, "_" and brackets; every other run of characters (path
    separators, quotes, ";", spaces, line breaks, control characters) becomes one "-". Full-width forms are folded
    to their plain forms first (NFKC), so "（" becomes "(". An empty result falls back to `fallback`.
    """
    text = unicodedata.normalize("NFKC", title or "")
    stem = _UNSAFE_RUN.sub("-", text).strip("-_")[:MAX_STEM].strip("-_") or fallback
    if day is not None:
        stem = f"{stem}_{day:%Y-%m-%d}"
    suffix = (extension or "").strip().lstrip(".").lower()
    return f"{stem}.{suffix}" if _EXTENSION.fullmatch(suffix) else stem

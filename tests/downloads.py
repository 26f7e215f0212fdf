"""Reading a download's name back from its Content-Disposition header, as a browser does."""

from urllib.parse import unquote


def disposition_name(response) -> str:
    """The file name a browser takes from Content-Disposition (RFC 6266: filename* wins over filename)."""
    header = response["Content-Disposition"]
    assert "\n" not in header and "\r" not in header
    if "filename*=utf-8''" in header:
        return unquote(header.split("filename*=utf-8''", 1)[1])
    return header.split('filename="', 1)[1].rsplit('"', 1)[0]

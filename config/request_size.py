"""Refuse a request body above what the portal accepts from its Content-Length, before anything reads it."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meetings.upload_forms import MAX_PHOTOS_PER_UPLOAD

#: Room for the multipart headers and the other fields of an upload form (CSRF token, caption, ...).
FORM_OVERHEAD_BYTES = 1024 * 1024


def upload_body_limit() -> int:
    """Return the largest body an upload may send.

    REQUEST_MAX_BYTES (PORTAL_REQUEST_MAX_BYTES) when set; otherwise the largest upload the forms accept (one
    attachment or import workbook, or a meeting's MAX_PHOTOS_PER_UPLOAD photos at once) plus FORM_OVERHEAD_BYTES.
    """
    if settings.REQUEST_MAX_BYTES > 0:
        return settings.REQUEST_MAX_BYTES
    largest = max(settings.ATTACHMENT_MAX_BYTES, MAX_PHOTOS_PER_UPLOAD * settings.PHOTO_MAX_BYTES)
    return largest + FORM_OVERHEAD_BYTES


def body_limit(request: HttpRequest) -> int:
    """Return the largest body this request may send: an upload's, or DATA_UPLOAD_MAX_MEMORY_SIZE for other forms."""
    limit = upload_body_limit()
    if request.content_type != "multipart/form-data" and settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None:
        limit = min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return limit


def _declared_length(request: HttpRequest) -> int | None:
    """Return the body's declared length (0 without a Content-Length), or None when it is not a whole number."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    return int(declared) if declared.isascii() and declared.isdigit() else None


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


class RequestBodyLimitMiddleware:
    """Answer 413 with a Chinese page when a request declares a body above body_limit(), without reading it.

    Django reads an upload to its end (into memory or a temporary file) before a form can look at its size, so
    without this a 200 MB body would be received in full and only then refused. Under WSGI Django never reads past
    Content-Length, so understating it cannot slip a larger body in. This runs before CsrfViewMiddleware's
    process_view, the first thing that reads the body; the reverse proxy should refuse such bodies even earlier
    (nginx client_max_body_size).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is None:
            # Django would fail on it (a 500) when the body is read; a WSGI server in front usually refuses it first.
            return render(request, "400.html", status=400)
        limit = body_limit(request)
        if length > limit:
            context = {
                "limit_mb": _megabytes(limit),
                "photo_mb": _megabytes(settings.PHOTO_MAX_BYTES),
                "attachment_mb": _megabytes(settings.ATTACHMENT_MAX_BYTES),
            }
            return render(request, "413.html", context, status=413)
        return self.get_response(request)

"""Refuse a request body above what its view accepts, from its Content-Length, before anything reads it."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meetings.upload_forms import MAX_PHOTOS_PER_UPLOAD

#: Room for the multipart headers and the other fields of an upload form (CSRF token, caption, ...).
FORM_OVERHEAD_BYTES = 1024 * 1024


def photos_max_bytes() -> int:
    """The largest upload of a meeting's photos: MAX_PHOTOS_PER_UPLOAD photos of PHOTO_MAX_BYTES."""
    return MAX_PHOTOS_PER_UPLOAD * settings.PHOTO_MAX_BYTES


def photo_max_bytes() -> int:
    """The largest upload of one photo (a member's)."""
    return settings.PHOTO_MAX_BYTES


def attachment_max_bytes() -> int:
    """The largest upload of one attachment or import workbook."""
    return settings.ATTACHMENT_MAX_BYTES


def upload_body_limit() -> int:
    """Return the largest body any upload may send (the admin's forms; the first, view-blind check).

    REQUEST_MAX_BYTES (PORTAL_REQUEST_MAX_BYTES) when set; otherwise the largest upload the forms accept (one
    attachment or import workbook, or a meeting's MAX_PHOTOS_PER_UPLOAD photos at once) plus FORM_OVERHEAD_BYTES.
    """
    if settings.REQUEST_MAX_BYTES > 0:
        return settings.REQUEST_MAX_BYTES
    return max(attachment_max_bytes(), photos_max_bytes()) + FORM_OVERHEAD_BYTES


def _form_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or upload_body_limit()


def body_limit(request: HttpRequest, view_func: Callable | None = None) -> int:
    """Return the largest body this request may send to this view.

    A form without files: DATA_UPLOAD_MAX_MEMORY_SIZE. An upload: what the view declares in `max_upload_bytes` (a
    function of the settings) plus FORM_OVERHEAD_BYTES, so a 30 MB body to a 5 MB photo upload is refused unread;
    the Django admin's forms may carry any upload the portal accepts; any other view takes no files, so a
    multipart body is held to the form limit too.
    """
    limit = upload_body_limit()
    if request.content_type != "multipart/form-data":
        return min(limit, _form_limit())
    if view_func is None:
        return limit
    declared = getattr(getattr(view_func, "view_class", view_func), "max_upload_bytes", None)
    if declared is not None:
        return min(limit, declared() + FORM_OVERHEAD_BYTES)
    match = getattr(request, "resolver_match", None)
    if match is not None and "admin" in match.namespaces:
        return limit
    return min(limit, _form_limit())


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
    Content-Length, so understating it cannot slip a larger body in. The check runs in `process_view`, once the
    view is known (its own limit) and every middleware has set up the request (the page needs the user), and this
    middleware stands before CsrfViewMiddleware, whose process_view is the first thing that reads a body. The
    reverse proxy should refuse such bodies even earlier (nginx client_max_body_size).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        length = _declared_length(request)
        if length is None:
            # Django would fail on it (a 500) when the body is read; a WSGI server in front usually refuses it first.
            return render(request, "400.html", status=400)
        limit = body_limit(request, view_func)
        if length <= limit:
            return None
        context = {
            "limit_mb": _megabytes(limit),
            "photo_mb": _megabytes(settings.PHOTO_MAX_BYTES),
            "attachment_mb": _megabytes(settings.ATTACHMENT_MAX_BYTES),
        }
        return render(request, "413.html", context, status=413)

"""The portal's URLs plus `/bench/bare/`, a bare Django view doing one query (figure 3's yardstick).

The Django admin changelist of meetings is compared with the meeting list at the same page size (figure 4), so
the benchmark sets the admin's `list_per_page` to `PAGE_SIZE` here, only under these settings.
"""

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import path

from branches.models import Organisation
from config import urls as portal
from meetings.models import Meeting

admin.site._registry[Meeting].list_per_page = settings.PAGE_SIZE


def bare(request):
    """One query, a tiny response: what any Django page costs at least on this server."""
    name = Organisation.objects.order_by("path").values_list("name", flat=True).first()
    return HttpResponse(f"<p>{name}</p>")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *portal.urlpatterns]
handler400 = portal.handler400
handler403 = portal.handler403
handler404 = portal.handler404
handler500 = portal.handler500

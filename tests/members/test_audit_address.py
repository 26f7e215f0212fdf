"""The ID-number audit rows record the client's address, behind trusted proxies as the login throttle sees it."""

import pytest
from django.urls import reverse

from members.models import IdNumberAccess

pytestmark = pytest.mark.django_db

#: nginx (192.0.2.1) appends the address it saw; anything further left was written by the client.
BEHIND_NGINX = {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.23"}


def test_showing_an_id_number_behind_a_trusted_proxy_records_the_client(client, world, settings):
    """With DJANGO_TRUSTED_PROXY_COUNT=1 the show action logs the address nginx saw, not nginx's own."""
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(world.secretary_a)
    client.post(reverse("members:show_id", args=[world.member_a.pk]), **BEHIND_NGINX)
    assert IdNumberAccess.objects.get().address == "198.51.100.23"


def test_exporting_full_id_numbers_behind_a_trusted_proxy_records_the_client(client, world, settings):
    """Each full number exported is logged with the client's address nginx saw."""
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:export"), {"ids": "full"}, **BEHIND_NGINX)
    b"".join(response.streaming_content)
    rows = IdNumberAccess.objects.filter(purpose="export")
    assert rows.exists()
    assert set(rows.values_list("address", flat=True)) == {"198.51.100.23"}


def test_without_trusted_proxies_a_forged_header_is_not_recorded(client, world, settings):
    """With DJANGO_TRUSTED_PROXY_COUNT=0 the socket address is logged; X-Forwarded-For cannot change it."""
    settings.TRUSTED_PROXY_COUNT = 0
    client.force_login(world.secretary_a)
    client.post(reverse("members:show_id", args=[world.member_a.pk]), **BEHIND_NGINX)
    response = client.post(reverse("members:export"), {"ids": "full"}, **BEHIND_NGINX)
    b"".join(response.streaming_content)
    assert set(IdNumberAccess.objects.values_list("address", flat=True)) == {"192.0.2.1"}

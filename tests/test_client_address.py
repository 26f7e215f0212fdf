"""The client's address behind trusted reverse proxies (config.proxies), shared by the login throttle and audits."""

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.utils.module_loading import import_string

from config.proxies import client_address


def _request(remote: str = "192.0.2.1", forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/", REMOTE_ADDR=remote, **extra)


def test_the_login_throttle_uses_this_rule():
    """axes takes the client's address from this very function, in every settings module (set in base)."""
    assert import_string(django_settings.AXES_CLIENT_IP_CALLABLE) is client_address


def test_without_trusted_proxies_the_socket_address_is_used(settings):
    """With DJANGO_TRUSTED_PROXY_COUNT=0 X-Forwarded-For is ignored: a client cannot choose its address."""
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.23", "198.51.100.23"),
        (1, "10.9.9.9, 198.51.100.23", "198.51.100.23"),  # the left one was made up by the client
        (2, "10.9.9.9, 198.51.100.23, 192.0.2.10", "198.51.100.23"),  # load balancer, then nginx
        (2, "198.51.100.23", "192.0.2.1"),  # fewer entries than proxies: fall back to the socket
        (1, "", "192.0.2.1"),  # no header at all
        (1, "10.9.9.9, not-an-address", "192.0.2.1"),  # garbage where our proxy's entry should be
        (1, "2001:DB8::0:1", "2001:db8::1"),  # IPv6, in its normal form
    ],
)
def test_behind_trusted_proxies_the_nth_forwarded_address_from_the_right_is_used(settings, count, forwarded, expected):
    """With DJANGO_TRUSTED_PROXY_COUNT=n the client is the n-th X-Forwarded-For address from the right."""
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(_request("192.0.2.1", forwarded)) == expected


@pytest.mark.parametrize("remote", ["", "unix:/run/gunicorn.sock"])
def test_a_socket_without_an_address_gives_none(settings, remote):
    """A socket peer that is not an IP address (a Unix socket) gives None rather than a value the database refuses."""
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(remote)) is None

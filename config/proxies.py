"""The client's address behind our own reverse proxies: one rule for the login throttle and the audit rows."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """Return the client's address as our trusted proxies saw it, or None when there is no valid one.

    Behind reverse proxies the socket's peer (REMOTE_ADDR) is the nearest proxy. With TRUSTED_PROXY_COUNT = n
    (DJANGO_TRUSTED_PROXY_COUNT) the client is the n-th address from the right of X-Forwarded-For, the entries our
    own proxies appended; anything further left was sent by the client and is ignored. With 0, or when the header
    has fewer entries than there are proxies or the chosen entry is not an address, REMOTE_ADDR is used, so a
    client can never choose the address that is throttled or recorded.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = _valid(forwarded[-proxies])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


def _valid(candidate: str) -> str | None:
    """Return the address in its normal form, or None for anything that is not an IPv4 or IPv6 address."""
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None

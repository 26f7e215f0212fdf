"""The content security policy (django-csp): only the portal's own files run and style its pages, in production as
in the tests; every page's markup complies (the access matrix checks each page with tests/csp.py, the browser tests
check that the browser refused nothing)."""

from django.conf import settings
from django.urls import reverse

from tests.csp import inline_code


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_sends_the_policy_without_unsafe_inline(client, world):
    client.force_login(world.secretary_a)
    for url in (reverse("login"), reverse("branches:detail", args=[world.branch_a.pk]), reverse("meetings:list")):
        response = client.get(url, follow=True)
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        assert "unsafe-eval" not in response["Content-Security-Policy"], url


def test_production_keeps_the_policy(monkeypatch):
    """The production settings inherit the policy and its middleware."""
    from tests.test_settings import _production

    module = _production(monkeypatch, {})
    assert module.CONTENT_SECURITY_POLICY == settings.CONTENT_SECURITY_POLICY
    assert "csp.middleware.CSPMiddleware" in module.MIDDLEWARE


def test_the_finder_sees_what_the_policy_blocks():
    """tests/csp.py finds inline script, style elements and attributes, and handlers; not data blocks or files."""

    class Page:
        def __init__(self, html: str):
            self.content = html.encode()
            self.streaming = False

        def get(self, name, default=""):
            return "text/html; charset=utf-8"

    assert inline_code(Page('<script src="/s.js"></script><script type="application/json">{}</script>')) == []
    found = inline_code(Page('<script>x()</script><style>p{}</style><p style="a:b" onclick="y()">'))
    assert len(found) == 4

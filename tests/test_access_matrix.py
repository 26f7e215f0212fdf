"""Every URL of the project, tried as every role, on objects inside and outside each scope.

Each app lists its URLs in tests/<app>/access_cases.py (`CASES`, and `EXEMPT` for URLs with no object and no
data, such as the login page). A URL added without an entry fails `test_every_url_has_an_entry`.
"""

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.matrix import ROLES, Case

pytestmark = pytest.mark.django_db

#: Pages anyone may open, or that hold no data: the login flow, health check, language switch, the admin site
#: (Django's own permission checks; tested in tests/test_admin.py).
EXEMPT = {
    "login": "the login page is public",
    "logout": "POST-only; ends the user's own session",
    "healthz": "health check, no data",
    "language_switch": "sets a cookie, no data",
    "password_change": "the user's own password; requires a login (tests/test_accounts.py)",
    "password_change_done": "confirmation page of the user's own password change",
}


def _names(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(_names(pattern, ns))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(namespace + pattern.name)
    return names


def _load_cases() -> tuple[dict, dict]:
    cases: dict = {}
    exempt: dict = dict(EXEMPT)
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            found = importlib.import_module(f"tests.{module.name}.access_cases")
        except ModuleNotFoundError:
            continue
        cases.update(getattr(found, "CASES", {}))
        exempt.update(getattr(found, "EXEMPT", {}))
    return cases, exempt


CASES, ALL_EXEMPT = _load_cases()


def test_every_url_has_an_entry():
    """A URL pattern without an access-matrix entry (or an exemption with a reason) fails the suite."""
    missing = [n for n in _names(get_resolver()) if n not in CASES and n not in ALL_EXEMPT]
    assert not missing, f"URLs without an entry in tests/<app>/access_cases.py: {missing}"


def _client_for(world, role: str) -> Client:
    client = Client()
    user = world.users()[role]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("name", sorted(CASES))
def test_url_as_every_role(name, world):
    """Each role gets exactly the status its scope allows; outside the scope is 404 and nothing changes."""
    problems = []
    for case in CASES[name](world):
        assert isinstance(case, Case)
        url = reverse(name, kwargs=case.kwargs) + (f"?{case.query}" if case.query else "")
        for role in ROLES:
            client = _client_for(world, role)
            with transaction.atomic():
                if case.method == "post":
                    response = client.post(url, case.payload())
                else:
                    response = client.get(url)
                transaction.set_rollback(True)
            if response.status_code != case.expected(role):
                problems.append(f"{case.method.upper()} {url} as {role}: {response.status_code}, "
                                f"expected {case.expected(role)}")
    assert not problems, "\n".join(problems)

"""Every URL of the project, tried as every role, on objects inside and outside each scope.

Each app lists its URLs in tests/<app>/access_cases.py (`CASES`, and `EXEMPT` for URLs with no object and no
data, such as the login page). A URL added without an entry fails `test_every_url_has_an_entry`.

A POST outside a role's scope is answered 404 (anonymous: the login page) and changes nothing: every table's
fingerprint (tests/fingerprint.py) is the same before and after it. Every URL whose view takes a POST is also sent
one, on every object of its cases, by each role that may not use the page.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.csp import inline_code
from tests.fingerprint import changed, fingerprint
from tests.matrix import ROLES, Case, load_cases, takes_post, url_names

pytestmark = pytest.mark.django_db

CASES, ALL_EXEMPT = load_cases()


def test_every_url_has_an_entry():
    """A URL pattern without an access-matrix entry (or an exemption with a reason) fails the suite."""
    missing = [n for n in url_names() if n not in CASES and n not in ALL_EXEMPT]
    assert not missing, f"URLs without an entry in tests/<app>/access_cases.py: {missing}"


def test_write_urls_are_found():
    """The matrix knows which URLs take a POST: a form page does, a download does not."""
    assert takes_post("members:edit") and takes_post("meetings:restore") and takes_post("branches:committee")
    assert not takes_post("members:photo") and not takes_post("meetings:ics") and not takes_post("branches:detail")


def _client_for(world, role: str) -> Client:
    client = Client()
    user = world.users()[role]
    if user is not None:
        client.force_login(user)
    return client


def _out_of_scope(case: Case, role: str) -> bool:
    return role not in case.allowed


@pytest.mark.parametrize("name", sorted(CASES))
def test_url_as_every_role(name, world):
    """Each role gets exactly the status its scope allows; outside the scope is 404 and nothing changes; no page
    has code the content security policy blocks (tests/csp.py)."""
    problems = []
    write_url = takes_post(name)
    clients = {role: _client_for(world, role) for role in ROLES}
    for case in CASES[name](world):
        assert isinstance(case, Case)
        url = reverse(name, kwargs=case.kwargs) + (f"?{case.query}" if case.query else "")
        tries = [(case.method, role) for role in ROLES]
        if write_url and case.method == "get":
            # The same object, sent a POST by every role that may not use the page.
            tries += [("post", role) for role in ROLES if _out_of_scope(case, role)]
        for method, role in tries:
            client = clients[role]
            watch = method == "post" and _out_of_scope(case, role)
            before = fingerprint() if watch else None
            with transaction.atomic():
                if method == "post":
                    response = client.post(url, case.payload())
                else:
                    response = client.get(url)
                after = fingerprint() if watch else None
                transaction.set_rollback(True)
            expected = case.expected(role)
            if response.status_code != expected:
                problems.append(f"{method.upper()} {url} as {role}: {response.status_code}, expected {expected}")
            if response.status_code == 200 and (blocked := inline_code(response)):
                problems.append(f"{method.upper()} {url} as {role}: the content security policy blocks {blocked}")
            if watch and changed(before, after):
                problems.append(f"POST {url} as {role} (out of scope) changed {changed(before, after)}")
    assert not problems, "\n".join(problems)

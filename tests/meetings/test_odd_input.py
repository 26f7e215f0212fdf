"""Odd characters in ids from the address bar or a form are refused quietly, never a server error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "params", "status"),
    [
        ("meetings:calendar", {"org": "²"}, 404),
        ("meetings:create", {"organisation": "²"}, 200),
        ("meetings:list", {"organisation": "²"}, 200),
        ("members:create", {"organisation": "²"}, 200),
    ],
)
def test_superscript_digits_in_ids_do_not_fail(client, world, name, params, status):
    """`"²".isdigit()` is true but int("²") fails: such an id is treated like any unknown id."""
    client.force_login(world.secretary_a)
    assert client.get(reverse(name), params).status_code == status

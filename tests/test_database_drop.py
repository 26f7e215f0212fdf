"""A database that drops its connections mid-request: that request answers 503 with a clear page, nothing is half
saved, and the next request works (issue 18, reliability). PostgreSQL only: the test kills the request's backend
with pg_terminate_backend, as a restart or an administrator would."""

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from branches import selectors

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a PostgreSQL backend"),
]


def _terminate_this_backend() -> None:
    pid = connection.connection.get_backend_pid()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    killer = psycopg2.connect(**params)
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()


def test_a_dropped_connection_answers_503_and_the_next_request_recovers(client, world, monkeypatch):
    client.force_login(world.secretary_a)
    url = reverse("branches:detail", args=[world.branch_a.pk])
    assert client.get(url).status_code == 200

    original = selectors.organisation_children

    def dropped_midway(*args, **kwargs):
        _terminate_this_backend()
        return original(*args, **kwargs)

    monkeypatch.setattr(selectors, "organisation_children", dropped_midway)
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "数据库连接暂时中断" in response.content.decode()

    monkeypatch.setattr(selectors, "organisation_children", original)
    assert client.get(url).status_code == 200

"""GET /healthz: the state of the database and the Celery broker, for load balancers and monitoring."""

import time

import pytest
from django.db import OperationalError
from django.test import Client
from kombu import Connection

from config import health

pytestmark = pytest.mark.django_db

#: Nothing listens on port 1: connecting is refused at once.
DEAD_BROKER = "redis://127.0.0.1:1/0"


class _DatabaseDown:
    def cursor(self):
        raise OperationalError("connection refused")


def test_up_when_database_and_broker_answer():
    """With both services up (SQLite with the filesystem queue, or PostgreSQL with Redis) the answer is 200."""
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_needs_no_login_and_shows_no_data():
    """Anyone may ask; the answer names only the two services and their state."""
    response = Client().get("/healthz")
    assert set(response.json()) == {"database", "broker", "status"}


def test_503_when_the_database_is_down(monkeypatch):
    """A database that does not answer gives 503 and says which service is down."""
    monkeypatch.setattr(health, "connection", _DatabaseDown())
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "broker": "ok", "status": "degraded"}


def test_503_when_the_broker_is_down(monkeypatch):
    """A broker that refuses connections gives 503 quickly."""
    monkeypatch.setattr(health.app, "connection_for_write", lambda: Connection(DEAD_BROKER))
    started = time.monotonic()
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable", "status": "degraded"}
    assert time.monotonic() - started < 10


def test_503_when_both_are_down(monkeypatch):
    monkeypatch.setattr(health, "connection", _DatabaseDown())
    monkeypatch.setattr(health.app, "connection_for_write", lambda: Connection(DEAD_BROKER))
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"


def test_only_get_is_allowed():
    """POST and other methods are refused with 405."""
    assert Client().post("/healthz").status_code == 405
